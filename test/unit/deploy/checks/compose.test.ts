// Docker-compose.yml cannot run here (no Docker engine): check that it parses, that every build
// context, Dockerfile and service entry file it references exists, and that every service accepts
// the configuration compose gives it, in the image's production mode, with the operator values of
// SECURITY.md's production checklist (a service that would refuse to start fails here); its
// structure and that each service sets only variables its schema reads; that every broker and URL
// a variable names is a service listening on that port; that topics agree with the topics job.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeProblems, type ComposeFile, type ComposeService } from '../../../../deploy/checks/compose.ts';
import { SERVICE_ENV, serviceOfCommand } from '../../../../deploy/checks/service-env.ts';

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as ComposeFile & {
  services: Record<string, ComposeService & { build?: { context: string; dockerfile?: string } }>;
};

describe('docker-compose.yml', () => {
  it('runs Kafka 4.1.1 in KRaft mode', () => {
    expect(compose.services.kafka.image).toBe('apache/kafka:4.1.1');
  });

  it.each(Object.entries(compose.services))('service %s references files that exist', (_name, service) => {
    expect(service.image ?? service.build).toBeDefined();
    if (service.build) {
      expect(existsSync(service.build.context)).toBe(true);
      expect(existsSync(join(service.build.context, service.build.dockerfile ?? 'Dockerfile'))).toBe(true);
    }
    for (const part of service.command ?? []) {
      if (/\.(ts|js)$/.test(part)) expect(existsSync(part), part).toBe(true);
    }
    for (const volume of service.volumes ?? []) {
      const host = volume.split(':')[0];
      if (host.startsWith('.')) expect(existsSync(host), host).toBe(true);
    }
  });

  it('is well formed: images or builds, depends_on, ports, volumes, and only variables the schemas read', () => {
    expect(composeProblems(compose)).toEqual([]);
  });

  it('the same check fails a broken compose file', () => {
    const broken = structuredClone(compose);
    broken.services['dsp-worker'].environment = {
      ...broken.services['dsp-worker'].environment,
      DSP_WINDOW_MS: '2000', // the variable is WINDOW_MS
    };
    broken.services['call-store'].depends_on = { topic: { condition: 'service_completed_successfully' } };
    broken.services['alert-service'].ports = ['8080:eighty'];
    broken.services.kafka.ports = ['9092:9092'];
    broken.services['alert-service'].environment = {
      ...broken.services['alert-service'].environment,
      ALERT_SECRET: 'x',
      JWT_SECRET: 'a-literal-key-in-the-file-of-32-characters', // a review's: passed before
    };
    broken.services['call-store'].environment = {
      ...broken.services['call-store'].environment,
      JWT_SECRET: '${VA_JWT_SECRET:-a-default-key-of-32-characters-here}',
      KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka', // a file's path: the safe way, no problem
    };
    broken.services['ingest-gateway'].environment = {
      ...broken.services['ingest-gateway'].environment,
      TWILIO_ACCOUNTS: 'AC0123=an-auth-token-written-in-the-file', // its name says no secret
    };
    delete broken.volumes;
    (broken.services.grafana as Record<string, unknown>).enviroment = {};
    expect(composeProblems(broken).sort()).toEqual(
      [
        'grafana: unknown key "enviroment"',
        'alert-service: ALERT_SECRET is not a variable of its config schema',
        'alert-service: ALERT_SECRET is a secret: write it as ${VA_…:?message}, never a value or a default in the file',
        'alert-service: JWT_SECRET is a secret: write it as ${VA_…:?message}, never a value or a default in the file',
        'call-store: JWT_SECRET is a secret: write it as ${VA_…:?message}, never a value or a default in the file',
        'ingest-gateway: TWILIO_ACCOUNTS is a secret: write it as ${VA_…:?message}, never a value or a default in the file',
        'alert-service: port "8080:eighty" is not [host:]port',
        'alert-service: port "8080:eighty" is published on every interface: name the host address',
        'kafka: port "9092:9092" is published on every interface: name the host address',
        'call-store: depends_on names no service "topic"',
        'call-store: volume "call-store-data" is not declared under volumes',
        'dsp-worker: DSP_WINDOW_MS is not a variable of its config schema',
      ].sort(),
    );
  });

  it('gives every named volume a folder the image makes for its non-root user', () => {
    // Docker creates a named volume's mount point root-owned when the image lacks it.
    const dockerfile = readFileSync('deploy/Dockerfile', 'utf8');
    // A numeric user: Kubernetes' runAsNonRoot cannot verify a named one (`USER node`).
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    const beforeUser = dockerfile.slice(0, dockerfile.indexOf('USER 1000:1000'));
    const mounts = Object.values(compose.services).flatMap((service) =>
      (service.volumes ?? [])
        .filter((volume) => service.build && /^[\w-]+:/.test(volume))
        .map((volume) => volume.split(':')[1]),
    );
    expect(mounts).toContain('/data');
    for (const path of mounts)
      expect(beforeUser).toMatch(new RegExp(`mkdir -p ${path} && chown 1000:1000 ${path}`));
  });

  it('names the JWT key the same in both services that verify tokens', () => {
    const key = (name: string) =>
      Object.keys(compose.services[name].environment ?? {}).filter((v) => /JWT/.test(v));
    expect(key('alert-service')).toEqual(['JWT_SECRET']);
    expect(key('call-store')).toEqual(['JWT_SECRET']);
  });

  it('Prometheus scrapes only services that exist and expose the scraped port, every replica of a scaled one', () => {
    const prometheus = parse(readFileSync('deploy/prometheus/prometheus.yml', 'utf8')) as {
      scrape_configs: {
        job_name: string;
        static_configs?: { targets: string[] }[];
        dns_sd_configs?: { names: string[]; type: string; port: number }[];
      }[];
    };
    const targets = prometheus.scrape_configs.flatMap((job) => [
      ...(job.static_configs ?? []).flatMap((c) => c.targets),
      ...(job.dns_sd_configs ?? []).flatMap((c) => c.names.map((name) => `${name}:${c.port}`)),
    ]);
    expect(targets.length).toBeGreaterThan(0);
    // The services the README scales out are found by DNS (each replica), not one fixed target.
    for (const scaled of ['dsp-worker', 'emotion-classifier'])
      expect(
        prometheus.scrape_configs.find((job) => job.job_name === scaled)?.dns_sd_configs?.[0],
      ).toMatchObject({
        names: [scaled],
        type: 'A',
      });
    for (const target of targets) {
      const [host, port] = target.split(':');
      expect(compose.services[host], target).toBeDefined();
      expect(compose.services[host].expose ?? [], target).toContain(port);
    }
  });
});

/**
 * The ports a service listens on inside the compose network: its `expose`, the container side of
 * its `ports`, every *_PORT variable it sets, and a broker's KAFKA_LISTENERS.
 */
function listeningPorts(service: ComposeService): Set<string> {
  const env = service.environment ?? {};
  const ports = [...(service.expose ?? []), ...(service.ports ?? []).map((p) => String(p).split(':').pop())];
  for (const [key, value] of Object.entries(env)) if (/_PORT$/.test(key)) ports.push(String(value));
  for (const listener of String(env.KAFKA_LISTENERS ?? '').split(',')) ports.push(listener.split(':').pop());
  return new Set(ports.map((p) => String(p).replace(/\/(tcp|udp)$/, '')));
}

/** Each `host:port` an environment value names (a broker list, a URL) that no service listens on. */
function unreachableAddresses(file: typeof compose): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(file.services)) {
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      if (key === 'KAFKA_ADVERTISED_LISTENERS' || key === 'KAFKA_CONTROLLER_QUORUM_VOTERS') continue;
      for (const item of String(value).split(',')) {
        const address = /^(?:[a-z]+:\/\/)?([a-z][\w-]*):(\d+)(?:\/.*)?$/.exec(item.trim());
        if (!address || address[1] === 'localhost') continue;
        const [, host, port] = address;
        const target = file.services[host];
        if (!target) problems.push(`${name}: ${key} names no service "${host}"`);
        else if (!listeningPorts(target).has(port))
          problems.push(`${name}: ${key}: ${host} listens on no port ${port}`);
      }
    }
  }
  return problems;
}

/** Topic and consumer-group variables a service sets that the provisioning job does not set alike. */
function topicDisagreements(file: typeof compose): string[] {
  const provisioned = file.services.topics.environment ?? {};
  return Object.entries(file.services).flatMap(([name, service]) =>
    Object.entries(service.environment ?? {})
      .filter(([key, value]) => /_TOPIC$/.test(key) && provisioned[key] !== value)
      .map(([key]) => `${name}: ${key} differs from the topics job's`),
  );
}

describe('docker-compose.yml addresses and topics', () => {
  it('every host:port a variable names (brokers, the history URLs) is a service listening on it', () => {
    const named = Object.values(compose.services).flatMap((s) => Object.values(s.environment ?? {}));
    expect(named).toContain('kafka:29092');
    expect(named).toContain('http://call-store:8090');
    expect(unreachableAddresses(compose)).toEqual([]);
  });

  it('the same check fails a broker or a URL that points nowhere', () => {
    const broken = structuredClone(compose);
    broken.services['dsp-worker'].environment = {
      ...broken.services['dsp-worker'].environment,
      KAFKA_BROKERS: 'kafka:9999',
    };
    broken.services['routing-service'].environment = {
      ...broken.services['routing-service'].environment,
      ROUTING_HISTORY_URL: 'http://call-stor:8090',
    };
    expect(unreachableAddresses(broken).sort()).toEqual([
      'dsp-worker: KAFKA_BROKERS: kafka listens on no port 9999',
      'routing-service: ROUTING_HISTORY_URL names no service "call-stor"',
    ]);
  });

  it('a topic a service is given is the topic the provisioning job creates', () => {
    expect(topicDisagreements(compose)).toEqual([]);
    const broken = structuredClone(compose);
    broken.services['alert-service'].environment = {
      ...broken.services['alert-service'].environment,
      ALERTS_TOPIC: 'va.alerts.v2',
    };
    expect(topicDisagreements(broken)).toEqual(["alert-service: ALERTS_TOPIC differs from the topics job's"]);
  });
});

describe('docker-compose.yml with the production checklist', () => {
  const secret = (): string => randomBytes(36).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'va-compose-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const usersFile = join(dir, 'users.json');
  writeFileSync(usersFile, JSON.stringify({ users: [] }));
  // What SECURITY.md's checklist has the operator export before `docker compose up`, with the
  // TLS proxy in front of the gateway that its VA_GRPC_ALLOW_PLAINTEXT line asks for (without one
  // the gateway refuses to start: the checklist says so).
  const operator: Record<string, string> = {
    VA_JWT_SECRET: secret(),
    VA_SERVICE_TOKEN_SECRET: secret(),
    VA_TENANT_TOKENS: `acme=${secret()}`,
    VA_CUSTOMER_REF_KEYS: `acme=${secret()}`,
    VA_USERS_FILE: usersFile,
    VA_GRPC_ALLOW_PLAINTEXT: 'true',
  };
  /** Compose interpolation: ${X:?message} must be set, ${X:-default} falls back. */
  const interpolate = (value: string): string =>
    value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_m, name: string, kind?: string, rest?: string) => {
      const set = operator[name];
      if (set !== undefined) return set;
      if (kind === '-') return rest ?? '';
      throw new Error(`compose needs ${name}: ${rest ?? ''}`);
    });
  // Container paths the volumes mount, as host paths here.
  const mounted: Record<string, string> = { '/run/va/users.json': usersFile, '/data': dir };
  const services = Object.entries(compose.services).filter(([, s]) => serviceOfCommand(s.command));

  it('covers every service of the product, and topic provisioning', () => {
    expect(services.map(([name]) => name).sort()).toEqual(Object.keys(SERVICE_ENV).sort());
  });

  it.each(services)('%s starts in production mode with what compose passes', (_name, service) => {
    const env: Record<string, string> = { NODE_ENV: 'production', VA_MODE: 'production' };
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      const v = interpolate(String(value));
      env[key] = mounted[v] ?? v;
    }
    const product = serviceOfCommand(service.command) as string;
    expect(() => SERVICE_ENV[product].load(env)).not.toThrow();
  });
});
