// docker-compose.yml cannot run here (no Docker engine): check that it parses and that every
// build context, Dockerfile and service entry file it references exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
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
  });
});
