// The Kubernetes manifests, checked offline. Both overlays and the Strimzi
// resources render (deploy/checks/kustomize.ts; test/int/deploy/checks/kustomize-kubectl.test.ts
// compares the rendering with `kubectl kustomize`), every object is valid against the Kubernetes / KEDA / Strimzi schemas,
// strictly, and references only variables, ConfigMaps and Secrets that exist. Each check is also
// fed a deliberately broken manifest and must fail on it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { schemaProblems, type K8sObject } from '../../../../deploy/checks/k8s-schema.ts';
import { documentedSecrets, referenceProblems } from '../../../../deploy/checks/k8s-references.ts';
import { KustomizeError, renderKustomization } from '../../../../deploy/checks/kustomize.ts';
import { SERVICE_ENV, serviceOfCommand } from '../../../../deploy/checks/service-env.ts';
import { dspWorkerEnv } from '../../../../services/dsp-worker/config.ts';
import { emotionClassifierEnv } from '../../../../services/emotion-classifier/config.ts';
import { TOPICS } from '../../../../services/shared/topics.ts';

const OVERLAYS = ['deploy/k8s/overlays/dev', 'deploy/k8s/overlays/prod'];
/** Mounted files the services parse at start (the gateway's TLS pair): a real one each. */
const TLS_FIXTURES = 'test/int/ingest/fixtures';
const MOUNTED_CONTENT: Record<string, string> = {
  TLS_CERT_FILE: readFileSync(join(TLS_FIXTURES, 'test-tls.crt'), 'utf8'),
  TLS_KEY_FILE: readFileSync(join(TLS_FIXTURES, 'test-tls.key'), 'utf8'),
};
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

  it('scales the two workers with KEDA on the lag of their own consumer group and input topic', () => {
    const expected = {
      'dsp-worker': { group: dspWorkerEnv.shape.DSP_GROUP_ID.parse(undefined), topic: TOPICS.audio },
      'emotion-classifier': {
        group: emotionClassifierEnv.shape.EMOTION_GROUP_ID.parse(undefined),
        topic: TOPICS.features,
      },
    };
    for (const [name, { group, topic }] of Object.entries(expected)) {
      const [trigger] = find(objects, 'ScaledObject', name).spec.triggers;
      expect(trigger.type).toBe('kafka');
      expect(trigger.metadata).toMatchObject({ consumerGroup: group, topic });
      expect(Number(trigger.metadata.lagThreshold)).toBeGreaterThan(0);
    }
  });

  it('mounts the alert rules from a ConfigMap identical to config/alert-rules.yaml', () => {
    const rules = find(objects, 'ConfigMap', 'va-alert-rules').data['alert-rules.yaml'];
    expect(rules).toBe(readFileSync('config/alert-rules.yaml', 'utf8'));
    const env = find(objects, 'ConfigMap', 'va-alert-service').data;
    expect(env.ALERT_RULES_FILE).toBe('/etc/va/rules/alert-rules.yaml');
  });

  it('mounts the routing rules from a ConfigMap identical to config/routing-rules.yaml', () => {
    const rules = find(objects, 'ConfigMap', 'va-routing-rules').data['routing-rules.yaml'];
    expect(rules).toBe(readFileSync('config/routing-rules.yaml', 'utf8'));
    const env = find(objects, 'ConfigMap', 'va-routing-service').data;
    expect(env.ROUTING_RULES_FILE).toBe('/etc/va/routing/routing-rules.yaml');
  });

  it('embeds no Secret', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('overlays differ where they should', () => {
  const dev = rendered['deploy/k8s/overlays/dev'];
  const prod = rendered['deploy/k8s/overlays/prod'];
  it('prod runs more replicas, its own image, and keeps three copies of each topic', () => {
    expect(find(prod, 'Deployment', 'dsp-worker').spec.replicas).toBeGreaterThan(
      find(dev, 'Deployment', 'dsp-worker').spec.replicas,
    );
    expect(find(prod, 'Deployment', 'ingest-gateway').spec.template.spec.containers[0].image).toMatch(
      /:0\.1\.0$/,
    );
    expect(find(prod, 'ConfigMap', 'va-kafka').data.TOPIC_REPLICATION_FACTOR).toBe('3');
    expect(find(dev, 'ConfigMap', 'va-kafka').data).toMatchObject({
      TOPIC_REPLICATION_FACTOR: '1',
      TOPIC_ALLOW_LOW_REPLICATION: 'true',
    });
  });
});

describe('prod is sized for a 5 000-call site', () => {
  const prod = rendered['deploy/k8s/overlays/prod'];
  // CPU per call from bench:pipeline, 200 stereo calls on 2 shared cores (README, "Where the live
  // pipeline's time goes"): gateway 0.26, DSP worker 0.68, classifier 0.09 core.
  const MILLICORES_PER_CALL = { 'ingest-gateway': 1.3, 'dsp-worker': 3.4, 'emotion-classifier': 0.45 };
  const millicores = (cpu: string): number =>
    cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;

  it.each(Object.entries(MILLICORES_PER_CALL))(
    '%s: its replicas request the CPU of 5 000 calls',
    (name, perCall) => {
      const { spec } = find(prod, 'Deployment', name);
      const requested = spec.replicas * millicores(spec.template.spec.containers[0].resources.requests.cpu);
      expect(requested / perCall).toBeGreaterThanOrEqual(5000);
    },
  );

  it('its gateways admit 5 000 live calls', () => {
    const replicas = find(prod, 'Deployment', 'ingest-gateway').spec.replicas;
    expect(
      replicas * Number(find(prod, 'ConfigMap', 'va-ingest-gateway').data.MAX_LIVE_CALLS),
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
  const kafkaConfig = find(rendered[overlay], 'ConfigMap', 'va-kafka').data;
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
    expect(kafkaConfig.KAFKA_BROKERS).toBe(`${kafka.metadata.name}-kafka-bootstrap:${port}`);
    // Strimzi names the user's Secret after the KafkaUser and the CA's after the cluster.
    expect(() => find(strimzi, 'KafkaUser', kafkaConfig.KAFKA_SASL_USERNAME)).not.toThrow();
    expect(secrets.has(kafkaConfig.KAFKA_SASL_USERNAME)).toBe(true);
    expect(secrets.has(`${kafka.metadata.name}-cluster-ca-cert`)).toBe(true);
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
    find(bad, 'ConfigMap', 'va-kafka').data.KAFKA_BROKER = 'typo:9093';
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

  it('a kustomization with a field the renderer does not understand', () => {
    expect(() => renderKustomization('test/unit/deploy/checks/fixtures/unsupported-kustomization')).toThrow(
      KustomizeError,
    );
  });
});
