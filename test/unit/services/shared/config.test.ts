// LoadConfig: defaults, coercion, and errors that name each bad variable without echoing secrets.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  boolVar,
  commonEnv,
  ConfigError,
  intVar,
  loadConfig,
  topicVar,
} from '../../../../services/shared/config.ts';
import { thrownError } from '../../../support/thrown.ts';
import { loadDspWorkerConfig } from '../../../../services/dsp-worker/config.ts';
import { loadCallStoreConfig } from '../../../../services/call-store/config.ts';

const schema = z.object({
  ...commonEnv,
  BATCH_MAX_DELAY_MS: intVar({ min: 1, max: 100, def: 40 }),
  TLS_ENABLED: boolVar(false),
  TENANT_TOKENS: z.string().min(1).optional(),
  ALERTS_TOPIC: topicVar('va.alerts.v1'),
  CALLS_TOPIC: topicVar('va.calls.v1'),
});

describe('loadConfig', () => {
  it('refuses a renamed variable with its new name, alongside the other problems', () => {
    const error = thrownError(
      () => loadConfig(schema, { KAFKA_BROKERS: 'k:1', TOPIC_ALERTS: 'my.alerts', CONSUMER_GROUP: 'g' }),
      ConfigError,
    );
    expect(error.problems).toEqual(['TOPIC_ALERTS: renamed ALERTS_TOPIC; set ALERTS_TOPIC instead']);
    // The old group variable is renamed to the group variable of the service that reads it.
    for (const [group, load] of [
      ['DSP_GROUP_ID', loadDspWorkerConfig],
      ['STORE_GROUP_ID', loadCallStoreConfig],
    ] as const)
      expect(() => load({ KAFKA_BROKERS: 'k:1', CONSUMER_GROUP: 'g' })).toThrow(
        `CONSUMER_GROUP: renamed ${group}; set ${group} instead`,
      );
    // An unset required secret says what it is, not zod's "expected string, received undefined".
    expect(() => loadCallStoreConfig({ KAFKA_BROKERS: 'k:1' })).toThrow(
      "JWT_SECRET: required: the page tokens' key (32+ characters)",
    );
    expect(() => loadConfig(schema, { TOPIC_CALLS: 'x' })).toThrow(
      /TOPIC_CALLS: renamed CALLS_TOPIC[\s\S]*KAFKA_BROKERS/,
    );
    expect(loadConfig(schema, { KAFKA_BROKERS: 'k:1', TOPIC_ALERTS: '' }).KAFKA_BROKERS).toEqual(['k:1']);
  });

  it('leaves an old name alone in a service that reads neither name (one settings file for all)', () => {
    expect(loadDspWorkerConfig({ KAFKA_BROKERS: 'k:1', ALERT_TOKEN_TTL_S: '900' }).KAFKA_BROKERS).toEqual([
      'k:1',
    ]);
    expect(() => loadConfig(z.object(commonEnv), { KAFKA_BROKERS: 'k:1', TOPIC_ALERTS: 'x' })).not.toThrow();
    // CONSUMER_GROUP (once every service's group) stops only a service with a group of its own.
    expect(() =>
      loadConfig(z.object(commonEnv), { KAFKA_BROKERS: 'k:1', CONSUMER_GROUP: 'g' }),
    ).not.toThrow();
  });

  it('applies defaults and splits the broker list', () => {
    const config = loadConfig(schema, { KAFKA_BROKERS: '127.0.0.1:9092, kafka:9093' });
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', 'kafka:9093']);
    expect(config.HTTP_PORT).toBe(9464);
    expect(config.BATCH_MAX_DELAY_MS).toBe(40);
    expect(config.TLS_ENABLED).toBe(false);
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('coerces numbers and booleans', () => {
    const config = loadConfig(schema, {
      KAFKA_BROKERS: 'k:1',
      BATCH_MAX_DELAY_MS: '100',
      TLS_ENABLED: 'true',
    });
    expect(config.BATCH_MAX_DELAY_MS).toBe(100);
    expect(config.TLS_ENABLED).toBe(true);
  });

  it('names every bad variable in one CONFIG_INVALID error', () => {
    const error = thrownError(
      () =>
        loadConfig(schema, {
          KAFKA_BROKERS: 'nohost',
          BATCH_MAX_DELAY_MS: '500',
          HTTP_PORT: 'x',
          TLS_ENABLED: 'maybe',
        }),
      ConfigError,
    );
    expect(error.code).toBe('CONFIG_INVALID');
    const names = error.problems.map((line) => line.split(/[.:]/)[0]);
    expect(names).toEqual(
      expect.arrayContaining(['KAFKA_BROKERS', 'BATCH_MAX_DELAY_MS', 'HTTP_PORT', 'TLS_ENABLED']),
    );
    expect(error.message).toMatch(/BATCH_MAX_DELAY_MS: must be <= 100 \(got "500"\)/);
  });

  it('reads integers in decimal digits only', () => {
    const base = { KAFKA_BROKERS: 'k:1' };
    expect(loadConfig(schema, { ...base, BATCH_MAX_DELAY_MS: ' 50 ' }).BATCH_MAX_DELAY_MS).toBe(50);
    expect(loadConfig(schema, { ...base, BATCH_MAX_DELAY_MS: '' }).BATCH_MAX_DELAY_MS).toBe(40);
    // Number() reads all of these as numbers: a blank port would become 0, "any free port".
    for (const bad of [' ', '0x20', '1e1', '1.5', '50ms', '+5']) {
      const error = thrownError(() => loadConfig(schema, { ...base, BATCH_MAX_DELAY_MS: bad }), ConfigError);
      expect(error.problems).toEqual([
        `BATCH_MAX_DELAY_MS: must be a whole number in decimal digits (got "${bad}")`,
      ]);
    }
  });

  it('reports a missing required variable as unset', () => {
    expect(() => loadConfig(schema, {})).toThrow(/KAFKA_BROKERS: .*\(got unset\)/);
  });

  it('never echoes a secret value', () => {
    const bad = z.object({ API_TOKEN: z.string().min(40) });
    expect(() => loadConfig(bad, { API_TOKEN: 's3cret' })).toThrow(/API_TOKEN: .*\(got \(hidden\)\)/);
    expect(() => loadConfig(bad, { API_TOKEN: 's3cret' })).not.toThrow(/s3cret/);
  });

  it('never echoes a database connection string, nor the credentials or the query of a rejected URL', () => {
    const bad = z.object({
      DATABASE_URL: z.string().startsWith('postgres://'),
      ROUTING_WEBHOOK_URL: z.url({ protocol: /^https$/ }),
      ALERT_HISTORY_URL: z.url({ protocol: /^https$/ }),
      ALERT_JWKS_URL: z.url({ protocol: /^https$/ }),
    });
    const attempt = () =>
      loadConfig(bad, {
        DATABASE_URL: 'host=db.internal user=va password=Sup3r-S3cret dbname=va',
        ROUTING_WEBHOOK_URL: 'http://hooks.example/route?access_token=tok-123',
        // A slash in the password, and a libpq-style pair in another variable.
        ALERT_HISTORY_URL: 'http://va:S3cr/etPw@store.internal/x',
        ALERT_JWKS_URL: "http://idp.example/jwks password='Pw 9 x'",
      });
    expect(attempt).toThrow(/DATABASE_URL: .*\(got \(hidden\)\)/);
    expect(attempt).toThrow(/ROUTING_WEBHOOK_URL: .*\(got "http:\/\/hooks\.example\/\(path hidden\)"\)/);
    expect(attempt).toThrow(
      /ALERT_HISTORY_URL: .*\(got "http:\/\/\(credentials hidden\)@store\.internal\/x"\)/,
    );
    expect(attempt).toThrow(/ALERT_JWKS_URL: .*password=\(hidden\)/);
    expect(attempt).not.toThrow(/Sup3r|tok-123|S3cr|etPw|Pw|9 x/);
  });

  it('hides credentials written without a scheme and the path of a webhook address', () => {
    const bad = z.object({
      KAFKA_BROKERS: z.string().regex(/^[\w.-]+:\d+$/),
      ROUTING_WEBHOOK_URL: z.url({ protocol: /^https$/ }),
    });
    const attempt = () =>
      loadConfig(bad, {
        KAFKA_BROKERS: 'broker-0:9093,va-services:Pa55w/0@rd@broker-1:9093',
        ROUTING_WEBHOOK_URL: 'hooks.example.com/services/T000/B000/XyZsecretPart',
      });
    expect(attempt).toThrow(/KAFKA_BROKERS: .*\(got "broker-0:9093,\(credentials hidden\)@broker-1:9093"\)/);
    expect(attempt).toThrow(/ROUTING_WEBHOOK_URL: .*\(got "hooks\.example\.com\/\(path hidden\)"\)/);
    expect(attempt).not.toThrow(/Pa55w|0rd|XyZsecret|T000/);
  });
});
