// Checks of a rendered overlay that keep the deployment's hardening from being undone quietly:
// every product pod is under a default-deny ingress NetworkPolicy and every port a Service
// exposes is admitted by some policy (a new port is not silently unreachable); every pod runs the
// restricted profile's seccomp filter without a service account token; no Deployment that an HPA
// or a ScaledObject sizes sets spec.replicas (each `kubectl apply` would reset the scaled size);
// KEDA's Kafka triggers name the bootstrap Service fully qualified in the rendered namespace (the
// scaler runs in KEDA's namespace) and hold a fallback size within the scaler's bounds. Pure.
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
interface PodTemplate {
  metadata: { labels: Labels };
  spec: {
    automountServiceAccountToken?: boolean;
    securityContext?: { seccompProfile?: { type?: string } };
    containers: {
      name: string;
      ports?: ContainerPort[];
      securityContext?: { seccompProfile?: { type?: string } };
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

/** The restricted Pod Security Standard's seccomp filter, and no API token in pods that never call the API. */
export function podSecurityProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const deployment of deploymentsOf(objects)) {
    const pod = deployment.spec.template.spec;
    const where = `Deployment/${deployment.metadata.name}`;
    if (pod.automountServiceAccountToken !== false)
      problems.push(`${where}: automountServiceAccountToken is not false`);
    for (const container of pod.containers) {
      const type =
        container.securityContext?.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
      if (type !== 'RuntimeDefault' && type !== 'Localhost')
        problems.push(`${where}: container ${container.name} has no RuntimeDefault seccompProfile`);
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
  triggers: { type: string; metadata: Record<string, string> }[];
}

/** KEDA's Kafka triggers: a bootstrap address resolvable from KEDA's namespace, and a fallback size. */
export function scalerProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const scaled of objects.filter((o) => o.kind === 'ScaledObject')) {
    const where = `ScaledObject/${scaled.metadata.name}`;
    const spec = scaled.spec as ScaledObjectSpec;
    for (const trigger of spec.triggers.filter((t) => t.type === 'kafka')) {
      for (const server of trigger.metadata.bootstrapServers.split(',')) {
        const [host] = server.split(':');
        if (host !== `${host.split('.')[0]}.${scaled.metadata.namespace}.svc`)
          problems.push(
            `${where}: bootstrap server ${server} is not <service>.${scaled.metadata.namespace}.svc (the scaler runs in KEDA's namespace)`,
          );
      }
    }
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
