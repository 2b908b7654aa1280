// What each service does on Kafka, and the checks that its KafkaUser (deploy/k8s/strimzi/users.yaml)
// grants that and no more. KAFKA_ACCESS is written out (which topic a service reads and which it
// writes is in its main code, not its config), and verified against the code: the topics it names
// must be exactly the `*_TOPIC` variables of the service's config schema (their defaults), which
// are also what it provisions at start (service-base.ts), and its groups the `*_GROUP_ID` /
// `*_GROUP_PREFIX` defaults. Also which services hold their commits back (their committed lag is
// not their backlog), and that no autoscaler reads the committed lag of one of those. Pure.
import type { z } from 'zod';
import { alertServiceEnv } from '../../services/alert-service/config.ts';
import { callStoreEnv } from '../../services/call-store/config.ts';
import { dspWorkerEnv } from '../../services/dsp-worker/config.ts';
import { emotionClassifierEnv } from '../../services/emotion-classifier/config.ts';
import { gatewayEnv } from '../../services/ingest-gateway/config.ts';
import { routingServiceEnv } from '../../services/routing-service/config.ts';
import { TOPICS } from '../../services/shared/topics.ts';
import type { K8sObject } from './k8s-schema.ts';

export interface KafkaAccess {
  /** Its KafkaUser, whose Secret (same name) holds its password. */
  user: string;
  reads: readonly string[];
  writes: readonly string[];
  /** Consumer groups: literal names, and prefixes of per-pod groups (`…-<id>`). */
  groups: readonly { name: string; patternType: 'literal' | 'prefix' }[];
  /**
   * Its consumers commit behind what they have handled (a successor rebuilds state from the
   * commit) or never: the groups' committed lag is not their backlog, so no scaler may read it
   * (KEDA's `kafka` trigger does); va_consumer_lag is the backlog.
   */
  holdsCommits: boolean;
}

/** From services/<name>/*.ts: the consumers' topics and groups, the producers' outputs. */
export const KAFKA_ACCESS: Readonly<Record<string, KafkaAccess>> = {
  // gateway.ts / call-session.ts: audio chunks and call events; each process reads every gateway's
  // consent changes back (CONSENT_GROUP_PREFIX-<id>, consent-feed.ts, never committed).
  'ingest-gateway': {
    user: 'va-ingest-gateway',
    reads: [TOPICS.calls],
    writes: [TOPICS.audio, TOPICS.calls],
    groups: [{ name: 'va-ingest-consent-', patternType: 'prefix' }],
    holdsCommits: true,
  },
  // worker.ts: va.audio.v1 in (DSP_GROUP_ID), feature windows out, poison to the dead letters.
  'dsp-worker': {
    user: 'va-dsp-worker',
    reads: [TOPICS.audio],
    writes: [TOPICS.features, TOPICS.deadletter],
    groups: [{ name: 'va-dsp-worker', patternType: 'literal' }],
    // worker.ts commitOffset: ~20 s of audio per live call held (call-states.ts, ANALYZER_HISTORY_MS).
    holdsCommits: true,
  },
  // classifier.ts: features in (EMOTION_GROUP_ID), emotion events out.
  'emotion-classifier': {
    user: 'va-emotion-classifier',
    reads: [TOPICS.features],
    writes: [TOPICS.emotions, TOPICS.deadletter],
    groups: [{ name: 'va-emotion-classifier', patternType: 'literal' }],
    // classifier.ts commitOffset: held at each live call's first window.
    holdsCommits: true,
  },
  // evaluator-runner.ts: the evaluator reads emotions and features (ALERT_GROUP_ID) and writes alerts;
  // instance-fanout.ts: the per-pod fan-out (ALERT_FANOUT_GROUP_PREFIX-<id>) reads calls, emotions, features, alerts, erasures;
  // acknowledgements are written to va.alerts.v1; each process reads revoked tokens
  // (ALERT_REVOCATIONS_GROUP_PREFIX-<id>, revocation-feed.ts) and writes sign-outs; login attempts
  // are written and read back (ALERT_LOGIN_FAILURES_GROUP_PREFIX-<id>, login-failure-feed.ts).
  'alert-service': {
    user: 'va-alert-service',
    reads: [
      TOPICS.calls,
      TOPICS.features,
      TOPICS.emotions,
      TOPICS.alerts,
      TOPICS.erasures,
      TOPICS.revocations,
      TOPICS.loginFailures,
    ],
    writes: [TOPICS.alerts, TOPICS.deadletter, TOPICS.revocations, TOPICS.loginFailures],
    groups: [
      { name: 'va-alert-service', patternType: 'literal' },
      { name: 'va-alert-fanout-', patternType: 'prefix' },
      { name: 'va-alert-revocations-', patternType: 'prefix' },
      { name: 'va-alert-login-failures-', patternType: 'prefix' },
    ],
    // evaluator.ts commitOffset (up to ALERT_COMMIT_HOLD_MAX_RECORDS held); the fan-out never commits.
    holdsCommits: true,
  },
  // call-store main.ts / ingest/consumer.ts: stores four topics (STORE_GROUP_ID); poison dead-lettered;
  // a customer's erased calls announced (store/erasure.ts); revoked tokens read
  // (STORE_REVOCATIONS_GROUP_PREFIX-<id>) and sign-outs written; login attempts written and read
  // back (STORE_LOGIN_FAILURES_GROUP_PREFIX-<id>).
  'call-store': {
    user: 'va-call-store',
    reads: [
      TOPICS.calls,
      TOPICS.features,
      TOPICS.emotions,
      TOPICS.alerts,
      TOPICS.revocations,
      TOPICS.loginFailures,
    ],
    writes: [TOPICS.deadletter, TOPICS.erasures, TOPICS.revocations, TOPICS.loginFailures],
    groups: [
      { name: 'call-store', patternType: 'literal' },
      { name: 'va-call-store-revocations-', patternType: 'prefix' },
      { name: 'va-call-store-login-failures-', patternType: 'prefix' },
    ],
    // ingest/consumer.ts: each chunk committed as soon as it is written.
    holdsCommits: false,
  },
  // routing-service.ts: calls, emotions, alerts in (ROUTING_GROUP_ID; the call directory in
  // ROUTING_GROUP_ID-directory-<id>), hints out; routing-webhook.ts dead-letters failed deliveries.
  'routing-service': {
    user: 'va-routing-service',
    reads: [TOPICS.calls, TOPICS.emotions, TOPICS.alerts],
    writes: [TOPICS.routing, TOPICS.deadletter],
    groups: [
      { name: 'va-routing-service', patternType: 'literal' },
      { name: 'va-routing-service-directory-', patternType: 'prefix' },
    ],
    // routing-replay.ts commitOffset; the call directory never commits.
    holdsCommits: true,
  },
  // services/shared/auth/revoke-user.ts (`npm run revoke-user`, an operator's tool): one
  // revocation out, the topic created if missing; no consumer.
  'revoke-user': {
    user: 'va-revoke-user',
    reads: [],
    writes: [TOPICS.revocations],
    groups: [],
    holdsCommits: false,
  },
  // services/shared/deadletters-main.ts (`npm run deadletters`, on call's tool): reads the dead
  // letters in a throwaway group it deletes at the end (Delete on its groups).
  deadletters: {
    user: 'va-deadletters',
    reads: [TOPICS.deadletter],
    writes: [],
    groups: [{ name: 'va-deadletters-', patternType: 'prefix' }],
    holdsCommits: false,
  },
};

const SCHEMAS: Record<string, z.ZodObject> = {
  'ingest-gateway': gatewayEnv,
  'dsp-worker': dspWorkerEnv,
  'emotion-classifier': emotionClassifierEnv,
  'alert-service': alertServiceEnv,
  'call-store': callStoreEnv,
  'routing-service': routingServiceEnv,
};

const defaultOf = (schema: z.ZodObject, key: string): string =>
  String((schema.shape[key] as z.ZodType).parse(undefined));

/** KAFKA_ACCESS against the code: its topics are the schema's topic variables, its groups the group ids. */
export function accessTableProblems(table: Readonly<Record<string, KafkaAccess>> = KAFKA_ACCESS): string[] {
  const problems: string[] = [];
  for (const [service, schema] of Object.entries(SCHEMAS)) {
    const access = table[service];
    if (!access) {
      problems.push(`${service}: not in KAFKA_ACCESS`);
      continue;
    }
    const keys = Object.keys(schema.shape);
    const codeTopics = new Set(keys.filter((k) => k.endsWith('_TOPIC')).map((k) => defaultOf(schema, k)));
    const tableTopics = new Set([...access.reads, ...access.writes]);
    for (const topic of codeTopics)
      if (!tableTopics.has(topic))
        problems.push(`${service}: its config names ${topic}, KAFKA_ACCESS does not`);
    for (const topic of tableTopics)
      if (!codeTopics.has(topic))
        problems.push(`${service}: KAFKA_ACCESS names ${topic}, its config does not`);
    const codeGroups = [
      ...keys
        .filter((k) => k.endsWith('_GROUP_ID'))
        .map((k) => ({ name: defaultOf(schema, k), patternType: 'literal' })),
      ...keys
        .filter((k) => k.endsWith('_GROUP_PREFIX'))
        .map((k) => ({ name: `${defaultOf(schema, k)}-`, patternType: 'prefix' })),
    ];
    for (const group of codeGroups)
      if (!access.groups.some((g) => g.name === group.name && g.patternType === group.patternType))
        problems.push(
          `${service}: its config's group ${group.name} (${group.patternType}) is not in KAFKA_ACCESS`,
        );
  }
  return problems;
}

interface Acl {
  resource: { type: string; name?: string; patternType?: 'literal' | 'prefix' };
  operations: string[];
}
const aclsOf = (user: K8sObject): Acl[] =>
  (user.spec as { authorization?: { acls?: Acl[] } }).authorization?.acls ?? [];

/** Operations the ACLs grant on one topic or group (a prefix ACL counts for the names it covers). */
function granted(acls: readonly Acl[], type: string, name: string): Set<string> {
  const ops = new Set<string>();
  for (const acl of acls) {
    if (acl.resource.type !== type || acl.resource.name === undefined) continue;
    const covers =
      acl.resource.patternType === 'prefix' ? name.startsWith(acl.resource.name) : acl.resource.name === name;
    if (covers) for (const op of acl.operations) ops.add(op);
  }
  return ops;
}

/**
 * Each service's KafkaUser grants what KAFKA_ACCESS says and nothing else: Read on its inputs and
 * groups, Write on its outputs, Create and Describe on every topic it provisions (its inputs and
 * outputs), no prefix on topics, no cluster ACL, no All; and no KafkaUser that no service uses.
 */
export function kafkaUserProblems(
  users: readonly K8sObject[],
  table: Readonly<Record<string, KafkaAccess>> = KAFKA_ACCESS,
): string[] {
  const problems: string[] = [];
  for (const [service, access] of Object.entries(table)) {
    const user = users.find((u) => u.kind === 'KafkaUser' && u.metadata.name === access.user);
    const where = `KafkaUser/${access.user} (${service})`;
    if (!user) {
      problems.push(`${where}: missing`);
      continue;
    }
    const acls = aclsOf(user);
    const topics = new Set([...access.reads, ...access.writes]);
    for (const topic of Object.values(TOPICS)) {
      const ops = granted(acls, 'topic', topic);
      const want = new Set<string>();
      if (access.reads.includes(topic)) want.add('Read');
      if (access.writes.includes(topic)) want.add('Write');
      if (topics.has(topic)) ['Create', 'Describe'].forEach((op) => want.add(op));
      for (const op of want) if (!ops.has(op)) problems.push(`${where}: no ${op} on topic ${topic}`);
      for (const op of ops)
        if (!want.has(op)) problems.push(`${where}: ${op} on topic ${topic} it does not need`);
    }
    for (const group of access.groups) {
      const probe = group.patternType === 'prefix' ? `${group.name}pod-1` : group.name;
      if (!granted(acls, 'group', probe).has('Read'))
        problems.push(`${where}: no Read on group ${group.name}`);
    }
    for (const acl of acls) {
      const { type, name, patternType } = acl.resource;
      if (type === 'topic' && (patternType === 'prefix' || !Object.values(TOPICS).includes(name as never)))
        problems.push(`${where}: topic ACL ${name} (${patternType ?? 'literal'}) is not one product topic`);
      if (
        type === 'group' &&
        !access.groups.some((g) => g.name === name && g.patternType === (patternType ?? 'literal'))
      )
        problems.push(`${where}: group ACL ${name} is not one of its groups`);
      if (type === 'cluster' || type === 'transactionalId')
        problems.push(`${where}: a ${type} ACL it does not need`);
      if (acl.operations.includes('All')) problems.push(`${where}: All on ${type} ${name ?? ''}`);
    }
  }
  const known = new Set(Object.values(table).map((a) => a.user));
  for (const user of users.filter((u) => u.kind === 'KafkaUser' && !known.has(u.metadata.name)))
    problems.push(`KafkaUser/${user.metadata.name}: no service logs in as it`);
  return problems;
}

type Trigger = { type: string; name?: string; metadata: Record<string, string> };
type Container = { command?: string[] };

/**
 * Each ScaledObject of a consumer scales on its backlog, never on committed lag where the service
 * holds its commits: no `kafka` trigger on such a group or Deployment (KEDA's Kafka scaler reads
 * the committed offsets: it would run the most replicas at ordinary load), and a query of
 * va_consumer_lag selects the service and one of its own groups.
 */
export function scalerMetricProblems(
  objects: readonly K8sObject[],
  serviceOf: (command: readonly string[] | undefined) => string | undefined,
  table: Readonly<Record<string, KafkaAccess>> = KAFKA_ACCESS,
): string[] {
  const problems: string[] = [];
  const held = Object.values(table).filter((a) => a.holdsCommits);
  const heldGroup = (group: string): boolean =>
    held.some((a) =>
      a.groups.some((g) => (g.patternType === 'prefix' ? group.startsWith(g.name) : group === g.name)),
    );
  for (const scaled of objects.filter((o) => o.kind === 'ScaledObject')) {
    const spec = scaled.spec as { scaleTargetRef: { name: string }; triggers: Trigger[] };
    const where = `ScaledObject/${scaled.metadata.name}`;
    const target = objects.find(
      (o) => o.kind === 'Deployment' && o.metadata.name === spec.scaleTargetRef.name,
    );
    const containers = (target?.spec as { template?: { spec: { containers: Container[] } } } | undefined)
      ?.template?.spec.containers;
    const service = containers?.map((c) => serviceOf(c.command)).find((s) => s !== undefined);
    const access = service ? table[service] : undefined;
    for (const trigger of spec.triggers) {
      if (trigger.type === 'kafka' && (access?.holdsCommits || heldGroup(trigger.metadata.consumerGroup)))
        problems.push(
          `${where}: a kafka trigger reads the committed lag of ${trigger.metadata.consumerGroup}, whose service holds its commits (scale on va_consumer_lag)`,
        );
      const query = trigger.type === 'prometheus' ? trigger.metadata.query : '';
      if (!/\bva_consumer_lag\b/.test(query)) continue;
      const groups = (access?.groups ?? []).filter((g) => g.patternType === 'literal').map((g) => g.name);
      if (!service || !query.includes(`service="${service}"`))
        problems.push(`${where}: va_consumer_lag is not selected by service="${service ?? '?'}"`);
      if (!groups.some((group) => query.includes(`group="${group}"`)))
        problems.push(`${where}: va_consumer_lag is not selected by one of ${service ?? '?'}'s groups`);
    }
  }
  return problems;
}

/** Each Deployment logs in as its own service's user: KAFKA_SASL_USERNAME and the password's Secret. */
export function deploymentUserProblems(
  objects: readonly K8sObject[],
  serviceOf: (command: readonly string[] | undefined) => string | undefined,
  table: Readonly<Record<string, KafkaAccess>> = KAFKA_ACCESS,
): string[] {
  const problems: string[] = [];
  type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const containers = (
      deployment.spec as { template: { spec: { containers: { command?: string[]; env?: Env[] }[] } } }
    ).template.spec.containers;
    for (const container of containers) {
      const service = serviceOf(container.command);
      const want = service ? table[service]?.user : undefined;
      if (!want) continue;
      const env = container.env ?? [];
      const username = env.find((v) => v.name === 'KAFKA_SASL_USERNAME')?.value;
      const password = env.find((v) => v.name === 'KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef;
      const where = `Deployment/${deployment.metadata.name}`;
      if (username !== want)
        problems.push(`${where}: KAFKA_SASL_USERNAME is ${username ?? 'not set in env'}, not ${want}`);
      if (password?.name !== want || password.key !== 'password')
        problems.push(`${where}: KAFKA_SASL_PASSWORD is not the key "password" of the Secret ${want}`);
    }
  }
  return problems;
}
