// The Kubernetes manifests, checked offline. Both overlays and the Strimzi
// resources render (deploy/checks/kustomize.ts; test/int/deploy/checks/kustomize-kubectl.test.ts
// compares the rendering with `kubectl kustomize`), every object is valid against the Kubernetes / KEDA / Strimzi schemas,
// strictly, and references only variables, ConfigMaps and Secrets that exist. Each check is also
// fed a deliberately broken manifest and must fail on it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { schemaProblems, type K8sObject } from '../../../../deploy/checks/k8s-schema.ts';
import { documentedSecrets, referenceProblems } from '../../../../deploy/checks/k8s-references.ts';
import { KustomizeError, renderKustomization } from '../../../../deploy/checks/kustomize.ts';
import {
  drainProblems,
  autoscaledReplicaProblems,
  networkPolicyProblems,
  podSecurityProblems,
  scalerProblems,
} from '../../../../deploy/checks/k8s-hardening.ts';
import {
  accessTableProblems,
  deploymentUserProblems,
  KAFKA_ACCESS,
  kafkaUserProblems,
  scalerMetricProblems,
} from '../../../../deploy/checks/kafka-acls.ts';
import { gatewayGraceProblems } from '../../../../deploy/checks/gateway-drain-grace.ts';
import { SERVICE_ENV, serviceOfCommand } from '../../../../deploy/checks/service-env.ts';
import { dspWorkerEnv } from '../../../../services/dsp-worker/config.ts';
import { emotionClassifierEnv } from '../../../../services/emotion-classifier/config.ts';
import { TOPICS } from '../../../../services/shared/topics.ts';
import { selfSignedTlsPair } from '../../../support/tls-pair.ts';

const OVERLAYS = ['deploy/k8s/overlays/dev', 'deploy/k8s/overlays/prod'];
/**
 * Mounted files the services parse at start (the gateway's TLS pair): a real one each, made here
 * (production refuses the committed test pair, whose key is published).
 */
const tlsPair = selfSignedTlsPair();
const MOUNTED_CONTENT: Record<string, string> = { TLS_CERT_FILE: tlsPair.cert, TLS_KEY_FILE: tlsPair.key };
const secrets = documentedSecrets(readFileSync('deploy/k8s/README.md', 'utf8'));
const rendered = Object.fromEntries(OVERLAYS.map((dir) => [dir, renderKustomization(dir)]));
const SERVICES = [
  'ingest-gateway',
  'dsp-worker',
  'emotion-classifier',
  'alert-service',
  'call-store',
  'routing-service',
];

/** Rendered objects are walked freely here (and broken on purpose): a wrong path fails the test. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Walkable = K8sObject & { spec: any; data: any };

const find = (objects: K8sObject[], kind: string, name: string): Walkable => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered`);
  return found as Walkable;
};
/** A generated ConfigMap: `name-<hash of its content>` (base/kustomization.yaml, configMapGenerator). */
const configMap = (objects: K8sObject[], name: string): Walkable => {
  const found = objects.filter(
    (o) => o.kind === 'ConfigMap' && new RegExp(`^${name}-[a-z0-9]{10}$`).test(o.metadata.name),
  );
  if (found.length !== 1) throw new Error(`ConfigMap ${name}-<hash>: ${found.length} rendered`);
  return found[0] as Walkable;
};

describe.each(OVERLAYS)('overlay %s', (dir) => {
  const objects = rendered[dir];

  it('has a Deployment, a Service and a PodDisruptionBudget for every service', () => {
    for (const name of SERVICES) {
      for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget'])
        expect(() => find(objects, kind, name)).not.toThrow();
    }
    expect(new Set(objects.map((o) => o.metadata.namespace)).size).toBe(1);
  });

  it('is valid against the Kubernetes, KEDA and Strimzi schemas, unknown fields included', () => {
    expect(objects.flatMap(schemaProblems)).toEqual([]);
  });

  it('sets only variables of each service schema and names only ConfigMaps and documented Secrets', () => {
    expect(referenceProblems(objects, secrets)).toEqual([]);
  });

  it('gives every service an environment it starts with in production mode, as the image runs', () => {
    // What the operator's Secrets hold (README table), and the files the volumes mount, made here.
    const files = mkdtempSync(join(tmpdir(), 'va-k8s-'));
    onTestFinished(() => rmSync(files, { recursive: true, force: true }));
    const secretValue = (key: string): string => {
      const random = randomBytes(36).toString('base64url');
      if (key === 'url') return 'postgres://va@postgres:5432/va?sslmode=verify-full';
      return key === 'tenant-tokens' || key === 'customer-ref-keys' ? `acme=${random}` : random;
    };
    for (const deployment of objects.filter((o) => o.kind === 'Deployment') as Walkable[]) {
      const [container] = deployment.spec.template.spec.containers;
      const env: Record<string, string> = { NODE_ENV: 'production', VA_MODE: 'production' };
      for (const { configMapRef } of container.envFrom ?? [])
        Object.assign(env, find(objects, 'ConfigMap', configMapRef.name).data);
      for (const variable of container.env ?? [])
        env[variable.name] = variable.value ?? secretValue(variable.valueFrom.secretKeyRef.key);
      for (const [name, value] of Object.entries(env)) {
        if (!value.startsWith('/etc/va/')) continue;
        env[name] = join(files, `${name}-${basename(value)}`);
        writeFileSync(
          env[name],
          MOUNTED_CONTENT[name] ?? (basename(value) === 'users.json' ? '{"users":[]}' : 'x'),
        );
      }
      const service = serviceOfCommand(container.command) as string;
      expect(() => SERVICE_ENV[service].load(env), deployment.metadata.name).not.toThrow();
    }
  });

  it("gives each caller of the call store's history route its URL beside its service-token key, as compose does", () => {
    for (const [name, url] of [
      ['alert-service', 'ALERT_HISTORY_URL'],
      ['routing-service', 'ROUTING_HISTORY_URL'],
    ]) {
      const [container] = find(objects, 'Deployment', name).spec.template.spec.containers;
      const variables = new Set<string>((container.env ?? []).map((v: { name: string }) => v.name));
      for (const { configMapRef } of container.envFrom ?? [])
        for (const key of Object.keys(find(objects, 'ConfigMap', configMapRef.name).data)) variables.add(key);
      expect(variables.has('SERVICE_TOKEN_SECRET'), name).toBe(true);
      expect(variables.has(url), name).toBe(true);
    }
  });

  it('scales the two workers with KEDA on the backlog of their own consumer group and their CPU, never committed lag', () => {
    const groups = {
      'dsp-worker': dspWorkerEnv.shape.DSP_GROUP_ID.parse(undefined),
      'emotion-classifier': emotionClassifierEnv.shape.EMOTION_GROUP_ID.parse(undefined),
    };
    const namespace = objects[0].metadata.namespace;
    for (const [name, group] of Object.entries(groups)) {
      const [backlog, busy] = find(objects, 'ScaledObject', name).spec.triggers;
      expect(backlog).toMatchObject({ type: 'prometheus', name: 'backlog', metricType: 'AverageValue' });
      expect(backlog.metadata.query).toBe(
        `sum(va_consumer_lag{namespace="${namespace}",service="${name}",group="${group}"}) or vector(0)`,
      );
      expect(busy).toMatchObject({ type: 'prometheus', name: 'busy', metricType: 'AverageValue' });
      expect(busy.metadata.query).toBe(
        `sum(rate(va_process_cpu_seconds_total{namespace="${namespace}",service="${name}"}[2m]))`,
      );
    }
    expect(scalerMetricProblems(objects, serviceOfCommand)).toEqual([]);
  });

  it('sets each threshold from the records and CPU of the planned calls per pod (the YAML comments)', () => {
    // A stereo call: 20 audio records/s (2 channels, a chunk each per 100 ms); 3 feature records/s
    // (2 speaker windows and 1 dynamics window per 1 s hop). Backlog: 2 s of a planned pod's input.
    const planned = {
      'dsp-worker': { calls: 250, recordsPerCall: 20, millicoresPerCall: 3.4 },
      'emotion-classifier': { calls: 1000, recordsPerCall: 3, millicoresPerCall: 0.45 },
    };
    for (const [name, { calls, recordsPerCall, millicoresPerCall }] of Object.entries(planned)) {
      const [backlog, busy] = find(objects, 'ScaledObject', name).spec.triggers;
      expect(Number(backlog.metadata.threshold), name).toBe(2 * calls * recordsPerCall);
      expect(Number(busy.metadata.threshold), name).toBeCloseTo((calls * millicoresPerCall) / 1000);
    }
  });

  it('mounts the alert rules from a ConfigMap identical to config/alert-rules.yaml', () => {
    const rules = find(objects, 'ConfigMap', 'va-alert-rules').data['alert-rules.yaml'];
    expect(rules).toBe(readFileSync('config/alert-rules.yaml', 'utf8'));
    const env = configMap(objects, 'va-alert-service').data;
    expect(env.ALERT_RULES_FILE).toBe('/etc/va/rules/alert-rules.yaml');
  });

  it("projects each tenant's own rules ConfigMap into ALERT_TENANT_RULES_DIR, pinned to its file name", () => {
    const env = configMap(objects, 'va-alert-service').data;
    const pod = find(objects, 'Deployment', 'alert-service').spec.template.spec;
    const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === 'tenant-rules');
    expect(mount.mountPath).toBe(env.ALERT_TENANT_RULES_DIR);
    const volume = pod.volumes.find((v: { name: string }) => v.name === 'tenant-rules');
    const sources = volume.projected.sources as {
      configMap: { name: string; optional: boolean; items: { key: string; path: string }[] };
    }[];
    expect(sources.length).toBeGreaterThan(0);
    for (const { configMap: source } of sources) {
      // A key naming another tenant, added to this tenant's ConfigMap, must not be projected.
      const tenant = /^va-alert-rules-([\w.-]+)$/.exec(source.name)![1];
      expect(source).toMatchObject({
        optional: true,
        items: [{ key: `${tenant}.yaml`, path: `${tenant}.yaml` }],
      });
    }
  });

  it('mounts the routing rules from a ConfigMap identical to config/routing-rules.yaml', () => {
    const rules = configMap(objects, 'va-routing-rules').data['routing-rules.yaml'];
    expect(rules).toBe(readFileSync('config/routing-rules.yaml', 'utf8'));
    const env = configMap(objects, 'va-routing-service').data;
    expect(env.ROUTING_RULES_FILE).toBe('/etc/va/routing/routing-rules.yaml');
  });

  it('puts every pod under a default-deny ingress policy and admits every port its Service exposes', () => {
    expect(networkPolicyProblems(objects)).toEqual([]);
  });

  it('admits ingest from anywhere, the HTTP ports from the ingress controller, metrics from monitoring', () => {
    const rules = (name: string) => find(objects, 'NetworkPolicy', name).spec.ingress;
    expect(rules('ingest-gateway-ingest')).toEqual([{ ports: [{ protocol: 'TCP', port: 50051 }] }]);
    const ingressController = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
    };
    expect(rules('alert-service-http')).toEqual([
      { from: [ingressController], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    // The history route's callers (ALERT_HISTORY_URL, ROUTING_HISTORY_URL) reach the store's API port.
    const [store] = rules('call-store-http');
    expect(store.ports).toEqual([{ protocol: 'TCP', port: 8090 }]);
    expect(store.from).toEqual([
      ingressController,
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'alert-service' } } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'routing-service' } } },
    ]);
    for (const [name, variable] of [
      ['va-alert-service', 'ALERT_HISTORY_URL'],
      ['va-routing-service', 'ROUTING_HISTORY_URL'],
    ])
      expect(configMap(objects, name).data[variable]).toBe(`http://call-store:${store.ports[0].port}`);
    expect(rules('va-metrics')).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 9464 }],
      },
    ]);
  });

  it('runs every pod restricted: seccomp, non-root, no escalation or capabilities, read-only root, memory limit, no token', () => {
    expect(podSecurityProblems(objects)).toEqual([]);
    const bad = structuredClone(objects);
    const container = (name: string) => find(bad, 'Deployment', name).spec.template.spec.containers[0];
    find(bad, 'Deployment', 'call-store').spec.template.spec.securityContext.runAsNonRoot = false;
    container('dsp-worker').securityContext.readOnlyRootFilesystem = false;
    delete container('dsp-worker').resources.limits.memory;
    container('routing-service').securityContext.allowPrivilegeEscalation = true;
    container('ingest-gateway').securityContext.capabilities = { drop: ['ALL'], add: ['NET_ADMIN'] };
    expect(podSecurityProblems(bad).sort()).toEqual(
      [
        'Deployment/call-store: container call-store may run as root (runAsNonRoot is not true)',
        'Deployment/dsp-worker: container dsp-worker: readOnlyRootFilesystem is not true',
        'Deployment/dsp-worker: container dsp-worker has no memory limit',
        'Deployment/routing-service: container routing-service: allowPrivilegeEscalation is not false',
        'Deployment/ingest-gateway: container ingest-gateway adds capabilities NET_ADMIN',
      ].sort(),
    );
  });

  it('lets every pod that serves traffic leave its endpoints before it stops (preStop sleep within the grace)', () => {
    expect(drainProblems(objects)).toEqual([]);
    const gateway = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingest-gateway')!;
    const stripped = structuredClone(gateway) as unknown as {
      spec: { template: { spec: { containers: { lifecycle?: unknown }[] } } };
    };
    delete stripped.spec.template.spec.containers[0].lifecycle;
    expect(
      drainProblems([...objects.filter((o) => o !== gateway), stripped as unknown as K8sObject]),
    ).toEqual([
      'Deployment/ingest-gateway: container ingest-gateway serves Service/ingest-gateway but has no preStop sleep',
    ]);
  });

  it('gives the gateway a grace period longer than its stop: preStop, DRAIN_MAX_MS, SHUTDOWN_FLUSH_MS', () => {
    expect(gatewayGraceProblems(objects)).toEqual([]);
    const bad = structuredClone(objects);
    const gateway = find(bad, 'Deployment', 'ingest-gateway');
    const settings = gateway.spec.template.spec.containers[0].envFrom
      .map((source: { configMapRef?: { name: string } }) => source.configMapRef?.name)
      .map((name: string | undefined) => bad.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name))
      .find((map: Walkable | undefined) => map?.data?.DRAIN_MAX_MS !== undefined) as Walkable;
    settings.data.DRAIN_MAX_MS = '900000';
    expect(gatewayGraceProblems(bad)).toEqual([
      "Deployment/ingest-gateway: container ingest-gateway: terminationGracePeriodSeconds 670 is under the stop's 965 s (preStop 5 s + DRAIN_MAX_MS 900000 + SHUTDOWN_FLUSH_MS 45000 + 15 s)",
    ]);
    // Unset, the variable's default (10 min) counts: the grace must cover it too.
    delete settings.data.DRAIN_MAX_MS;
    gateway.spec.template.spec.terminationGracePeriodSeconds = 60;
    expect(gatewayGraceProblems(bad)).toHaveLength(1);
  });

  it('leaves replicas to the HPA or KEDA where one scales the Deployment', () => {
    expect(autoscaledReplicaProblems(objects)).toEqual([]);
  });

  it("gives KEDA's triggers a server KEDA's namespace resolves, this namespace's series, and a fallback size", () => {
    expect(scalerProblems(objects)).toEqual([]);
  });

  it('logs every service in to Kafka as its own user, with the Secret Strimzi names after it', () => {
    expect(deploymentUserProblems(objects, serviceOfCommand)).toEqual([]);
    const kafka = configMap(objects, 'va-kafka').data;
    expect(kafka).not.toHaveProperty('KAFKA_SASL_USERNAME');
  });

  it('names the settings ConfigMaps after their content, so a change rolls the pods that read them', () => {
    for (const deployment of objects.filter((o) => o.kind === 'Deployment') as Walkable[]) {
      const [container] = deployment.spec.template.spec.containers;
      for (const { configMapRef } of container.envFrom ?? [])
        expect(configMapRef.name, deployment.metadata.name).toMatch(/-[a-z0-9]{10}$/);
    }
    // The alert rules keep their name: the service reloads the mounted file live (no restart).
    const volumes = find(objects, 'Deployment', 'alert-service').spec.template.spec.volumes;
    expect(volumes).toContainEqual({ name: 'rules', configMap: { name: 'va-alert-rules' } });
  });

  it('embeds no Secret', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('overlays differ where they should', () => {
  const dev = rendered['deploy/k8s/overlays/dev'];
  const prod = rendered['deploy/k8s/overlays/prod'];
  it('prod runs more replicas, its own image, and keeps three copies of each topic', () => {
    expect(find(prod, 'ScaledObject', 'dsp-worker').spec.minReplicaCount).toBeGreaterThan(
      find(dev, 'ScaledObject', 'dsp-worker').spec.minReplicaCount,
    );
    expect(find(prod, 'Deployment', 'ingest-gateway').spec.template.spec.containers[0].image).toMatch(
      /:0\.1\.0$/,
    );
    expect(configMap(prod, 'va-kafka').data.TOPIC_REPLICATION_FACTOR).toBe('3');
    expect(configMap(dev, 'va-kafka').data).toMatchObject({
      TOPIC_REPLICATION_FACTOR: '1',
      TOPIC_ALLOW_LOW_REPLICATION: 'true',
    });
  });

  it('prod reads the client of a page request from its ingress pods (login limits, socket caps)', () => {
    for (const name of ['va-alert-service', 'va-call-store'])
      expect(configMap(prod, name).data.LOGIN_TRUSTED_PROXIES, name).toMatch(/^[\d.:a-f]+\/\d+$/);
  });

  it('dev drops the TLS volume and its mount, and nothing else', () => {
    const gateway = (objects: K8sObject[]) =>
      find(objects, 'Deployment', 'ingest-gateway').spec.template.spec;
    const names = (list: { name: string }[]) => list.map((v) => v.name);
    expect(names(gateway(prod).volumes)).toEqual(['kafka-ca', 'tls', 'tmp']);
    expect(names(gateway(dev).volumes)).toEqual(['kafka-ca', 'tmp']);
    expect(names(gateway(dev).containers[0].volumeMounts)).toEqual(['kafka-ca', 'tmp']);
  });
});

describe('prod is sized for a 5 000-call site', () => {
  const prod = rendered['deploy/k8s/overlays/prod'];
  // CPU per call from bench:pipeline, 200 stereo calls on 2 shared cores (README, "Where the live
  // pipeline's time goes"): gateway 0.26, DSP worker 0.68, classifier 0.09 core.
  const MILLICORES_PER_CALL = { 'ingest-gateway': 1.3, 'dsp-worker': 3.4, 'emotion-classifier': 0.45 };
  const millicores = (cpu: string): number =>
    cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;

  /** The size its autoscaler holds: the gateway's HPA minimum, KEDA's fallback (lag unreadable). */
  const plannedReplicas = (name: string): number =>
    name === 'ingest-gateway'
      ? find(prod, 'HorizontalPodAutoscaler', name).spec.minReplicas
      : find(prod, 'ScaledObject', name).spec.fallback.replicas;

  it.each(Object.entries(MILLICORES_PER_CALL))(
    '%s: its planned replicas, and its most, request the CPU of 5 000 calls',
    (name, perCall) => {
      const cpu = millicores(
        find(prod, 'Deployment', name).spec.template.spec.containers[0].resources.requests.cpu,
      );
      expect((plannedReplicas(name) * cpu) / perCall).toBeGreaterThanOrEqual(5000);
      const scaler =
        name === 'ingest-gateway'
          ? find(prod, 'HorizontalPodAutoscaler', name).spec.maxReplicas
          : find(prod, 'ScaledObject', name).spec.maxReplicaCount;
      expect((scaler * cpu) / perCall).toBeGreaterThanOrEqual(5000);
    },
  );

  it('its gateways admit 5 000 live calls at the HPA minimum', () => {
    expect(
      plannedReplicas('ingest-gateway') * Number(configMap(prod, 'va-ingest-gateway').data.MAX_LIVE_CALLS),
    ).toBeGreaterThanOrEqual(5000);
  });
});

/** Each overlay and the Strimzi resources it runs against. */
const KAFKA_OF = {
  'deploy/k8s/overlays/dev': 'deploy/k8s/strimzi-dev',
  'deploy/k8s/overlays/prod': 'deploy/k8s/strimzi',
};

describe.each(Object.entries(KAFKA_OF))('the Kafka of %s (%s)', (overlay, dir) => {
  const strimzi = renderKustomization(dir);
  const kafkaConfig = configMap(rendered[overlay], 'va-kafka').data;
  const topics = strimzi.filter((o) => o.kind === 'KafkaTopic') as Walkable[];

  it('is valid and creates every product topic', () => {
    expect(strimzi.flatMap(schemaProblems)).toEqual([]);
    expect(topics.map((o) => o.spec.topicName).sort()).toEqual(Object.values(TOPICS).sort());
  });

  it('matches what the services are told: partitions, copies, and as many partitions as KEDA may use', () => {
    for (const topic of topics) {
      expect(topic.spec.partitions, topic.metadata.name).toBe(Number(kafkaConfig.TOPIC_PARTITIONS));
      expect(topic.spec.replicas, topic.metadata.name).toBe(Number(kafkaConfig.TOPIC_REPLICATION_FACTOR));
    }
    const brokers = strimzi.filter(
      (o) => o.kind === 'KafkaNodePool' && (o.spec as { roles: string[] }).roles.includes('broker'),
    );
    expect(
      brokers.reduce((n, pool) => n + (pool.spec as { replicas: number }).replicas, 0),
    ).toBeGreaterThanOrEqual(Number(kafkaConfig.TOPIC_REPLICATION_FACTOR));
    for (const name of ['dsp-worker', 'emotion-classifier'])
      expect(find(rendered[overlay], 'ScaledObject', name).spec.maxReplicaCount).toBeLessThanOrEqual(
        Number(kafkaConfig.TOPIC_PARTITIONS),
      );
  });

  it('serves the listener, user and Secrets the services use', () => {
    const kafka = find(strimzi, 'Kafka', 'va-kafka');
    const port = Number(kafkaConfig.KAFKA_BROKERS.split(':')[1]);
    const listener = kafka.spec.kafka.listeners.find((l: { port: number }) => l.port === port);
    expect(listener).toMatchObject({ tls: true, authentication: { type: kafkaConfig.KAFKA_SASL_MECHANISM } });
    // The per-service ACLs (users.yaml) are the boundary (SECURITY.md) only where the brokers
    // enforce them: deleting this block had passed every deploy test.
    expect(kafka.spec.kafka.authorization).toEqual({ type: 'simple' });
    expect(kafka.spec.kafka.config['allow.everyone.if.no.acl.found']).not.toBe(true);
    for (const l of kafka.spec.kafka.listeners) expect(l.authentication, l.name).toBeDefined();
    expect(kafkaConfig.KAFKA_BROKERS).toBe(`${kafka.metadata.name}-kafka-bootstrap:${port}`);
    // Strimzi names each user's Secret after the KafkaUser and the CA's after the cluster.
    for (const deployment of rendered[overlay].filter((o) => o.kind === 'Deployment') as Walkable[]) {
      const [container] = deployment.spec.template.spec.containers;
      const user = container.env.find((v: { name: string }) => v.name === 'KAFKA_SASL_USERNAME').value;
      expect(() => find(strimzi, 'KafkaUser', user), deployment.metadata.name).not.toThrow();
      expect(secrets.has(user), deployment.metadata.name).toBe(true);
    }
    expect(secrets.has(`${kafka.metadata.name}-cluster-ca-cert`)).toBe(true);
  });

  it("grants each service's user what its code reads and writes, and has no other user", () => {
    expect(kafkaUserProblems(strimzi)).toEqual([]);
  });
});

describe("the Kafka access table matches the services' code", () => {
  it('names exactly the topic variables and consumer groups of each config schema', () => {
    expect(accessTableProblems()).toEqual([]);
    // Every service, and the operators' tools that use Kafka (`npm run revoke-user`, `deadletters`).
    expect(Object.keys(KAFKA_ACCESS).sort()).toEqual([...SERVICES, 'revoke-user', 'deadletters'].sort());
  });

  it('fails a table that forgets a topic or names one the service never touches', () => {
    const table = structuredClone(KAFKA_ACCESS) as unknown as Record<
      string,
      { reads: string[]; writes: string[] }
    >;
    table['dsp-worker'].writes = [TOPICS.features];
    table['call-store'].reads.push(TOPICS.audio);
    expect(accessTableProblems(table as never).sort()).toEqual([
      'call-store: KAFKA_ACCESS names va.audio.v1, its config does not',
      'dsp-worker: its config names va.deadletter.v1, KAFKA_ACCESS does not',
    ]);
  });
});

describe('the same checks fail broken manifests', () => {
  const objects = rendered['deploy/k8s/overlays/prod'];
  const broken = (): K8sObject[] => structuredClone(objects);

  it('a misspelt field, a wrong type and a missing required field', () => {
    const bad = broken();
    const deployment = find(bad, 'Deployment', 'dsp-worker');
    deployment.spec.replicass = 3;
    find(bad, 'Service', 'call-store').spec.ports[0].port = 'eighty';
    delete find(bad, 'ScaledObject', 'emotion-classifier').spec.scaleTargetRef;
    expect(bad.flatMap(schemaProblems).sort()).toEqual([
      'Deployment/dsp-worker: /spec/replicass is not a field of apps/v1/Deployment',
      'ScaledObject/emotion-classifier: data/spec must have required property scaleTargetRef',
      'Service/call-store: data/spec/ports/0/port must be integer',
    ]);
  });

  it('an unknown kind and a broken Strimzi topic', () => {
    const strimzi = renderKustomization('deploy/k8s/strimzi');
    const topic = find(strimzi, 'KafkaTopic', 'va-audio-v1');
    topic.spec.partition = 24;
    expect(schemaProblems(topic)).toEqual([expect.stringMatching(/^KafkaTopic\/va-audio-v1: .*partition/)]);
    expect(schemaProblems({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })).toEqual([
      'Pod/x: no schema for v1/Pod (add its model to deploy/checks/k8s-schema.ts)',
    ]);
  });

  it('a variable no schema reads, a missing ConfigMap, an undocumented Secret key and a wrong probe', () => {
    const bad = broken();
    configMap(bad, 'va-kafka').data.KAFKA_BROKER = 'typo:9093';
    const store = find(bad, 'Deployment', 'call-store').spec.template.spec;
    store.containers[0].env.push({
      name: 'JWT_SECRET_OLD',
      valueFrom: { secretKeyRef: { name: 'va-jwt', key: 'old' } },
    });
    store.volumes.push({ name: 'x', configMap: { name: 'va-missing' } });
    find(bad, 'Deployment', 'alert-service').spec.template.spec.containers[0].readinessProbe.httpGet.path =
      '/healthz';
    expect(referenceProblems(bad, secrets).sort()).toEqual(
      [
        ...SERVICES.map((s) => `Deployment/${s}: ${s}: KAFKA_BROKER is not a variable of its config schema`),
        'Deployment/call-store: call-store: JWT_SECRET_OLD is not a variable of its config schema',
        'Deployment/call-store: Secret "va-jwt" is documented without the key "old"',
        'Deployment/call-store volume x: ConfigMap "va-missing" is not in the manifests',
        'Deployment/alert-service: readinessProbe must GET /readyz on the metrics port 9464',
      ].sort(),
    );
  });

  it('a secret written in a manifest or a ConfigMap', () => {
    const bad = broken();
    configMap(bad, 'va-alert-service').data.JWT_PREVIOUS_SECRET = 'a-literal-previous-key-of-32-characters';
    const jwt = find(bad, 'Deployment', 'call-store').spec.template.spec.containers[0].env.find(
      (e: { name: string }) => e.name === 'JWT_SECRET',
    );
    delete jwt.valueFrom;
    jwt.value = 'a-literal-key-in-the-manifest-of-32-chars';
    const secretIn = (service: string, name: string) =>
      `Deployment/${service}: ${name} is a secret: give it from a Secret (secretKeyRef), never in a manifest or ConfigMap`;
    expect(referenceProblems(bad, secrets).sort()).toEqual(
      [secretIn('alert-service', 'JWT_PREVIOUS_SECRET'), secretIn('call-store', 'JWT_SECRET')].sort(),
    );
  });

  it('a Deployment without a PodDisruptionBudget and a scaler of nothing', () => {
    const bad = broken().filter(
      (o) => !(o.kind === 'PodDisruptionBudget' && o.metadata.name === 'ingest-gateway'),
    );
    find(bad, 'ScaledObject', 'dsp-worker').spec.scaleTargetRef.name = 'dsp-workers';
    expect(referenceProblems(bad, secrets)).toEqual([
      'Deployment/ingest-gateway: 0 PodDisruptionBudgets (want 1)',
      'ScaledObject/dsp-worker: scales no Deployment "dsp-workers"',
    ]);
  });

  it('a pod outside the default deny, and a Service port no policy admits', () => {
    const bad = broken().filter((o) => o.metadata.name !== 'va-default-deny-ingress');
    const store = find(bad, 'Deployment', 'call-store').spec.template.spec.containers[0];
    store.ports.push({ name: 'debug', containerPort: 9229 });
    find(bad, 'Service', 'call-store').spec.ports.push({ name: 'debug', port: 9229, targetPort: 'debug' });
    expect(networkPolicyProblems(bad)).toEqual([
      ...SERVICES.map((s) => `Deployment/${s}: no default-deny ingress NetworkPolicy selects its pods`),
      'Service/call-store: port debug (container port 9229) of Deployment/call-store is admitted by no NetworkPolicy',
    ]);
  });

  it('a pod without seccomp or with a token, autoscaled replicas, a short server name, no fallback', () => {
    const bad = broken();
    const worker = find(bad, 'Deployment', 'dsp-worker');
    delete worker.spec.template.spec.securityContext.seccompProfile;
    delete find(bad, 'Deployment', 'call-store').spec.template.spec.automountServiceAccountToken;
    worker.spec.replicas = 20;
    find(bad, 'Deployment', 'ingest-gateway').spec.replicas = 10;
    const classifier = find(bad, 'ScaledObject', 'emotion-classifier');
    classifier.spec.triggers[0].metadata.serverAddress = 'http://prometheus:9090';
    classifier.spec.triggers[1].metadata.query = 'sum(rate(va_process_cpu_seconds_total[2m]))';
    delete classifier.spec.triggers[1].metadata.ignoreNullValues;
    delete classifier.spec.fallback;
    const scaler = find(bad, 'ScaledObject', 'dsp-worker');
    scaler.spec.fallback.replicas = 99;
    scaler.spec.minReplicaCount = 0;
    expect(podSecurityProblems(bad)).toEqual([
      'Deployment/dsp-worker: container dsp-worker has no RuntimeDefault seccompProfile',
      'Deployment/call-store: automountServiceAccountToken is not false',
    ]);
    expect(autoscaledReplicaProblems(bad)).toEqual([
      'Deployment/ingest-gateway: sets replicas (10) that HorizontalPodAutoscaler/ingest-gateway controls',
      'Deployment/dsp-worker: sets replicas (20) that ScaledObject/dsp-worker controls',
    ]);
    expect(scalerProblems(bad)).toEqual([
      'ScaledObject/dsp-worker trigger backlog: minReplicaCount 0 (its metrics come from the pods it scales: at 0 none)',
      'ScaledObject/dsp-worker trigger busy: minReplicaCount 0 (its metrics come from the pods it scales: at 0 none)',
      'ScaledObject/dsp-worker: fallback 99 replicas is outside 0..24',
      "ScaledObject/emotion-classifier trigger backlog: Prometheus server http://prometheus:9090 is not a fully qualified URL (the scaler runs in KEDA's namespace)",
      'ScaledObject/emotion-classifier trigger busy: query does not select namespace="va" in every va_* selector',
      "ScaledObject/emotion-classifier trigger busy: ignoreNullValues is not 'false' (an empty answer would read as 0, not fall back)",
      'ScaledObject/emotion-classifier: no fallback (a scaler that cannot read its metric keeps any size)',
    ]);
    // A Kafka trigger still needs the bootstrap Service of its namespace.
    const kafka = broken();
    find(kafka, 'ScaledObject', 'dsp-worker').spec.triggers = [
      { type: 'kafka', metadata: { bootstrapServers: 'va-kafka-kafka-bootstrap:9093' } },
    ];
    expect(scalerProblems(kafka)).toEqual([
      "ScaledObject/dsp-worker: bootstrap server va-kafka-kafka-bootstrap:9093 is not <service>.va.svc (the scaler runs in KEDA's namespace)",
    ]);
  });

  it("a worker that holds its commits scaled on committed Kafka lag again, or on another group's backlog", () => {
    const bad = broken();
    // The triggers these ScaledObjects had: KEDA's Kafka scaler reads the group's committed offsets.
    find(bad, 'ScaledObject', 'dsp-worker').spec.triggers[0] = {
      type: 'kafka',
      metadata: {
        bootstrapServers: 'va-kafka-kafka-bootstrap.va.svc:9093',
        consumerGroup: 'va-dsp-worker',
        topic: TOPICS.audio,
        lagThreshold: '2000',
      },
    };
    const classifier = find(bad, 'ScaledObject', 'emotion-classifier').spec.triggers[0].metadata;
    classifier.query = classifier.query.replace('va-emotion-classifier', 'va-dsp-worker');
    // Any group of a service that holds its commits, whatever Deployment the scaler targets.
    const gateway = find(bad, 'HorizontalPodAutoscaler', 'ingest-gateway');
    bad.push({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'alerts', namespace: 'va' },
      spec: {
        scaleTargetRef: { name: gateway.spec.scaleTargetRef.name },
        triggers: [
          { type: 'kafka', metadata: { consumerGroup: 'va-alert-service', topic: TOPICS.emotions } },
        ],
      },
    } as K8sObject);
    expect(scalerMetricProblems(bad, serviceOfCommand)).toEqual([
      'ScaledObject/dsp-worker: a kafka trigger reads the committed lag of va-dsp-worker, whose service holds its commits (scale on va_consumer_lag)',
      "ScaledObject/emotion-classifier: va_consumer_lag is not selected by one of emotion-classifier's groups",
      'ScaledObject/alerts: a kafka trigger reads the committed lag of va-alert-service, whose service holds its commits (scale on va_consumer_lag)',
    ]);
  });

  it('a shared Kafka user, a missing ACL, a spare Write, a prefix and a user no service uses', () => {
    const bad = broken();
    const gateway = find(bad, 'Deployment', 'ingest-gateway').spec.template.spec.containers[0];
    gateway.env.find((v: { name: string }) => v.name === 'KAFKA_SASL_USERNAME').value = 'va-services';
    expect(deploymentUserProblems(bad, serviceOfCommand)).toEqual([
      'Deployment/ingest-gateway: KAFKA_SASL_USERNAME is va-services, not va-ingest-gateway',
    ]);
    const users = structuredClone(renderKustomization('deploy/k8s/strimzi')) as Walkable[];
    const acls = (name: string) => find(users, 'KafkaUser', name).spec.authorization.acls;
    acls('va-emotion-classifier').splice(0, 1); // va.features.v1: Read, Describe, Create
    acls('va-call-store').push({
      resource: { type: 'topic', name: 'va.audio.v1', patternType: 'literal' },
      operations: ['Write'],
    });
    acls('va-routing-service').push({
      resource: { type: 'topic', name: 'va.', patternType: 'prefix' },
      operations: ['Describe'],
    });
    // The user KEDA's Kafka scaler had: nothing reads Kafka as it now.
    users.push({
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaUser',
      metadata: { name: 'va-keda' },
      spec: { authorization: { type: 'simple', acls: [] } },
    } as Walkable);
    expect(kafkaUserProblems(users).sort()).toEqual(
      [
        'KafkaUser/va-call-store (call-store): Write on topic va.audio.v1 it does not need',
        'KafkaUser/va-emotion-classifier (emotion-classifier): no Create on topic va.features.v1',
        'KafkaUser/va-emotion-classifier (emotion-classifier): no Describe on topic va.features.v1',
        'KafkaUser/va-emotion-classifier (emotion-classifier): no Read on topic va.features.v1',
        ...Object.values(TOPICS)
          .filter(
            (topic) =>
              ![TOPICS.calls, TOPICS.emotions, TOPICS.alerts, TOPICS.routing, TOPICS.deadletter].includes(
                topic as never,
              ),
          )
          .map(
            (topic) =>
              `KafkaUser/va-routing-service (routing-service): Describe on topic ${topic} it does not need`,
          ),
        'KafkaUser/va-routing-service (routing-service): topic ACL va. (prefix) is not one product topic',
        'KafkaUser/va-keda: no service logs in as it',
      ].sort(),
    );
  });

  it('a JSON patch whose test fails, as the dev overlay guards its removal of the TLS volume', () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-kustomize-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { spec: { containers: [], volumes: [{ name: 'tmp' }, { name: 'tls' }] } } },
    };
    writeFileSync(join(dir, 'd.yaml'), JSON.stringify(deployment));
    const kustomization = (position: number) =>
      [
        'resources: [d.yaml]',
        'patches:',
        '  - target: { kind: Deployment, name: d }',
        '    patch: |-',
        `      - { op: test, path: /spec/template/spec/volumes/${position}/name, value: tls }`,
        `      - { op: remove, path: /spec/template/spec/volumes/${position} }`,
      ].join('\n');
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization(1));
    expect(find(renderKustomization(dir), 'Deployment', 'd').spec.template.spec.volumes).toEqual([
      { name: 'tmp' },
    ]);
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization(0));
    expect(() => renderKustomization(dir)).toThrow(/found "tmp", not "tls"/);
  });

  it("generated ConfigMaps carry kustomize's own name hash, after the overlay's patches", () => {
    // Hashes printed by `kubectl kustomize` (kustomize v5.5.0) for the same two folders.
    const dir = mkdtempSync(join(tmpdir(), 'va-kustomize-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'base'));
    mkdirSync(join(dir, 'overlay'));
    writeFileSync(join(dir, 'base', 'a.env'), '# comment\nA=1\n  B=x<y&z \u2028 é\n\nC=http://a:1/b=c\n');
    writeFileSync(
      join(dir, 'base', 'kustomization.yaml'),
      'configMapGenerator:\n  - { name: va-kafka, envs: [a.env] }\n',
    );
    writeFileSync(
      join(dir, 'overlay', 'kustomization.yaml'),
      "resources: [../base]\npatches:\n  - target: { kind: ConfigMap, name: va-kafka }\n    patch: |-\n      - { op: replace, path: /data/A, value: '2' }\n",
    );
    const [base] = renderKustomization(join(dir, 'base'));
    expect(base).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'va-kafka-25fm46m9hg' },
      data: { A: '1', B: 'x<y&z \u2028 é', C: 'http://a:1/b=c' },
    });
    expect(renderKustomization(join(dir, 'overlay'))[0].metadata.name).toBe('va-kafka-mcf8696hm7');
  });

  it('a kustomization with a field the renderer does not understand', () => {
    expect(() => renderKustomization('test/unit/deploy/checks/fixtures/unsupported-kustomization')).toThrow(
      KustomizeError,
    );
  });
});
