// Checks of a rendered overlay that keep the deployment's hardening from being undone quietly:
// every product pod is under a default-deny ingress NetworkPolicy and every port a Service
// exposes is admitted by some policy (a new port is not silently unreachable); every pod runs the
// restricted profile's seccomp filter without a service account token; no Deployment that an HPA
// or a ScaledObject sizes sets spec.replicas (each `kubectl apply` would reset the scaled size);
// KEDA's triggers name their server fully qualified (the scaler runs in KEDA's namespace): a Kafka
// bootstrap Service in the rendered namespace, a Prometheus Service anywhere, whose queries select
// the rendered namespace, fail on an empty answer and never let the pods they read scale to zero;
// each ScaledObject holds a fallback size within the scaler's bounds; a pod that a Service sends
// traffic to (a port other than metrics) waits in a preStop hook before its process is stopped, so
// the endpoint is gone from every proxy before the server closes its port. Pure.
import type { K8sObject } from './k8s-schema.ts';

type Labels = Record<string, string>;
interface PolicyPort {
  protocol?: string;
  port?: number | string;
}
interface NetworkPolicySpec {
  podSelector: { matchLabels?: Labels; matchExpressions?: unknown[] };
  policyTypes?: string[];
  ingress?: { from?: unknown[]; ports?: PolicyPort[] }[];
}
interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}
interface ContainerSecurity {
  seccompProfile?: { type?: string };
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
}
interface PodTemplate {
  metadata: { labels: Labels };
  spec: {
    automountServiceAccountToken?: boolean;
    securityContext?: { seccompProfile?: { type?: string }; runAsNonRoot?: boolean; runAsUser?: number };
    terminationGracePeriodSeconds?: number;
    containers: {
      name: string;
      ports?: ContainerPort[];
      securityContext?: ContainerSecurity;
      resources?: { limits?: { memory?: string } };
      lifecycle?: { preStop?: { sleep?: { seconds: number } } };
    }[];
  };
}
type Deployment = K8sObject & { spec: { replicas?: number; template: PodTemplate } };

const deploymentsOf = (objects: readonly K8sObject[]): Deployment[] =>
  objects.filter((o): o is Deployment => o.kind === 'Deployment');

/** A label selector of matchLabels only (matchExpressions are not used here, and refused). */
function selectsPod(selector: NetworkPolicySpec['podSelector'], labels: Labels): boolean {
  if (selector.matchExpressions?.length) return false;
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

const ingressPolicies = (objects: readonly K8sObject[]): NetworkPolicySpec[] =>
  objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => o.spec as NetworkPolicySpec)
    .filter((spec) => (spec.policyTypes ?? ['Ingress']).includes('Ingress'));

export function networkPolicyProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const policies = ingressPolicies(objects);
  const deployments = deploymentsOf(objects);
  for (const deployment of deployments) {
    const labels = deployment.spec.template.metadata.labels;
    const denied = policies.some((p) => selectsPod(p.podSelector, labels) && (p.ingress ?? []).length === 0);
    if (!denied)
      problems.push(
        `Deployment/${deployment.metadata.name}: no default-deny ingress NetworkPolicy selects its pods`,
      );
  }
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    const spec = service.spec as {
      selector?: Labels;
      ports: { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
    };
    for (const deployment of deployments) {
      const labels = deployment.spec.template.metadata.labels;
      if (!spec.selector || !Object.entries(spec.selector).every(([k, v]) => labels[k] === v)) continue;
      const containerPorts = deployment.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
      for (const port of spec.ports) {
        const target = port.targetPort ?? port.port;
        const container = containerPorts.find((c) =>
          typeof target === 'number' ? c.containerPort === target : c.name === target,
        );
        const number = container?.containerPort ?? (typeof target === 'number' ? target : undefined);
        const protocol = port.protocol ?? 'TCP';
        const admitted = policies.some(
          (p) =>
            selectsPod(p.podSelector, labels) &&
            (p.ingress ?? []).some(
              (rule) =>
                !rule.ports?.length ||
                rule.ports.some(
                  (allowed) =>
                    (allowed.protocol ?? 'TCP') === protocol &&
                    (allowed.port === undefined ||
                      allowed.port === number ||
                      (container?.name !== undefined && allowed.port === container.name)),
                ),
            ),
        );
        if (!admitted)
          problems.push(
            `Service/${service.metadata.name}: port ${port.name ?? port.port} (container port ${number ?? target}) of Deployment/${deployment.metadata.name} is admitted by no NetworkPolicy`,
          );
      }
    }
  }
  return problems;
}

/**
 * The restricted Pod Security Standard (seccomp filter, non-root, no privilege escalation, every
 * capability dropped and none added) with a read-only root filesystem, a memory limit (a leak
 * takes one pod, not its node), and no API token in pods that never call the API: what SECURITY.md
 * promises. A review turned each of these off in a manifest and every deploy test still passed.
 */
export function podSecurityProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const deployment of deploymentsOf(objects)) {
    const pod = deployment.spec.template.spec;
    const where = `Deployment/${deployment.metadata.name}`;
    if (pod.automountServiceAccountToken !== false)
      problems.push(`${where}: automountServiceAccountToken is not false`);
    for (const container of pod.containers) {
      const own = container.securityContext ?? {};
      const at = `${where}: container ${container.name}`;
      const type = own.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
      if (type !== 'RuntimeDefault' && type !== 'Localhost')
        problems.push(`${at} has no RuntimeDefault seccompProfile`);
      const nonRoot = own.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      const user = own.runAsUser ?? pod.securityContext?.runAsUser;
      if (nonRoot !== true || user === 0) problems.push(`${at} may run as root (runAsNonRoot is not true)`);
      if (own.allowPrivilegeEscalation !== false)
        problems.push(`${at}: allowPrivilegeEscalation is not false`);
      if (own.privileged === true) problems.push(`${at} is privileged`);
      if (own.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem is not true`);
      if (!(own.capabilities?.drop ?? []).includes('ALL'))
        problems.push(`${at} does not drop ALL capabilities`);
      if ((own.capabilities?.add ?? []).length > 0)
        problems.push(`${at} adds capabilities ${own.capabilities!.add!.join(', ')}`);
      if (!container.resources?.limits?.memory) problems.push(`${at} has no memory limit`);
    }
  }
  return problems;
}

/**
 * Pods behind a Service with traffic ports: a preStop sleep before SIGTERM (the endpoint leaves
 * kube-proxy and the ingress while the server still answers; without it, new streams and page
 * requests were refused for a moment at every rollout), shorter than the grace period.
 */
export function drainProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    const spec = service.spec as { selector?: Labels; ports: { name?: string }[] };
    if (!spec.selector || spec.ports.every((port) => port.name === 'metrics')) continue;
    for (const deployment of deploymentsOf(objects)) {
      const labels = deployment.spec.template.metadata.labels;
      if (!Object.entries(spec.selector).every(([k, v]) => labels[k] === v)) continue;
      const pod = deployment.spec.template.spec;
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      for (const container of pod.containers) {
        const seconds = container.lifecycle?.preStop?.sleep?.seconds;
        const where = `Deployment/${deployment.metadata.name}: container ${container.name}`;
        if (seconds === undefined || seconds < 1)
          problems.push(`${where} serves Service/${service.metadata.name} but has no preStop sleep`);
        else if (seconds >= grace)
          problems.push(`${where}: preStop sleep ${seconds} s leaves nothing of the ${grace} s grace`);
      }
    }
  }
  return problems;
}

/** A Deployment sized by an HPA or KEDA must leave spec.replicas unset. */
export function autoscaledReplicaProblems(objects: readonly K8sObject[]): string[] {
  const scaled = objects.filter((o) => ['ScaledObject', 'HorizontalPodAutoscaler'].includes(o.kind));
  return deploymentsOf(objects).flatMap((deployment) => {
    const scaler = scaled.find(
      (s) =>
        (s.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === deployment.metadata.name,
    );
    return scaler && deployment.spec.replicas !== undefined
      ? [
          `Deployment/${deployment.metadata.name}: sets replicas (${deployment.spec.replicas}) that ${scaler.kind}/${scaler.metadata.name} controls`,
        ]
      : [];
  });
}

interface ScaledObjectSpec {
  minReplicaCount?: number;
  maxReplicaCount?: number;
  fallback?: { failureThreshold: number; replicas: number };
  triggers: { type: string; name?: string; metadata: Record<string, string> }[];
}

/** The product's own series (every service exports va_*: services/shared/metrics.ts). */
const PRODUCT_METRIC = /\bva_\w+/;

/** A Prometheus trigger: a server KEDA's namespace resolves, this namespace's series, no silent 0. */
function prometheusTriggerProblems(
  where: string,
  namespace: string | undefined,
  min: number,
  metadata: Record<string, string>,
): string[] {
  const problems: string[] = [];
  let host = '';
  try {
    host = new URL(metadata.serverAddress).hostname;
  } catch {
    // reported below
  }
  if (!host.includes('.'))
    problems.push(
      `${where}: Prometheus server ${metadata.serverAddress} is not a fully qualified URL (the scaler runs in KEDA's namespace)`,
    );
  if (!PRODUCT_METRIC.test(metadata.query)) return problems;
  // Every selector of the query: a series of another namespace (dev beside prod) would be added in.
  const selectors = metadata.query.match(/\bva_\w+\s*(\{[^}]*\})?/g) ?? [];
  if (selectors.some((s) => !s.includes(`namespace="${namespace}"`)))
    problems.push(`${where}: query does not select namespace="${namespace}" in every va_* selector`);
  if (metadata.ignoreNullValues !== 'false')
    problems.push(
      `${where}: ignoreNullValues is not 'false' (an empty answer would read as 0, not fall back)`,
    );
  if (min < 1)
    problems.push(`${where}: minReplicaCount ${min} (its metrics come from the pods it scales: at 0 none)`);
  return problems;
}

/** KEDA's triggers: servers resolvable from KEDA's namespace, the rendered namespace's series, a fallback size. */
export function scalerProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const scaled of objects.filter((o) => o.kind === 'ScaledObject')) {
    const where = `ScaledObject/${scaled.metadata.name}`;
    const spec = scaled.spec as ScaledObjectSpec;
    const { namespace } = scaled.metadata;
    for (const trigger of spec.triggers.filter((t) => t.type === 'kafka')) {
      for (const server of trigger.metadata.bootstrapServers.split(',')) {
        const [host] = server.split(':');
        if (host !== `${host.split('.')[0]}.${namespace}.svc`)
          problems.push(
            `${where}: bootstrap server ${server} is not <service>.${namespace}.svc (the scaler runs in KEDA's namespace)`,
          );
      }
    }
    for (const trigger of spec.triggers.filter((t) => t.type === 'prometheus'))
      problems.push(
        ...prometheusTriggerProblems(
          `${where} trigger ${trigger.name ?? '?'}`,
          namespace,
          spec.minReplicaCount ?? 0,
          trigger.metadata,
        ),
      );
    const min = spec.minReplicaCount ?? 0;
    const max = spec.maxReplicaCount ?? 100;
    if (!spec.fallback)
      problems.push(`${where}: no fallback (a scaler that cannot read its metric keeps any size)`);
    else if (
      spec.fallback.failureThreshold < 1 ||
      spec.fallback.replicas < min ||
      spec.fallback.replicas > max
    )
      problems.push(`${where}: fallback ${spec.fallback.replicas} replicas is outside ${min}..${max}`);
  }
  return problems;
}
