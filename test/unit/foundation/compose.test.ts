// docker-compose.yml cannot run here (no Docker engine): check that it parses and that every
// build context, Dockerfile and service entry file it references exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ComposeService {
  image?: string;
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
