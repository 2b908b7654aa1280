// docker-compose.yml cannot run here (no Docker engine): check that it parses, that every build
// context, Dockerfile and service entry file it references exists, and that every service accepts
// the configuration compose gives it, in the image's production mode, with the operator values of
// SECURITY.md's production checklist (a service that would refuse to start fails here).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadAlertServiceConfig } from '../../../services/alert-service/config.ts';
import { loadCallStoreConfig } from '../../../services/call-store/config.ts';
import { loadDspWorkerConfig } from '../../../services/dsp-worker/config.ts';
import { loadEmotionClassifierConfig } from '../../../services/emotion-classifier/config.ts';
import { loadGatewayConfig } from '../../../services/ingest-gateway/config.ts';

interface ComposeService {
  image?: string;
  environment?: Record<string, string | number>;
  build?: { context: string; dockerfile?: string; target?: string };
  command?: string[];
  volumes?: string[];
  expose?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, ComposeService>;
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

  it('Prometheus scrapes only services that exist and expose the scraped port', () => {
    const prometheus = parse(readFileSync('deploy/prometheus/prometheus.yml', 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      const [host, port] = target.split(':');
      expect(compose.services[host], target).toBeDefined();
      expect(compose.services[host].expose ?? [], target).toContain(port);
    }
  });
});

describe('docker-compose.yml with the production checklist', () => {
  const secret = (): string => randomBytes(36).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'va-compose-'));
  const usersFile = join(dir, 'users.json');
  writeFileSync(usersFile, JSON.stringify({ users: [] }));
  // What SECURITY.md's checklist has the operator export before `docker compose up`.
  const operator: Record<string, string> = {
    VA_JWT_SECRET: secret(),
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
  const loaders: Record<string, (env: Record<string, string>) => unknown> = {
    'services/ingest-gateway/main.ts': loadGatewayConfig,
    'services/dsp-worker/main.ts': loadDspWorkerConfig,
    'services/emotion-classifier/main.ts': loadEmotionClassifierConfig,
    'services/alert-service/main.ts': loadAlertServiceConfig,
    'services/call-store/main.ts': loadCallStoreConfig,
  };
  const services = Object.entries(compose.services).filter(([, s]) =>
    (s.command ?? []).some((part) => part in loaders),
  );

  it('covers every service of the product', () => {
    expect(services.map(([name]) => name).sort()).toEqual(
      ['alert-service', 'call-store', 'dsp-worker', 'emotion-classifier', 'ingest-gateway'].sort(),
    );
  });

  it.each(services)('%s starts in production mode with what compose passes', (_name, service) => {
    const env: Record<string, string> = { NODE_ENV: 'production', VA_MODE: 'production' };
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      const v = interpolate(String(value));
      env[key] = mounted[v] ?? v;
    }
    const entry = (service.command ?? []).find((part) => part in loaders) as string;
    expect(() => loaders[entry](env)).not.toThrow();
  });
});
