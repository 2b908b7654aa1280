// Validates Kubernetes objects offline against the Kubernetes and KEDA OpenAPI schemas shipped
// (precompiled) in the pinned npm packages kubernetes-models and @kubernetes-models/keda, strictly:
// a field no schema defines (a typo such as `replicass`) is an error, as kubeconform -strict makes it.
// Strimzi's CRDs have no such package: a strict subset of their schema (the fields these manifests
// use, after https://strimzi.io/docs/operators/latest/configuring.html) is written out below.
// Pure (no I/O).
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { z } from 'zod';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** A model class's schema check: its prototype's validate() runs the compiled schema on `this`. */
type ModelClass = { prototype: { validate(this: unknown): void } };

const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
};

const strimziMetadata = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .strict();
const clusterLabel = strimziMetadata.extend({
  labels: z.object({ 'strimzi.io/cluster': z.string().min(1) }).catchall(z.string()),
});
const strimziResource = (metadata: z.ZodType, spec: z.ZodType) =>
  z.object({ apiVersion: z.literal('kafka.strimzi.io/v1'), kind: z.string(), metadata, spec }).strict();
const jbod = z
  .object({
    type: z.literal('jbod'),
    volumes: z.array(
      z
        .object({
          id: z.number().int().min(0),
          type: z.enum(['persistent-claim', 'ephemeral']),
          size: z
            .string()
            .regex(/^\d+(Mi|Gi|Ti)$/)
            .optional(),
          kraftMetadata: z.literal('shared').optional(),
          deleteClaim: z.boolean().optional(),
        })
        .strict(),
    ),
  })
  .strict();
const configValue = z.union([z.string(), z.number(), z.boolean()]);
const aclResource = z
  .object({
    type: z.enum(['topic', 'group', 'cluster', 'transactionalId']),
    name: z.string().optional(),
    patternType: z.enum(['literal', 'prefix']).optional(),
  })
  .strict();

const STRIMZI: Record<string, z.ZodType> = {
  'kafka.strimzi.io/v1/KafkaNodePool': strimziResource(
    clusterLabel,
    z
      .object({
        replicas: z.number().int().min(1),
        roles: z.array(z.enum(['controller', 'broker'])).min(1),
        storage: jbod,
      })
      .strict(),
  ),
  'kafka.strimzi.io/v1/Kafka': strimziResource(
    strimziMetadata,
    z
      .object({
        kafka: z
          .object({
            version: z.string().regex(/^\d+\.\d+\.\d+$/),
            metadataVersion: z.string(),
            listeners: z.array(
              z
                .object({
                  name: z.string().regex(/^[a-z0-9]{1,11}$/),
                  port: z.number().int().min(9092),
                  type: z.enum(['internal', 'route', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip']),
                  tls: z.boolean(),
                  authentication: z
                    .object({ type: z.enum(['tls', 'scram-sha-512', 'oauth', 'custom']) })
                    .strict()
                    .optional(),
                })
                .strict(),
            ),
            authorization: z
              .object({ type: z.enum(['simple', 'opa', 'keycloak', 'custom']) })
              .strict()
              .optional(),
            config: z.record(z.string(), configValue).optional(),
          })
          .strict(),
        entityOperator: z
          .object({ topicOperator: z.object({}).strict(), userOperator: z.object({}).strict() })
          .strict(),
      })
      .strict(),
  ),
  'kafka.strimzi.io/v1/KafkaTopic': strimziResource(
    clusterLabel,
    z
      .object({
        topicName: z.string().regex(/^[\w.-]{1,249}$/),
        partitions: z.number().int().min(1),
        replicas: z.number().int().min(1).max(32767),
        config: z.record(z.string(), configValue).optional(),
      })
      .strict(),
  ),
  'kafka.strimzi.io/v1/KafkaUser': strimziResource(
    clusterLabel,
    z
      .object({
        authentication: z.object({ type: z.enum(['tls', 'scram-sha-512', 'tls-external']) }).strict(),
        authorization: z
          .object({
            type: z.literal('simple'),
            acls: z.array(
              z
                .object({
                  resource: aclResource,
                  operations: z.array(
                    z.enum([
                      'Read',
                      'Write',
                      'Create',
                      'Delete',
                      'Alter',
                      'Describe',
                      'ClusterAction',
                      'AlterConfigs',
                      'DescribeConfigs',
                      'IdempotentWrite',
                      'All',
                    ]),
                  ),
                  host: z.string().optional(),
                })
                .strict(),
            ),
          })
          .strict(),
      })
      .strict(),
  ),
};

/** Fields of an object that a schema check never read: unknown to the schema. */
function unreadFields(check: (data: unknown) => void, value: unknown): string[] {
  const reads = new Map<object, { keys: Set<string>; iterated: boolean; path: string }>();
  const wrap = (target: unknown, path: string): unknown => {
    if (target === null || typeof target !== 'object') return target;
    const seen = { keys: new Set<string>(), iterated: false, path };
    reads.set(target, seen);
    const children = new Map<string, unknown>();
    return new Proxy(target, {
      get(object, key, receiver) {
        const child: unknown = Reflect.get(object, key, receiver);
        if (typeof key !== 'string') return child;
        seen.keys.add(key);
        if (!children.has(key)) children.set(key, wrap(child, `${path}/${key}`));
        return children.get(key);
      },
      // A map (labels, data, KEDA trigger metadata) is iterated: every key is allowed there.
      ownKeys(object) {
        seen.iterated = true;
        return Reflect.ownKeys(object);
      },
    });
  };
  check(wrap(value, ''));
  const unread: string[] = [];
  for (const [object, seen] of reads) {
    if (seen.iterated || Array.isArray(object)) continue;
    for (const key of Object.keys(object)) if (!seen.keys.has(key)) unread.push(`${seen.path}/${key}`);
  }
  return unread;
}

/** Problems of one object, each "Kind/name: …"; [] when it is valid. */
export function schemaProblems(object: K8sObject): string[] {
  const id = `${object.kind}/${object.metadata.name}`;
  const type = `${object.apiVersion}/${object.kind}`;
  const strimzi = STRIMZI[type];
  if (strimzi) {
    const result = strimzi.safeParse(object);
    return result.success
      ? []
      : result.error.issues.map((issue) => `${id}: /${issue.path.join('/')} ${issue.message}`);
  }
  const model = MODELS[type];
  if (!model) return [`${id}: no schema for ${type} (add its model to deploy/checks/k8s-schema.ts)`];
  const validate = (data: unknown): void => model.prototype.validate.call(data);
  try {
    validate(object);
  } catch (error) {
    return [`${id}: ${(error as Error).message}`];
  }
  return unreadFields(validate, object).map((field) => `${id}: ${field} is not a field of ${type}`);
}
