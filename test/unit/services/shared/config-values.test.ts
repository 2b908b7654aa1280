// Values that used to load and then misbehave: each is now a CONFIG_INVALID line naming the
// variable at start (an Origin with a trailing slash refused every wallboard; a history URL of
// file://; a broker port past 65535; an empty gRPC host; a webhook backoff cap below its start).
import { describe, expect, it } from 'vitest';
import { loadCallStoreConfig } from '../../../../services/call-store/config.ts';
import { loadAlertServiceConfig } from '../../../../services/alert-service/config.ts';
import { loadGatewayConfig } from '../../../../services/ingest-gateway/config.ts';
import { loadRoutingServiceConfig } from '../../../../services/routing-service/config.ts';
import { ConfigError } from '../../../../services/shared/config.ts';
import { thrownError } from '../../../support/thrown.ts';

const base = { KAFKA_BROKERS: '127.0.0.1:9092' };
const problems = (load: () => unknown): string[] => thrownError(load, ConfigError).problems;

describe('config values refused at start', () => {
  it('takes ALERT_ALLOWED_ORIGINS as exact origins only', () => {
    const origins = 'https://wall.example.com, http://127.0.0.1:8080';
    expect(loadAlertServiceConfig({ ...base, ALERT_ALLOWED_ORIGINS: origins }).ALERT_ALLOWED_ORIGINS).toEqual(
      ['https://wall.example.com', 'http://127.0.0.1:8080'],
    );
    for (const bad of [
      'https://wall.example.com/',
      'https://wall.example.com/board',
      'wall.example.com',
      'ftp://x',
    ])
      expect(problems(() => loadAlertServiceConfig({ ...base, ALERT_ALLOWED_ORIGINS: bad }))[0]).toMatch(
        /^ALERT_ALLOWED_ORIGINS.*: each entry must be an origin, scheme:\/\/host\[:port\]/,
      );
  });

  it('takes http(s) history URLs only', () => {
    expect(
      problems(() => loadAlertServiceConfig({ ...base, ALERT_HISTORY_URL: 'file:///etc/passwd' }))[0],
    ).toMatch(/^ALERT_HISTORY_URL: must be an http\(s\) URL/);
  });

  it('refuses a broker port of 0 or past 65535, a bad entry once, and an empty gRPC host', () => {
    for (const brokers of ['b:99999', 'b:0'])
      expect(problems(() => loadRoutingServiceConfig({ KAFKA_BROKERS: brokers }))[0]).toMatch(
        /^KAFKA_BROKERS.*: each port must be 1\.\.65535/,
      );
    // Not also a port problem for an entry that has no port.
    expect(problems(() => loadRoutingServiceConfig({ KAFKA_BROKERS: 'not-a-host-port' }))).toEqual([
      expect.stringMatching(/^KAFKA_BROKERS.*: each entry must be host:port/),
    ]);
    const gateway = { ...base, TENANT_TOKENS: 'acme=aaaaaaaaaaaaaaaaaaaa', GRPC_HOST: '' };
    expect(problems(() => loadGatewayConfig(gateway))[0]).toMatch(/^GRPC_HOST: must not be empty/);
  });

  it('takes HOLD_MAX_MS (default 1 h) at or above IDLE_TIMEOUT_MS only, and not past a day', () => {
    const gateway = { ...base, TENANT_TOKENS: 'acme=aaaaaaaaaaaaaaaaaaaa' };
    expect(loadGatewayConfig(gateway).settings.maxHoldMs).toBe(3_600_000);
    expect(problems(() => loadGatewayConfig({ ...gateway, HOLD_MAX_MS: '5000' }))).toEqual([
      expect.stringMatching(/^HOLD_MAX_MS: 5000 is below IDLE_TIMEOUT_MS \(30000\)/),
    ]);
    expect(problems(() => loadGatewayConfig({ ...gateway, HOLD_MAX_MS: '86400001' }))[0]).toMatch(
      /^HOLD_MAX_MS/,
    );
    expect(problems(() => loadGatewayConfig({ ...gateway, HOLD_MAX_MS: 'an hour' }))[0]).toMatch(
      /^HOLD_MAX_MS/,
    );
  });

  it('takes DRAIN_MAX_MS (default 10 min, 0 = no drain) as whole milliseconds up to an hour', () => {
    const gateway = { ...base, TENANT_TOKENS: 'acme=aaaaaaaaaaaaaaaaaaaa' };
    expect(loadGatewayConfig(gateway).drainMaxMs).toBe(600_000);
    expect(loadGatewayConfig({ ...gateway, DRAIN_MAX_MS: '0' }).drainMaxMs).toBe(0);
    for (const bad of ['-1', '3600001', '10m', '1e5'])
      expect(problems(() => loadGatewayConfig({ ...gateway, DRAIN_MAX_MS: bad }))[0]).toMatch(
        /^DRAIN_MAX_MS/,
      );
  });

  it('refuses a webhook backoff cap below the first backoff', () => {
    const env = { ...base, ROUTING_WEBHOOK_BACKOFF_MS: '5000', ROUTING_WEBHOOK_MAX_BACKOFF_MS: '1000' };
    expect(problems(() => loadRoutingServiceConfig(env))).toEqual([
      'ROUTING_WEBHOOK_MAX_BACKOFF_MS: must be >= ROUTING_WEBHOOK_BACKOFF_MS (5000; got 1000)',
    ]);
  });

  it('refuses a webhook URL carrying credentials, which fetch would refuse on every hint', () => {
    const secret = 'k'.repeat(8) + 'Zq4mT8vL2xR7nB3kW9cY6hJ1Zq4mT8vL';
    expect(
      problems(() =>
        loadRoutingServiceConfig({
          ...base,
          ROUTING_WEBHOOK_URL: 'https://u:p@hooks.example/h',
          ROUTING_WEBHOOK_SECRET: secret,
        }),
      )[0],
    ).toMatch(/^ROUTING_WEBHOOK_URL: must not carry user:password@/);
    // An @ in the query is no credential.
    expect(
      loadRoutingServiceConfig({
        ...base,
        ROUTING_WEBHOOK_URL: 'https://hooks.example?to=ops@acme.example',
        ROUTING_WEBHOOK_SECRET: secret,
      }).ROUTING_WEBHOOK_URL,
    ).toBe('https://hooks.example?to=ops@acme.example');
    const tenants = JSON.stringify({ acme: { url: 'https://u:p@hooks.example/h', secret } });
    expect(
      problems(() => loadRoutingServiceConfig({ ...base, ROUTING_TENANT_WEBHOOKS: tenants })).join(' '),
    ).toMatch(/ROUTING_TENANT_WEBHOOKS.*must not carry user:password@/);
  });

  it('refuses a webhook key without its URL (set alone, or beside per-tenant receivers)', () => {
    const secret = 'k'.repeat(8) + 'Zq4mT8vL2xR7nB3kW9cY6hJ1Zq4mT8vL';
    expect(problems(() => loadRoutingServiceConfig({ ...base, ROUTING_WEBHOOK_SECRET: secret }))).toEqual([
      'ROUTING_WEBHOOK_SECRET: unset it, or set ROUTING_WEBHOOK_URL',
    ]);
    const tenants = JSON.stringify({
      acme: { url: 'https://hooks.example/h', secret: secret.replace('k', 'j') },
    });
    expect(
      problems(() =>
        loadRoutingServiceConfig({
          ...base,
          ROUTING_WEBHOOK_SECRET: secret,
          ROUTING_TENANT_WEBHOOKS: tenants,
        }),
      ),
    ).toEqual([
      "ROUTING_WEBHOOK_SECRET: unset it, or set ROUTING_WEBHOOK_URL (ROUTING_TENANT_WEBHOOKS holds each tenant's key)",
    ]);
  });

  it("names the page tokens' claims as the call store does: the old alert-service names are refused", () => {
    expect(problems(() => loadAlertServiceConfig({ ...base, ALERT_JWT_ISSUER: 'my-idp' }))).toEqual([
      'ALERT_JWT_ISSUER: renamed JWT_ISSUER; set JWT_ISSUER instead',
    ]);
    const config = loadAlertServiceConfig({ ...base, JWT_ISSUER: 'my-idp', JWT_AUDIENCE: 'my-pages' });
    expect([config.JWT_ISSUER, config.JWT_AUDIENCE]).toEqual(['my-idp', 'my-pages']);
  });

  it('reads one TOKEN_TTL_S in both services with a login (ALERT_TOKEN_TTL_S is refused)', () => {
    expect(problems(() => loadAlertServiceConfig({ ...base, ALERT_TOKEN_TTL_S: '900' }))).toEqual([
      'ALERT_TOKEN_TTL_S: renamed TOKEN_TTL_S; set TOKEN_TTL_S instead',
    ]);
    expect(loadAlertServiceConfig({ ...base, TOKEN_TTL_S: '900' }).TOKEN_TTL_S).toBe(900);
    // In the same start error as the service's later checks (it took one restart per problem).
    expect(
      problems(() =>
        loadAlertServiceConfig({ ...base, ALERT_TOKEN_TTL_S: '900', JWT_PREVIOUS_SECRET: 'short' }),
      ),
    ).toEqual([
      'ALERT_TOKEN_TTL_S: renamed TOKEN_TTL_S; set TOKEN_TTL_S instead',
      expect.stringMatching(/^JWT_PREVIOUS_SECRET: /),
    ]);
    const jwt = 'a-test-page-token-key-of-32-chars-or-more';
    expect(loadCallStoreConfig({ ...base, JWT_SECRET: jwt, TOKEN_TTL_S: '900' }).TOKEN_TTL_S).toBe(900);
  });
});
