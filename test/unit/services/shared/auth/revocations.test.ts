// The revoked-token list both verifiers consult: a sign-out refuses that token alone (never
// another user's token with the same id), a revoked user every token issued up to the
// revocation's second (fail closed) but not a later sign-in, and entries go once no valid token
// can match them. Also the alert service's and the call store's sign-out answers for bad input.
import { describe, expect, it } from 'vitest';
import { logout } from '../../../../../services/alert-service/logout.ts';
import { signOut } from '../../../../../services/call-store/http/logout.ts';
import {
  createRevocationList,
  MAX_REVOKED_TOKENS_PER_USER,
  refusingRevoked,
} from '../../../../../services/shared/auth/revocations.ts';
import { signOutRevocation } from '../../../../../services/shared/auth/sign-out.ts';
import { MAX_TOKEN_LIFETIME_S } from '../../../../../services/shared/auth/token-lifetime.ts';
import { createAuth, type VerifiedToken } from '../../../../../services/shared/auth/tokens.ts';
import type { TokenRevoked } from '../../../../../services/shared/records.ts';

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

function token(userId: string, tokenId: string | null, issuedAtMs: number, tenant = 'acme'): VerifiedToken {
  return {
    principal: { userId, role: 'supervisor', tenant, agentId: null, teams: [] },
    displayName: userId,
    expiresAtMs: issuedAtMs + 3_600_000,
    issuedAtMs,
    tokenId,
  };
}

describe('revocation list', () => {
  it('a sign-out refuses that token only, and only for its own user', () => {
    const list = createRevocationList(() => T0);
    const sam = token('sam', 'id-1', T0);
    list.add(signOutRevocation(sam, false, T0 + 5_000));
    expect(list.revokes(sam)).not.toBeNull();
    expect(() => list.check(sam)).toThrow(expect.objectContaining({ code: 'TOKEN_REVOKED' }));
    expect(list.revokes(token('sam', 'id-2', T0))).toBeNull();
    // A record naming another user (or tenant) with the same id cannot sign sam's token out.
    expect(list.revokes(token('eve', 'id-1', T0))).toBeNull();
    expect(list.revokes(token('sam', 'id-1', T0, 'globex'))).toBeNull();
  });

  it('a revoked user: every token up to the revocation second, not a later sign-in', () => {
    const list = createRevocationList(() => T0);
    list.add({ tenant: 'acme', userId: 'sam', tokenId: '', revokedAtMs: T0 + 500, expiresAtMs: 0 });
    expect(list.revokes(token('sam', 'a', T0 - 3_600_000))).not.toBeNull();
    expect(list.revokes(token('sam', 'b', T0))).not.toBeNull(); // same second: fail closed
    expect(list.revokes(token('sam', null, 0))).not.toBeNull(); // no iat: older than anything
    expect(list.revokes(token('sam', 'c', T0 + 1_000))).toBeNull();
    expect(list.revokes(token('sam', 'd', T0, 'globex'))).toBeNull();
    // An older revocation arriving later (another partition's order) does not shorten it.
    list.add({ tenant: 'acme', userId: 'sam', tokenId: '', revokedAtMs: T0 - 60_000, expiresAtMs: 0 });
    expect(list.revokes(token('sam', 'b', T0))).not.toBeNull();
  });

  it('forgets what no valid token can match', () => {
    const list = createRevocationList(() => T0);
    const sam = token('sam', 'id-1', T0);
    list.add(signOutRevocation(sam, false, T0));
    list.add({ tenant: 'acme', userId: 'kim', tokenId: '', revokedAtMs: T0, expiresAtMs: 0 });
    list.prune(sam.expiresAtMs - 1);
    expect(list.size()).toBe(2);
    list.prune(sam.expiresAtMs + 1);
    expect(list.size()).toBe(1);
    list.prune(T0 + MAX_TOKEN_LIFETIME_S * 1000 + 1);
    expect(list.size()).toBe(0);
  });

  it("folds a user's many sign-outs into one revocation of the user, and skips what is moot", () => {
    const list = createRevocationList(() => T0);
    for (let i = 0; i <= MAX_REVOKED_TOKENS_PER_USER; i++)
      list.add(signOutRevocation(token('sam', `id-${i}`, T0 + i * 1000), false, T0 + i * 1000 + 500));
    expect(list.size()).toBe(1); // one user-wide revocation up to the newest sign-out
    expect(list.revokes(token('sam', 'other-session', T0 + 60_000))).not.toBeNull();
    expect(list.revokes(token('sam', 'later', T0 + (MAX_REVOKED_TOKENS_PER_USER + 2) * 1000))).toBeNull();
    // A revocation whose token expired before it was read (an old record at start) is not kept.
    list.add({
      tenant: 'acme',
      userId: 'kim',
      tokenId: 'old',
      revokedAtMs: T0 - 7_200_000,
      expiresAtMs: T0 - 3_600_000,
    });
    expect(list.size()).toBe(1);
  });

  it('a sign-out "everywhere", or of a token without an id, revokes the user', () => {
    expect(signOutRevocation(token('sam', 'id-1', T0), true, T0)).toMatchObject({
      tokenId: '',
      expiresAtMs: 0,
    });
    expect(signOutRevocation(token('sam', null, T0), false, T0)).toMatchObject({ tokenId: '' });
  });
});

describe('sign-out endpoints', () => {
  const options = {
    secret: new TextEncoder().encode('k'.repeat(32)),
    issuer: 'va',
    audience: 'va',
    tokenTtlS: 600,
  };
  const principal = { userId: 'sam', role: 'supervisor' as const, tenant: 'acme', agentId: null, teams: [] };

  it('alert service: 204 and the token refused from then on; bad body, no token, broker down', async () => {
    const list = createRevocationList();
    const auth = refusingRevoked(createAuth(options), list);
    const jwt = await auth.issue(principal, 'Sam');
    const revoked: TokenRevoked[] = [];
    const revoke = async (r: TokenRevoked) => {
      revoked.push(r);
      list.add(r);
    };
    expect(await logout(`Bearer ${jwt}`, '{"everywhere": 1}', auth, revoke)).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST' },
    });
    expect(await logout(undefined, '', auth, revoke)).toMatchObject({ status: 401 });
    expect(await logout(`Bearer ${jwt}`, '', auth, () => Promise.reject(new Error('broker')))).toMatchObject({
      status: 503,
      body: { code: 'SIGN_OUT_NOT_RECORDED' },
    });
    expect(await logout(`Bearer ${jwt}`, '', auth, revoke)).toEqual({ status: 204 });
    expect(revoked).toEqual([
      expect.objectContaining({ tenant: 'acme', userId: 'sam', tokenId: expect.any(String) }),
    ]);
    await expect(auth.verify(jwt)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    expect(await logout(`Bearer ${jwt}`, '', auth, revoke)).toMatchObject({
      status: 401,
      body: { code: 'TOKEN_REVOKED' },
    });
  });

  it('call store: typed errors, then 401 for the signed-out token', async () => {
    const list = createRevocationList();
    const jwt = await createAuth(options).issue(principal, 'Sam');
    let ready = false;
    const revocations = { list, ready: () => ready, revoke: async (r: TokenRevoked) => list.add(r) };
    await expect(signOut(`Bearer ${jwt}`, {}, options, revocations)).rejects.toMatchObject({
      code: 'REVOCATIONS_NOT_READ',
    });
    ready = true;
    await expect(signOut(`Bearer ${jwt}`, { all: true }, options, revocations)).rejects.toMatchObject({
      code: 'INVALID_BODY',
    });
    await expect(
      signOut(`Bearer ${jwt}`, {}, options, { ...revocations, revoke: () => Promise.reject(new Error('x')) }),
    ).rejects.toMatchObject({ code: 'SIGN_OUT_NOT_RECORDED' });
    await signOut(`Bearer ${jwt}`, undefined, options, revocations);
    await expect(signOut(`Bearer ${jwt}`, {}, options, revocations)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('revoked'),
    });
  });
});
