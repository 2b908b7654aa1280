// A production start with several settings wrong names them all in one CONFIG_INVALID line, the
// Kafka TLS/SASL ones and those checked after another stage included: an operator used to fix one
// stage per restart (three restarts each for the gateway and the call store).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../../../services/ingest-gateway/config.ts';
import { ConfigError } from '../../../../services/shared/config.ts';

function problemsOf(main: string): string[] {
  const r = spawnSync(process.execPath, [main], {
    env: { PATH: process.env.PATH, VA_MODE: 'production', KAFKA_BROKERS: '127.0.0.1:1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status).toBe(2);
  const line = JSON.parse(r.stderr.trim().split('\n').pop()!) as { code: string; problems: string[] };
  expect(line.code).toBe('CONFIG_INVALID');
  return line.problems.map((p) => p.split(':')[0]);
}

describe('configuration problems at start', () => {
  it('are named in one line, every stage and the Kafka settings together', () => {
    expect(problemsOf('services/ingest-gateway/main.ts')).toEqual([
      'TENANT_TOKENS',
      'TLS_CERT_FILE, TLS_KEY_FILE',
      'KAFKA_SSL',
    ]);
    expect(problemsOf('services/call-store/main.ts')).toEqual([
      'JWT_SECRET',
      'STORE_USERS_FILE',
      'KAFKA_SSL',
    ]);
  });

  it('does not blame the tenants of later stages when the tenant tokens themselves failed', () => {
    const problemsWith = (publicUrl: string): string[] => {
      try {
        loadGatewayConfig({
          KAFKA_BROKERS: 'k:1',
          TENANT_TOKENS_FILE: '/nonexistent/tokens',
          TWILIO_PORT: '0',
          TWILIO_PUBLIC_URL: publicUrl,
          TWILIO_ACCOUNTS: `AC${'0'.repeat(32)}=acme:auth-token-of-account-0`,
        });
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problemsWith('ws://ingest.example')).toEqual([
      'TENANT_TOKENS_FILE: cannot read file "/nonexistent/tokens" (ENOENT)',
    ]);
    // …but keeps their problems that do not depend on the tenants.
    expect(problemsWith('https://not-a-websocket.example/path').map((p) => p.split(':')[0])).toEqual([
      'TENANT_TOKENS_FILE',
      'TWILIO_PUBLIC_URL',
    ]);
  });
});
