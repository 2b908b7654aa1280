// Rotating the page-token key (JWT_PREVIOUS_SECRET) and the service-token key
// (SERVICE_TOKEN_PREVIOUS_SECRET) signs nobody out: tokens of the previous key are accepted beside
// the new one's while the rotation is under way, new tokens are signed with the new key only, an
// expired token stays expired, and each service refuses a previous key that breaks a key's rules.
import { describe, expect, it } from 'vitest';
import { loadAlertServiceConfig } from '../../../../../services/alert-service/config.ts';
import { verifyBearer } from '../../../../../services/call-store/http/auth.ts';
import { loadCallStoreConfig } from '../../../../../services/call-store/config.ts';
import { issueServiceToken, verifyServiceToken } from '../../../../../services/shared/auth/service-token.ts';
import { createAuth, issueToken, verifyToken } from '../../../../../services/shared/auth/tokens.ts';
import type { Principal } from '../../../../../services/shared/auth/roles.ts';

const OLD = 'k7Qm2Vx9Lp4Rt8Wz1Ys6Nb3Hd5Gf0Jc-old';
const NEW = 'p3Xw8Nq1Zr6Tv9Bm2Kd7Hs4Lf5Gj0Yc-new';
const OTHER = 'z9Yx8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0Gf-oth';
const bytes = (key: string) => new TextEncoder().encode(key);
const CLAIMS = { issuer: 'va-alert-service', audience: 'va-pages' };
const SAM: Principal = { userId: 'sam', role: 'supervisor', tenant: 'acme', agentId: null, teams: [] };

describe('key rotation', () => {
  it('page tokens: the previous key still verifies, the new key signs, a third key never verifies', async () => {
    const rotated = { ...CLAIMS, secret: bytes(NEW), previousSecret: bytes(OLD) };
    const before = await issueToken({ ...CLAIMS, secret: bytes(OLD) }, SAM);
    await expect(verifyToken(before, rotated)).resolves.toMatchObject({ principal: { userId: 'sam' } });
    await expect(verifyBearer(`Bearer ${before}`, rotated)).resolves.toMatchObject({ userId: 'sam' });
    const auth = createAuth({ ...rotated, tokenTtlS: 3600 });
    await expect(auth.verify(before)).resolves.toMatchObject({ principal: { tenant: 'acme' } });
    // Issued after the switch: the new key alone verifies it.
    const after = await auth.issue(SAM, 'Sam');
    await expect(verifyToken(after, { ...CLAIMS, secret: bytes(NEW) })).resolves.toBeDefined();
    await expect(verifyToken(after, { ...CLAIMS, secret: bytes(OLD) })).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
    const forged = await issueToken({ ...CLAIMS, secret: bytes(OTHER) }, SAM);
    await expect(auth.verify(forged)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    // Once the previous key is removed, its tokens are refused.
    await expect(verifyToken(before, { ...CLAIMS, secret: bytes(NEW) })).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });

  it('an expired token of the previous key reads expired, not accepted', async () => {
    const expired = await issueToken({ ...CLAIMS, secret: bytes(OLD) }, SAM, -10);
    await expect(
      verifyToken(expired, { ...CLAIMS, secret: bytes(NEW), previousSecret: bytes(OLD) }),
    ).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('service tokens: the previous key still verifies at the store, a third key never', async () => {
    const rotated = { secret: bytes(NEW), previousSecret: bytes(OLD), issuer: 'va-alert-service' };
    const before = await issueServiceToken(
      { secret: bytes(OLD), issuer: rotated.issuer },
      'alert-service',
      'acme',
    );
    expect(await verifyServiceToken(`Bearer ${before}`, rotated)).toEqual({
      service: 'alert-service',
      tenant: 'acme',
    });
    expect(
      await verifyServiceToken(`Bearer ${before}`, { ...rotated, previousSecret: undefined }),
    ).toBeNull();
    const forged = await issueServiceToken({ secret: bytes(OTHER), issuer: rotated.issuer }, 'x', 'acme');
    expect(await verifyServiceToken(`Bearer ${forged}`, rotated)).toBeNull();
  });

  it('the alert service refuses a previous key that equals the new one, is short, stands alone or is the service key', () => {
    const env = { KAFKA_BROKERS: 'localhost:9092', JWT_SECRET: NEW };
    expect(loadAlertServiceConfig({ ...env, JWT_PREVIOUS_SECRET: OLD }).JWT_PREVIOUS_SECRET).toBe(OLD);
    expect(() => loadAlertServiceConfig({ ...env, JWT_PREVIOUS_SECRET: NEW })).toThrow(
      /JWT_PREVIOUS_SECRET: the same value as JWT_SECRET; unset it once the rotation is done/,
    );
    expect(() => loadAlertServiceConfig({ ...env, JWT_PREVIOUS_SECRET: 'short' })).toThrow(
      /JWT_PREVIOUS_SECRET: must be at least 32 characters/,
    );
    expect(() =>
      loadAlertServiceConfig({ KAFKA_BROKERS: 'localhost:9092', JWT_PREVIOUS_SECRET: OLD }),
    ).toThrow(/JWT_PREVIOUS_SECRET: set only beside JWT_SECRET/);
    expect(() =>
      loadAlertServiceConfig({ ...env, JWT_PREVIOUS_SECRET: OLD, SERVICE_TOKEN_SECRET: OLD }),
    ).toThrow(/JWT_PREVIOUS_SECRET: the same value as SERVICE_TOKEN_SECRET, a key of another role/);
  });

  it("the call store checks both previous keys, and never lets one role verify with the other role's key", () => {
    const env = { KAFKA_BROKERS: 'localhost:9092', JWT_SECRET: NEW, SERVICE_TOKEN_SECRET: OTHER };
    const ok = loadCallStoreConfig({
      ...env,
      JWT_PREVIOUS_SECRET: OLD,
      SERVICE_TOKEN_PREVIOUS_SECRET: OLD + 'x',
    });
    expect(ok.servicePreviousKey).toBe(OLD + 'x');
    expect(() => loadCallStoreConfig({ ...env, SERVICE_TOKEN_PREVIOUS_SECRET: NEW })).toThrow(
      /SERVICE_TOKEN_PREVIOUS_SECRET: the same value as JWT_SECRET, a key of another role/,
    );
    expect(() => loadCallStoreConfig({ ...env, JWT_PREVIOUS_SECRET: OTHER })).toThrow(
      /JWT_PREVIOUS_SECRET: the same value as SERVICE_TOKEN_SECRET, a key of another role/,
    );
    expect(() =>
      loadCallStoreConfig({
        KAFKA_BROKERS: 'localhost:9092',
        JWT_SECRET: NEW,
        SERVICE_TOKEN_PREVIOUS_SECRET: OLD,
      }),
    ).toThrow(/SERVICE_TOKEN_PREVIOUS_SECRET: set only beside SERVICE_TOKEN_SECRET/);
    // Without a service key of its own the store verifies service tokens with the page keys.
    expect(
      loadCallStoreConfig({ KAFKA_BROKERS: 'localhost:9092', JWT_SECRET: NEW, JWT_PREVIOUS_SECRET: OLD })
        .servicePreviousKey,
    ).toBe(OLD);
  });

  it('production holds a previous key to the published-key rules, never echoing it', () => {
    const published = 'change-me-a-shared-secret-of-32-chars-or-more';
    const env = { KAFKA_BROKERS: 'localhost:9092', JWT_SECRET: NEW, JWT_PREVIOUS_SECRET: published };
    let message = '';
    try {
      loadAlertServiceConfig({ ...env, NODE_ENV: 'production', ALERT_USERS_FILE: '/etc/users.json' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/JWT_PREVIOUS_SECRET: the previous key is a published default/);
    expect(message).not.toContain(published);
  });
});
