// Structural check of docker-compose.yml where no Docker engine runs (CI): every service has an
// image or a build, depends_on names services that exist, ports and expose are well formed, named
// volumes are declared, and each product service sets only variables its config schema reads.
// Whether the values validate is checked by loading them (compose.test.ts). Pure.
import { serviceOfCommand, unknownVariables } from './service-env.ts';
import { isSecretSetting } from '../../services/shared/config.ts';

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string } | string;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: (string | number)[];
  expose?: (string | number)[];
  volumes?: string[];
}

export interface ComposeFile {
  services?: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * The service keys of the Compose Specification (https://github.com/compose-spec/compose-spec,
 * spec.md "Services top-level elements"); any other key is a typo compose would refuse.
 */
const SERVICE_KEYS = new Set(
  (
    'annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs ' +
    'container_name cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime ' +
    'cpu_shares cpus cpuset credential_spec depends_on deploy develop device_cgroup_rules devices ' +
    'dns dns_opt dns_search domainname entrypoint env_file environment expose extends ' +
    'external_links extra_hosts gpus group_add healthcheck hostname image init ipc isolation labels ' +
    'links logging mac_address mem_limit mem_reservation mem_swappiness memswap_limit network_mode ' +
    'networks oom_kill_disable oom_score_adj pid pids_limit platform ports post_start pre_stop ' +
    'privileged profiles pull_policy read_only restart runtime scale secrets security_opt shm_size ' +
    'stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits user ' +
    'userns_mode uts volumes volumes_from working_dir'
  ).split(' '),
);
const TOP_LEVEL_KEYS = new Set([
  'name',
  'version',
  'services',
  'networks',
  'volumes',
  'secrets',
  'configs',
  'include',
  'models',
]);

/** A secret comes from the operator's environment: `${VAR:?message}` (required) or `${VAR:-}` (optional, empty). */
const FROM_ENVIRONMENT = /^\$\{\w+(:\?[^}]*|:-)\}$/;

/** HOST:CONTAINER or CONTAINER, optional host IP and protocol (compose's short syntax). */
const PORT = /^(((\d{1,3}(\.\d{1,3}){3}|\$\{\w+:-\d{1,3}(\.\d{1,3}){3}\}):)?\d{1,5}:)?\d{1,5}(\/(tcp|udp))?$/;
/** A published port names its host address (a literal, or a variable with a default). */
const BOUND = /^(\d{1,3}(\.\d{1,3}){3}|\$\{\w+:-\d{1,3}(\.\d{1,3}){3}\}):/;
const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];

export function composeProblems(compose: ComposeFile): string[] {
  const services = compose.services ?? {};
  const problems: string[] = [];
  if (Object.keys(services).length === 0) problems.push('compose: no services');
  for (const key of Object.keys(compose))
    if (!TOP_LEVEL_KEYS.has(key) && !key.startsWith('x-'))
      problems.push(`compose: unknown top-level key "${key}"`);
  for (const [name, service] of Object.entries(services)) {
    for (const key of Object.keys(service))
      if (!SERVICE_KEYS.has(key) && !key.startsWith('x-')) problems.push(`${name}: unknown key "${key}"`);
    if (!service.image && !service.build) problems.push(`${name}: neither image nor build`);
    const depends = Array.isArray(service.depends_on)
      ? service.depends_on.map((d) => [d, undefined] as const)
      : Object.entries(service.depends_on ?? {}).map(([d, v]) => [d, v.condition] as const);
    for (const [dependency, condition] of depends) {
      if (!(dependency in services)) problems.push(`${name}: depends_on names no service "${dependency}"`);
      if (condition !== undefined && !CONDITIONS.includes(condition))
        problems.push(`${name}: depends_on ${dependency} has an unknown condition "${condition}"`);
    }
    for (const port of [...(service.ports ?? []), ...(service.expose ?? [])]) {
      if (!PORT.test(String(port))) problems.push(`${name}: port "${String(port)}" is not [host:]port`);
    }
    // A port published without an address listens on every interface of the host.
    for (const port of service.ports ?? [])
      if (!BOUND.test(String(port)))
        problems.push(
          `${name}: port "${String(port)}" is published on every interface: name the host address`,
        );
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0];
      // A bare name (no path, no ${…}) is a named volume: it must be declared at the top level.
      if (/^[\w-]+$/.test(source) && !(compose.volumes && source in compose.volumes))
        problems.push(`${name}: volume "${source}" is not declared under volumes`);
    }
    for (const [variable, value] of Object.entries(service.environment ?? {})) {
      if (value === null || typeof value === 'object')
        problems.push(`${name}: ${variable} has no value (write it as a string)`);
      else if (isSecretSetting(variable) && !FROM_ENVIRONMENT.test(String(value)))
        problems.push(
          `${name}: ${variable} is a secret: write it as \${VA_…:?message}, never a value or a default in the file`,
        );
    }
    const product = serviceOfCommand(service.command);
    if (product) problems.push(...unknownVariables(product, Object.keys(service.environment ?? {})));
  }
  return problems;
}
