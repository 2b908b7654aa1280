// Routing hints go to one receiver per tenant (ROUTING_TENANT_WEBHOOKS): each entry checked, every
// problem named by tenant and never by value, production's bar for URLs and keys, no key shared
// with another receiver or with the service's token keys, and never beside ROUTING_WEBHOOK_URL;
// each hint reaches its tenant's sender only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RoutingHint } from '../../../../pipelines/routing/index.ts';
import { loadRoutingServiceConfig } from '../../../../services/routing-service/config.ts';
import { parseTenantWebhooks } from '../../../../services/routing-service/tenant-webhooks.ts';
import { dispatchByTenant } from '../../../../services/routing-service/webhook-dispatch.ts';
import type { WebhookSender } from '../../../../services/routing-service/webhook.ts';

const KEY_A = 'k7Qm2Vx9Lp4Rt8Wz1Ys6Nb3Hd5Gf0Jc-A';
const KEY_B = 'p3Xw8Nq1Zr6Tv9Bm2Kd7Hs4Lf5Gj0Yc-B';
const parse = (value: unknown, production = false, reservedKeys = {}) =>
  parseTenantWebhooks(JSON.stringify(value), 'ROUTING_TENANT_WEBHOOKS', { production, reservedKeys });

describe('per-tenant routing webhooks', () => {
  it('reads one receiver per tenant', () => {
    const { targets, problems } = parse({
      acme: { url: 'https://router.acme.example/hints', secret: KEY_A },
      globex: { url: 'https://globex.example/va', secret: KEY_B },
    });
    expect(problems).toEqual([]);
    expect([...targets.keys()]).toEqual(['acme', 'globex']);
    expect(targets.get('globex')).toEqual({ url: 'https://globex.example/va', secret: KEY_B });
  });

  it('names each defect by tenant and field, never echoing a URL or a key', () => {
    const { problems } = parse({
      'bad tenant': { url: 'https://x.example', secret: KEY_A },
      nourl: { secret: KEY_A },
      short: { url: 'https://x.example', secret: 'short-key' },
      ftp: { url: 'ftp://files.example/hints', secret: KEY_B },
      extra: { url: 'https://x.example', secret: 'another-key-of-32-characters-or-more', token: 'x' },
    });
    expect(problems).toEqual([
      'ROUTING_TENANT_WEBHOOKS: tenant name "bad tenant" is not [A-Za-z0-9_.-]{1,64}',
      expect.stringMatching(/^ROUTING_TENANT_WEBHOOKS: tenant "nourl": url /),
      'ROUTING_TENANT_WEBHOOKS: tenant "short": secret must be at least 32 characters',
      'ROUTING_TENANT_WEBHOOKS: tenant "ftp": url must be an http(s) URL',
      expect.stringMatching(/^ROUTING_TENANT_WEBHOOKS: tenant "extra": entry .*token/),
    ]);
    expect(problems.join('\n')).not.toMatch(/short-key|files\.example|another-key/);
    expect(() =>
      parseTenantWebhooks('{not json', 'ROUTING_TENANT_WEBHOOKS', { production: false, reservedKeys: {} }),
    ).toThrow('ROUTING_TENANT_WEBHOOKS: not valid JSON');
    expect(parse({}).problems).toEqual([
      'ROUTING_TENANT_WEBHOOKS: no tenants (unset it to send no webhooks)',
    ]);
  });

  it('refuses a key two receivers share, or one that signs service or page tokens', () => {
    const { problems } = parse(
      {
        acme: { url: 'https://a.example', secret: KEY_A },
        globex: { url: 'https://g.example', secret: KEY_A },
        initech: { url: 'https://i.example', secret: KEY_B },
      },
      false,
      { SERVICE_TOKEN_SECRET: KEY_B },
    );
    expect(problems).toEqual([
      'ROUTING_TENANT_WEBHOOKS: tenant "globex": the same key as tenant "acme"; give each receiver a key of its own',
      'ROUTING_TENANT_WEBHOOKS: tenant "initech": the same key as SERVICE_TOKEN_SECRET: the receiver could sign service or page tokens; use a key of its own',
    ]);
  });

  it("rotates a receiver's key: the previous one is held to the same rules, and to differ from the new one", () => {
    const KEY_C = 'z9Yx8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0Gf-C';
    const ok = parse({ acme: { url: 'https://a.example', secret: KEY_A, previousSecret: KEY_C } });
    expect(ok.problems).toEqual([]);
    expect(ok.targets.get('acme')).toEqual({
      url: 'https://a.example',
      secret: KEY_A,
      previousSecret: KEY_C,
    });
    const { problems } = parse(
      {
        acme: { url: 'https://a.example', secret: KEY_A, previousSecret: KEY_A },
        globex: { url: 'https://g.example', secret: KEY_B, previousSecret: 'short-old-key' },
        initech: { url: 'https://i.example', secret: KEY_C, previousSecret: KEY_A },
        umbrella: { url: 'https://u.example', secret: 'u'.repeat(40), previousSecret: 'j'.repeat(40) },
      },
      false,
      { JWT_SECRET: 'j'.repeat(40) },
    );
    expect(problems).toEqual([
      'ROUTING_TENANT_WEBHOOKS: tenant "acme": previousSecret is the secret itself; unset it once the rotation is done',
      'ROUTING_TENANT_WEBHOOKS: tenant "globex": previousSecret must be at least 32 characters',
      'ROUTING_TENANT_WEBHOOKS: tenant "initech": the same key as tenant "acme"; give each receiver a key of its own',
      'ROUTING_TENANT_WEBHOOKS: tenant "umbrella": the same key as JWT_SECRET: the receiver could sign service or page tokens; use a key of its own',
    ]);
    expect(problems.join('\n')).not.toMatch(/short-old-key|jjjj/);
  });

  it("rotates the single receiver's key (ROUTING_WEBHOOK_PREVIOUS_SECRET)", () => {
    const base = { KAFKA_BROKERS: 'localhost:9092', ROUTING_WEBHOOK_URL: 'https://all.example' };
    expect(
      loadRoutingServiceConfig({
        ...base,
        ROUTING_WEBHOOK_SECRET: KEY_A,
        ROUTING_WEBHOOK_PREVIOUS_SECRET: KEY_B,
      }).webhookTargets.get('*'),
    ).toEqual({ url: 'https://all.example', secret: KEY_A, previousSecret: KEY_B });
    expect(() =>
      loadRoutingServiceConfig({
        ...base,
        ROUTING_WEBHOOK_SECRET: KEY_A,
        ROUTING_WEBHOOK_PREVIOUS_SECRET: KEY_A,
      }),
    ).toThrow(/ROUTING_WEBHOOK_PREVIOUS_SECRET: the same value as ROUTING_WEBHOOK_SECRET/);
    expect(() =>
      loadRoutingServiceConfig({
        ...base,
        ROUTING_WEBHOOK_SECRET: KEY_A,
        ROUTING_WEBHOOK_PREVIOUS_SECRET: 'short',
      }),
    ).toThrow(/ROUTING_WEBHOOK_PREVIOUS_SECRET: must be at least 32 characters/);
    expect(() =>
      loadRoutingServiceConfig({
        ...base,
        ROUTING_WEBHOOK_SECRET: KEY_A,
        ROUTING_WEBHOOK_PREVIOUS_SECRET: KEY_B,
        SERVICE_TOKEN_SECRET: KEY_B,
      }),
    ).toThrow(
      /ROUTING_WEBHOOK_PREVIOUS_SECRET: the same value as SERVICE_TOKEN_SECRET, a key of another role/,
    );
    expect(() =>
      loadRoutingServiceConfig({ KAFKA_BROKERS: 'localhost:9092', ROUTING_WEBHOOK_PREVIOUS_SECRET: KEY_B }),
    ).toThrow(/ROUTING_WEBHOOK_PREVIOUS_SECRET: unset it, or set ROUTING_WEBHOOK_URL/);
  });

  it('holds production to https and to real keys', () => {
    const { problems } = parse(
      {
        acme: { url: 'HTTP://router.acme.example', secret: 'change-me-a-shared-secret-of-32-chars-or-more' },
      },
      true,
    );
    expect(problems).toEqual([
      'ROUTING_TENANT_WEBHOOKS: tenant "acme": url must be https in production (hints carry customer pseudonyms)',
      expect.stringMatching(
        /^ROUTING_TENANT_WEBHOOKS: tenant "acme": the webhook key is a published default/,
      ),
    ]);
  });

  it('reads the file, and refuses it beside ROUTING_WEBHOOK_URL or ROUTING_TENANT_WEBHOOKS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-tenant-webhooks-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'webhooks.json');
    writeFileSync(file, JSON.stringify({ acme: { url: 'https://a.example', secret: KEY_A } }));
    const base = { KAFKA_BROKERS: 'localhost:9092' };
    expect(
      loadRoutingServiceConfig({ ...base, ROUTING_TENANT_WEBHOOKS_FILE: file }).webhookTargets.get('acme'),
    ).toEqual({
      url: 'https://a.example',
      secret: KEY_A,
    });
    expect(() =>
      loadRoutingServiceConfig({
        ...base,
        ROUTING_TENANT_WEBHOOKS_FILE: file,
        ROUTING_WEBHOOK_URL: 'https://all.example',
        ROUTING_WEBHOOK_SECRET: KEY_B,
      }),
    ).toThrow(/ROUTING_WEBHOOK_URL: unset it with ROUTING_TENANT_WEBHOOKS_FILE/);
    expect(() =>
      loadRoutingServiceConfig({
        ...base,
        ROUTING_TENANT_WEBHOOKS_FILE: file,
        ROUTING_TENANT_WEBHOOKS: '{}',
      }),
    ).toThrow(/set it or ROUTING_TENANT_WEBHOOKS_FILE, not both/);
    expect(() =>
      loadRoutingServiceConfig({ ...base, ROUTING_TENANT_WEBHOOKS_FILE: join(dir, 'missing.json') }),
    ).toThrow(/ROUTING_TENANT_WEBHOOKS_FILE: cannot read file .* \(ENOENT\)/);
    // The single receiver of every tenant's hints still works alone.
    expect([
      ...loadRoutingServiceConfig({
        ...base,
        ROUTING_WEBHOOK_URL: 'https://all.example',
        ROUTING_WEBHOOK_SECRET: KEY_B,
      }).webhookTargets.keys(),
    ]).toEqual(['*']);
    expect(loadRoutingServiceConfig(base).webhookTargets.size).toBe(0);
    // Production wants https whatever the case of the scheme.
    expect(() =>
      loadRoutingServiceConfig({
        ...base,
        VA_MODE: 'production',
        ROUTING_WEBHOOK_URL: 'HTTP://all.example',
        ROUTING_WEBHOOK_SECRET: KEY_B,
      }),
    ).toThrow(/ROUTING_WEBHOOK_URL: https required in production/);
    // Production says whose hints the one receiver gets: a second tenant onboarded later sent its
    // hints to the first tenant's receiver.
    const single = {
      ...base,
      VA_MODE: 'production',
      ROUTING_WEBHOOK_URL: 'https://acme.example',
      ROUTING_WEBHOOK_SECRET: KEY_B,
    };
    expect(() => loadRoutingServiceConfig(single)).toThrow(
      /ROUTING_WEBHOOK_TENANT: required with ROUTING_WEBHOOK_URL/,
    );
    expect([
      ...loadRoutingServiceConfig({ ...single, ROUTING_WEBHOOK_TENANT: 'acme' }).webhookTargets.keys(),
    ]).toEqual(['acme']);
    expect([
      ...loadRoutingServiceConfig({ ...single, ROUTING_WEBHOOK_TENANT: '*' }).webhookTargets.keys(),
    ]).toEqual(['*']);
    expect(() => loadRoutingServiceConfig({ ...base, ROUTING_WEBHOOK_TENANT: 'acme' })).toThrow(
      /ROUTING_WEBHOOK_TENANT: unset it, or set ROUTING_WEBHOOK_URL/,
    );
  });

  it("hands each hint to its tenant's sender, or the every-tenant one, or none", () => {
    const got: string[] = [];
    const sender = (name: string): WebhookSender => ({
      enqueue: (hint) => void got.push(`${name}:${hint.tenant}`),
      pending: () => 1,
      idle: async () => undefined,
      close: async () => undefined,
    });
    const hint = (tenant: string) => ({ tenant }) as RoutingHint;
    const perTenant = dispatchByTenant(new Map([['acme', sender('acme-hook')]]));
    perTenant.enqueue(hint('acme'));
    perTenant.enqueue(hint('globex'));
    const everyTenant = dispatchByTenant(new Map([['*', sender('all-hook')]]));
    everyTenant.enqueue(hint('globex'));
    expect(got).toEqual(['acme-hook:acme', 'all-hook:globex']);
    expect(
      dispatchByTenant(
        new Map([
          ['a', sender('a')],
          ['b', sender('b')],
        ]),
      ).pending(),
    ).toBe(2);
  });
});
