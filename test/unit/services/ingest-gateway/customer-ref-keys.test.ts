// Customer-reference keys and their rotation (services/ingest-gateway/customer-ref-keys.ts and the
// gateway's configuration): one current key per tenant, one previous key marked `tenant:previous`
// while rotating, never three; every key held to production's bar; no problem prints a key.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../../../services/ingest-gateway/config.ts';
import { DEVELOPMENT_CUSTOMER_REF_KEY } from '../../../../services/ingest-gateway/customer-ref.ts';
import { parseCustomerRefKeys } from '../../../../services/ingest-gateway/customer-ref-keys.ts';
import { ConfigError } from '../../../../services/shared/config.ts';
import { thrownError } from '../../../support/thrown.ts';

const strong = (): string => randomBytes(33).toString('base64url');
const problemsOf = (load: () => unknown): string => thrownError(load, ConfigError).problems.join('\n');

describe('parseCustomerRefKeys', () => {
  const [a, b, c] = ['a'.repeat(16) + 'A1', 'b'.repeat(16) + 'B2', 'c'.repeat(16) + 'C3'];

  it('reads one current key per tenant, and a previous one marked :previous, in any order', () => {
    expect(parseCustomerRefKeys(`acme=${a},beta=${b}`, 'V')).toEqual(
      new Map([
        ['acme', { current: a, previous: null }],
        ['beta', { current: b, previous: null }],
      ]),
    );
    // The marker, not the position, says which is current: a new key appended after the old one
    // (as tokens are) must not leave the old one current.
    for (const text of [`acme=${b}\nacme:previous=${a}`, `acme:previous=${a},acme=${b}`])
      expect(parseCustomerRefKeys(text, 'V').get('acme')).toEqual({ current: b, previous: a });
    expect(parseCustomerRefKeys(`{"acme": "${b}", "acme:previous": "${a}"}`, 'V').get('acme')).toEqual({
      current: b,
      previous: a,
    });
  });

  it('refuses a third key, an unmarked second one, a previous key alone or one key twice', () => {
    const cases: [string, RegExp][] = [
      [
        `acme=${a},acme=${b}`,
        /entry 2 of 2 .*same tenant as entry 1: while rotating, mark the old key <tenant>:previous=/,
      ],
      [
        `acme=${a},acme:previous=${b},acme:previous=${c}`,
        /entry 3 of 3 .*same previous key as entry 2 \(a tenant has one current and at most one previous key\)/,
      ],
      [`beta=${a},acme:previous=${b}`, /entry 2 of 2 .*a previous key without a current key for its tenant/],
      [`acme=${a},acme:previous=${a}`, /entry 2 of 2 .*has the same key as entry 1/],
      [`acme=${a},acme:prev=${b}`, /entry 2 of 2 .*tenant name is not/],
      [`acme=${a},acme:previous=short`, /entry 2 of 2 .*the key is shorter than 16/],
      // JSON keeps the last of a repeated name: the old key would have been current (review).
      [`{"acme": "${b}", "acme": "${a}"}`, /entry 2 of 2: has the same name as entry 1/],
      [
        `{"acme": "${c}", "acme:previous": "${a}", "acme:previous": "${b}"}`,
        /entry 3 of 3: has the same name as entry 2/,
      ],
      [
        `{"${a}": "acme-corporation-eu", "\\u00${a.charCodeAt(0).toString(16)}${a.slice(1)}": "x"}`,
        /entry 2 of 2: has the same name as entry 1/,
      ],
      // Written the wrong way round, twice: the "tenant" is a key, and is not printed.
      [
        `${a}=beta-corporation-eu,${a}=acme-corporation-eu`,
        /entry 2 of 2 .*names the same tenant as entry 1/,
      ],
    ];
    for (const [text, problem] of cases) {
      const problems = problemsOf(() => parseCustomerRefKeys(text, 'CUSTOMER_REF_KEYS'));
      expect(problems).toMatch(problem);
      expect(problems).toMatch(/^CUSTOMER_REF_KEYS: /);
      for (const key of [a, b, c]) expect(problems).not.toContain(key);
    }
  });
});

describe('the gateway configuration of customer-reference keys', () => {
  const production = {
    KAFKA_BROKERS: '127.0.0.1:9092',
    NODE_ENV: 'production',
    TOPIC_REPLICATION_FACTOR: '3',
    GRPC_ALLOW_PLAINTEXT: 'true',
  };
  const token = strong();
  const env = { ...production, TENANT_TOKENS: `acme=${token}` };

  it('gives the sessions both keys while rotating', () => {
    const [current, previous] = [strong(), strong()];
    const config = loadGatewayConfig({
      ...env,
      CUSTOMER_REF_KEYS: `acme=${current},acme:previous=${previous}`,
    });
    expect(config.settings.customerRefKeys.get('acme')).toEqual({ current, previous });
  });

  it('holds the previous key to the bar of the current one, without printing it', () => {
    const current = strong();
    const weak = 'k7Q2mX9pL4vB8nR1tY6w';
    for (const [previous, problem] of [
      [weak, /CUSTOMER_REF_KEYS: the previous key of the tenant of TENANT_TOKENS entry 1 is shorter than 32/],
      [
        DEVELOPMENT_CUSTOMER_REF_KEY,
        /previous key of the tenant of TENANT_TOKENS entry 1 is a published default/,
      ],
      [token, /the previous key of the tenant of TENANT_TOKENS entry 1 is also a tenant token/],
    ] as const) {
      const problems = problemsOf(() =>
        loadGatewayConfig({ ...env, CUSTOMER_REF_KEYS: `acme=${current},acme:previous=${previous}` }),
      );
      expect(problems).toMatch(problem);
      expect(problems).not.toContain(previous);
      expect(problems).not.toContain(current);
    }
    // Development takes a short previous key as it takes a short current one (16+ characters).
    expect(
      loadGatewayConfig({
        ...env,
        NODE_ENV: 'test',
        CUSTOMER_REF_KEYS: `acme=${current},acme:previous=${weak}`,
      }).settings.customerRefKeys.get('acme'),
    ).toEqual({ current, previous: weak });
  });

  it('falls back in development to the published key, with no previous one', () => {
    const config = loadGatewayConfig({ ...env, NODE_ENV: 'test' });
    expect(config.settings.customerRefKeys.get('acme')).toEqual({
      current: DEVELOPMENT_CUSTOMER_REF_KEY,
      previous: null,
    });
  });
});
