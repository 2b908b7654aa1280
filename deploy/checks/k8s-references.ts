// Checks what a schema cannot see in a rendered set of Kubernetes objects: each container runs a
// known service and sets only variables of its config schema (envFrom ConfigMaps expanded); every
// ConfigMap it names exists with the keys named; every Secret it names is one the operator is told
// to create (deploy/k8s/README.md) with that key; probes are /readyz and /healthz on the metrics
// port; requests are set; every Deployment has a PodDisruptionBudget, and Services, PDBs and
// scalers select or target something that exists. Pure.
import type { K8sObject } from './k8s-schema.ts';
import { serviceOfCommand, unknownVariables } from './service-env.ts';
import { isSecretSetting } from '../../services/shared/config.ts';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}
interface Container {
  name: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: { httpGet?: { path?: string; port?: string | number } };
  livenessProbe?: { httpGet?: { path?: string; port?: string | number } };
  resources?: { requests?: { cpu?: string; memory?: string } };
}
interface PodSpec {
  containers: Container[];
  volumes?: {
    name: string;
    secret?: { secretName: string; items?: { key: string }[] };
    configMap?: ConfigMapSource;
    projected?: { sources: { configMap?: ConfigMapSource }[] };
  }[];
}
interface ConfigMapSource {
  name: string;
  items?: { key: string }[];
  optional?: boolean;
}
type Workload = K8sObject & {
  spec: { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
};

/** Secret name -> the keys the operator is told to create (deploy/k8s/README.md, "Secrets"). */
export type DocumentedSecrets = ReadonlyMap<string, ReadonlySet<string>>;

/** Reads the README's secrets table: rows "| `name` | `key`, `key` | … |". */
export function documentedSecrets(readme: string): DocumentedSecrets {
  const secrets = new Map<string, Set<string>>();
  for (const row of readme.matchAll(/^\| `([\w.-]+)` \| ((?:`[\w.-]+`(?:, )?)+) \|/gm)) {
    secrets.set(row[1], new Set([...row[2].matchAll(/`([\w.-]+)`/g)].map((m) => m[1])));
  }
  return secrets;
}

const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Where problems are collected, and the checks of ConfigMap and Secret references. */
interface References {
  problems: string[];
  configMaps: ReadonlyMap<string, Record<string, string>>;
  configKey(where: string, name: string, key?: string): void;
  secretKey(where: string, name: string, key?: string): void;
}

function references(objects: readonly K8sObject[], secrets: DocumentedSecrets): References {
  const problems: string[] = [];
  const configMaps = new Map(
    objects
      .filter((o) => o.kind === 'ConfigMap')
      .map((o) => [o.metadata.name, (o.data ?? {}) as Record<string, string>]),
  );
  return {
    problems,
    configMaps,
    configKey(where, name, key) {
      const data = configMaps.get(name);
      if (!data) problems.push(`${where}: ConfigMap "${name}" is not in the manifests`);
      else if (key !== undefined && !(key in data))
        problems.push(`${where}: ConfigMap "${name}" has no key "${key}"`);
    },
    secretKey(where, name, key) {
      const keys = secrets.get(name);
      if (!keys) problems.push(`${where}: Secret "${name}" is not documented in deploy/k8s/README.md`);
      else if (key !== undefined && !keys.has(key))
        problems.push(`${where}: Secret "${name}" is documented without the key "${key}"`);
    },
  };
}

/** A container: a known service, only its variables, resolvable references, probes, requests. */
function checkContainer(where: string, container: Container, refs: References): void {
  const { problems, configMaps } = refs;
  const service = serviceOfCommand(container.command);
  if (!service) {
    problems.push(`${where}: container ${container.name} runs no known service (command)`);
    return;
  }
  const variables = new Map<string, string | undefined>();
  const inSecret = (name: string): string =>
    `${where}: ${name} is a secret: give it from a Secret (secretKeyRef), never in a manifest or ConfigMap`;
  for (const source of container.envFrom ?? []) {
    if (source.secretRef) problems.push(`${where}: envFrom a Secret hides its variables; name each one`);
    if (!source.configMapRef) continue;
    refs.configKey(where, source.configMapRef.name);
    for (const [k, v] of Object.entries(configMaps.get(source.configMapRef.name) ?? {})) {
      variables.set(k, v);
      if (isSecretSetting(k)) problems.push(inSecret(k));
    }
  }
  for (const variable of container.env ?? []) {
    variables.set(variable.name, variable.value);
    if (isSecretSetting(variable.name) && !variable.valueFrom?.secretKeyRef)
      problems.push(inSecret(variable.name));
    const { secretKeyRef, configMapKeyRef } = variable.valueFrom ?? {};
    if (secretKeyRef) refs.secretKey(where, secretKeyRef.name, secretKeyRef.key);
    if (configMapKeyRef) refs.configKey(where, configMapKeyRef.name, configMapKeyRef.key);
  }
  problems.push(...unknownVariables(service, variables.keys()).map((p) => `${where}: ${p}`));
  const metricsPort = Number(variables.get('HTTP_PORT') ?? 9464);
  const portName = container.ports?.find((p) => p.containerPort === metricsPort)?.name;
  for (const [probe, path] of [
    ['readinessProbe', '/readyz'],
    ['livenessProbe', '/healthz'],
  ] as const) {
    const get = container[probe]?.httpGet;
    if (get?.path !== path || (get.port !== metricsPort && (!portName || get.port !== portName)))
      problems.push(`${where}: ${probe} must GET ${path} on the metrics port ${metricsPort}`);
  }
  if (!container.resources?.requests?.cpu || !container.resources.requests.memory)
    problems.push(`${where}: container ${container.name} requests no cpu / memory`);
}

/** A Deployment: its containers, its volumes' references and exactly one PodDisruptionBudget. */
function checkDeployment(deployment: Workload, objects: readonly K8sObject[], refs: References): void {
  const pod = deployment.spec.template.spec;
  for (const container of pod.containers)
    checkContainer(`Deployment/${deployment.metadata.name}`, container, refs);
  for (const volume of pod.volumes ?? []) {
    const where = `Deployment/${deployment.metadata.name} volume ${volume.name}`;
    const sources = [volume.configMap, ...(volume.projected?.sources ?? []).map((p) => p.configMap)];
    for (const source of sources) {
      if (!source) continue;
      // An optional ConfigMap may be absent (a tenant's rules before it has any); present, its keys count.
      if (source.optional && !refs.configMaps.has(source.name)) continue;
      refs.configKey(where, source.name);
      for (const item of source.items ?? []) refs.configKey(where, source.name, item.key);
    }
    if (volume.secret) {
      refs.secretKey(where, volume.secret.secretName);
      for (const item of volume.secret.items ?? []) refs.secretKey(where, volume.secret.secretName, item.key);
    }
  }
  const labels = deployment.spec.template.metadata.labels;
  const budgets = objects.filter(
    (o) =>
      o.kind === 'PodDisruptionBudget' &&
      selects(
        (o.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels,
        labels,
      ),
  );
  if (budgets.length !== 1)
    refs.problems.push(
      `Deployment/${deployment.metadata.name}: ${budgets.length} PodDisruptionBudgets (want 1)`,
    );
}

/** Services select some Deployment's pods; scalers target a Deployment and a known TriggerAuthentication. */
function checkTargets(objects: readonly K8sObject[], workloads: readonly Workload[], refs: References): void {
  const { problems } = refs;
  const podLabels = workloads.map((w) => w.spec.template.metadata.labels);
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    const selector = (service.spec as { selector?: Record<string, string> }).selector;
    if (!podLabels.some((labels) => selects(selector, labels)))
      problems.push(`Service/${service.metadata.name}: selects no Deployment's pods`);
  }
  const deploymentNames = new Set(workloads.map((w) => w.metadata.name));
  for (const scaler of objects.filter((o) => ['ScaledObject', 'HorizontalPodAutoscaler'].includes(o.kind))) {
    const target = (scaler.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name;
    if (!deploymentNames.has(target))
      problems.push(`${scaler.kind}/${scaler.metadata.name}: scales no Deployment "${target}"`);
  }
  const auths = new Set(
    objects.filter((o) => o.kind === 'TriggerAuthentication').map((o) => o.metadata.name),
  );
  for (const scaled of objects.filter((o) => o.kind === 'ScaledObject')) {
    for (const trigger of (scaled.spec as { triggers: { authenticationRef?: { name: string } }[] })
      .triggers) {
      if (trigger.authenticationRef && !auths.has(trigger.authenticationRef.name))
        problems.push(
          `ScaledObject/${scaled.metadata.name}: TriggerAuthentication "${trigger.authenticationRef.name}" is not in the manifests`,
        );
    }
  }
  for (const auth of objects.filter((o) => o.kind === 'TriggerAuthentication')) {
    for (const ref of (auth.spec as { secretTargetRef?: { name: string; key: string }[] }).secretTargetRef ??
      [])
      refs.secretKey(`TriggerAuthentication/${auth.metadata.name}`, ref.name, ref.key);
  }
}

export function referenceProblems(objects: readonly K8sObject[], secrets: DocumentedSecrets): string[] {
  const refs = references(objects, secrets);
  const workloads = objects.filter((o): o is Workload => o.kind === 'Deployment');
  for (const deployment of workloads) checkDeployment(deployment, objects, refs);
  checkTargets(objects, workloads, refs);
  return refs.problems;
}
