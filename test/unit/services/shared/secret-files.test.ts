// Every secret setting X takes X_FILE (a file as Docker and Kubernetes mount secrets): the
// services read the key from it, check it as they check X, and name the file, never the key, in
// their errors. Real files in a temp folder, the services' real config loaders.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertServiceEnv, loadAlertServiceConfig } from '../../../../services/alert-service/config.ts';
import { callStoreEnv, loadCallStoreConfig } from '../../../../services/call-store/config.ts';
import { loadRoutingServiceConfig } from '../../../../services/routing-service/config.ts';
import { ConfigError } from '../../../../services/shared/config.ts';
import { secretFileSettings, secretSetting } from '../../../../services/shared/secret-files.ts';
import { misspeltSettings, settingNames } from '../../../../services/shared/setting-names.ts';
import { thrownError } from '../../../support/thrown.ts';

const folder = mkdtempSync(join(tmpdir(), 'va-secret-files-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const strong = (): string => randomBytes(33).toString('base64url');
/** A secret file as `echo "$KEY" > file` writes it (a trailing newline). */
function secretFile(name: string, value: string): string {
  const path = join(folder, name);
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return path;
}
const production = { KAFKA_BROKERS: '127.0.0.1:9092', NODE_ENV: 'production', TOPIC_REPLICATION_FACTOR: '3' };

describe('secret settings read from files', () => {
  it('gives the call store its token keys and database address from files, checked as in the environment', () => {
    const [jwt, service] = [strong(), strong()];
    const url = 'postgres://va:pw@db.internal/va?sslmode=verify-full';
    const config = loadCallStoreConfig({
      ...production,
      STORE_USERS_FILE: '',
      JWT_SECRET_FILE: secretFile('jwt', jwt),
      SERVICE_TOKEN_SECRET_FILE: secretFile('service', service),
      DATABASE_URL_FILE: secretFile('database-url', url),
    });
    expect([config.JWT_SECRET, config.serviceKey, config.DATABASE_URL]).toEqual([jwt, service, url]);
    // The production checks see the file's key: a published one is refused, and not echoed.
    const published = 'change-me-a-shared-secret-of-32-chars-or-more';
    const error = thrownError(
      () =>
        loadCallStoreConfig({
          ...production,
          STORE_USERS_FILE: '',
          JWT_SECRET_FILE: secretFile('published', published),
          SERVICE_TOKEN_SECRET: strong(),
        }),
      ConfigError,
    );
    expect(error.problems.join('\n')).toMatch(/JWT_SECRET: .*published default/);
    expect(error.message).not.toContain(published);
  });

  it('gives the alert service and the routing service their keys from files', () => {
    const jwt = strong();
    const alert = loadAlertServiceConfig({
      ...production,
      ALERT_USERS_FILE: '/etc/va/users.json',
      JWT_SECRET_FILE: secretFile('alert-jwt', jwt),
    });
    expect(alert.jwtSecret).toBe(jwt);
    const [webhook, service] = [strong(), strong()];
    const routing = loadRoutingServiceConfig({
      ...production,
      ROUTING_WEBHOOK_URL: 'https://hooks.example/route',
      ROUTING_WEBHOOK_TENANT: 'acme',
      ROUTING_WEBHOOK_SECRET_FILE: secretFile('webhook', webhook),
      SERVICE_TOKEN_SECRET_FILE: secretFile('routing-service', service),
    });
    expect([routing.ROUTING_WEBHOOK_SECRET, routing.SERVICE_TOKEN_SECRET]).toEqual([webhook, service]);
  });

  it('refuses a key set twice, a missing file and an empty one, naming the path and never the key', () => {
    const key = strong();
    const error = thrownError(
      () =>
        loadCallStoreConfig({
          JWT_SECRET: key,
          JWT_SECRET_FILE: secretFile('twice', key),
          SERVICE_TOKEN_SECRET_FILE: join(folder, 'no-such-file'),
          DATABASE_URL_FILE: secretFile('empty', ''),
        }),
      ConfigError,
    );
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'JWT_SECRET, JWT_SECRET_FILE: set one, not both',
        `SERVICE_TOKEN_SECRET_FILE: cannot read file "${join(folder, 'no-such-file')}" (ENOENT)`,
        `DATABASE_URL_FILE: file "${join(folder, 'empty')}" is empty`,
      ]),
    );
    expect(error.message).not.toContain(key);
  });

  it('knows X_FILE for each secret setting, so that it is not taken for a misspelt X', () => {
    expect(secretFileSettings(callStoreEnv)).toEqual(
      expect.arrayContaining(['JWT_SECRET', 'SERVICE_TOKEN_SECRET', 'DATABASE_URL']),
    );
    const known = settingNames(alertServiceEnv);
    expect(misspeltSettings('alert-service', known, { JWT_SECRET_FILE: '/run/secrets/jwt' })).toEqual([]);
    // A setting with its own file variable keeps it (TENANT_TOKENS_FILE is read by the gateway).
    expect(secretFileSettings(callStoreEnv)).not.toContain('STORE_USERS_FILE');
  });

  it('reads a secret outside a schema too (the analyze command and the CSAT report read DATABASE_URL so)', () => {
    const url = 'postgres://va:pw@db.internal/va';
    expect(secretSetting({ DATABASE_URL_FILE: secretFile('report-url', url) }, 'DATABASE_URL')).toBe(url);
    expect(secretSetting({ DATABASE_URL: url }, 'DATABASE_URL')).toBe(url);
    expect(secretSetting({}, 'DATABASE_URL')).toBeUndefined();
    expect(() => secretSetting({ DATABASE_URL: url, DATABASE_URL_FILE: '/x' }, 'DATABASE_URL')).toThrow(
      'DATABASE_URL, DATABASE_URL_FILE: set one, not both',
    );
  });
});
