// The revoked sign-in tokens a verifier refuses (va.revocations.v1): single tokens by id (a
// sign-out) and every token of a user issued up to a moment (a revoked user). Tokens are
// stateless JWTs, so without this a copied token kept working after its user signed out, or was
// removed, until it expired. Entries are dropped once no token they name can still be valid:
// a token's own expiry, or the verifiers' 7-day ceiling after a user's revocation. Pure apart
// from the clock it is given.
import type { TokenRevoked } from '../records.ts';
import { MAX_TOKEN_LIFETIME_S } from './token-lifetime.ts';
import { AuthError, type Auth, type VerifiedToken } from './tokens.ts';

export interface RevocationList {
  add(revocation: TokenRevoked): void;
  /** The revocation that names this token, or null. */
  revokes(token: VerifiedToken): TokenRevoked | null;
  /** Throws AuthError TOKEN_REVOKED when a revocation names the token. */
  check(token: VerifiedToken): VerifiedToken;
  /** Forgets what no valid token can match any more (expired tokens, users' old revocations). */
  prune(nowMs: number): void;
  size(): number;
}

const userKey = (tenant: string, userId: string): string => `${tenant}\u0000${userId}`;

/**
 * Single-token revocations kept per user before they are folded into one revocation of all the
 * user's tokens up to the newest of them (fail closed: it also signs out the user's other
 * sessions of that time). A user signing in and out in a loop grew every instance's memory.
 */
export const MAX_REVOKED_TOKENS_PER_USER = 200;

const CEILING_MS = MAX_TOKEN_LIFETIME_S * 1000;
/** When no token the revocation names can still be valid. */
const moot = (r: TokenRevoked): number =>
  r.tokenId && r.expiresAtMs > 0 ? r.expiresAtMs : r.revokedAtMs + CEILING_MS;

export function createRevocationList(now: () => number = Date.now): RevocationList {
  /** tenant + user → that user's revoked token ids (ids are the issuer's: keyed under the user). */
  const tokens = new Map<string, Map<string, TokenRevoked>>();
  /** tenant + user → the latest revocation of all their tokens. */
  const users = new Map<string, TokenRevoked>();

  function revokeUser(key: string, revocation: TokenRevoked): void {
    const known = users.get(key);
    if (!known || known.revokedAtMs < revocation.revokedAtMs) users.set(key, revocation);
  }

  function revokes(token: VerifiedToken): TokenRevoked | null {
    const key = userKey(token.principal.tenant, token.principal.userId);
    const single = token.tokenId === null ? undefined : tokens.get(key)?.get(token.tokenId);
    if (single) return single;
    const user = users.get(key);
    // `iat` has whole seconds: a token of the revocation's own second is refused (fail closed; a
    // new sign-in a second later is fine).
    if (user && token.issuedAtMs <= Math.floor(user.revokedAtMs / 1000) * 1000) return user;
    return null;
  }

  return {
    add(revocation) {
      // Read again at every start for 8 days: what no token can match any more is not kept.
      if (moot(revocation) < now()) return;
      const key = userKey(revocation.tenant, revocation.userId);
      if (!revocation.tokenId) return revokeUser(key, revocation);
      const mine = tokens.get(key) ?? new Map<string, TokenRevoked>();
      tokens.set(key, mine);
      mine.set(revocation.tokenId, revocation);
      if (mine.size <= MAX_REVOKED_TOKENS_PER_USER) return;
      const newest = [...mine.values()].reduce((a, b) => (a.revokedAtMs >= b.revokedAtMs ? a : b));
      tokens.delete(key);
      revokeUser(key, { ...newest, tokenId: '', expiresAtMs: 0 });
    },
    revokes,
    check(token) {
      if (revokes(token)) throw new AuthError('TOKEN_REVOKED', 'token revoked (signed out)');
      return token;
    },
    prune(nowMs) {
      for (const [key, mine] of tokens) {
        for (const [id, r] of mine) if (moot(r) < nowMs) mine.delete(id);
        if (mine.size === 0) tokens.delete(key);
      }
      for (const [key, r] of users) if (moot(r) < nowMs) users.delete(key);
    },
    size: () => [...tokens.values()].reduce((n, mine) => n + mine.size, 0) + users.size,
  };
}

/** `auth` whose verify also refuses the tokens the list names (TOKEN_REVOKED). */
export function refusingRevoked(auth: Auth, list: RevocationList): Auth {
  return { issue: auth.issue, verify: async (token) => list.check(await auth.verify(token)) };
}
