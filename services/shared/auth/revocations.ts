// The revoked sign-in tokens a verifier refuses (va.revocations.v1): single tokens by id (a
// sign-out) and every token of a user issued up to a moment (a revoked user). Tokens are
// stateless JWTs, so without this a copied token kept working after its user signed out, or was
// removed, until it expired. Entries are dropped once no token they name can still be valid:
// a token's own expiry, or the verifiers' 7-day ceiling after a user's revocation. Pure.
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

export function createRevocationList(): RevocationList {
  /** Token id → its revocation. */
  const tokens = new Map<string, TokenRevoked>();
  /** tenant + user → the latest revocation of all their tokens. */
  const users = new Map<string, TokenRevoked>();

  function revokes(token: VerifiedToken): TokenRevoked | null {
    const { tenant, userId } = token.principal;
    if (token.tokenId !== null) {
      const single = tokens.get(token.tokenId);
      // A token id names its user's token only: another user's record cannot revoke it.
      if (single && single.tenant === tenant && single.userId === userId) return single;
    }
    const user = users.get(userKey(tenant, userId));
    // `iat` has whole seconds: a token of the revocation's own second is refused (fail closed; a
    // new sign-in a second later is fine).
    if (user && token.issuedAtMs <= Math.floor(user.revokedAtMs / 1000) * 1000) return user;
    return null;
  }

  return {
    add(revocation) {
      if (revocation.tokenId) {
        tokens.set(revocation.tokenId, revocation);
        return;
      }
      const key = userKey(revocation.tenant, revocation.userId);
      const known = users.get(key);
      if (!known || known.revokedAtMs < revocation.revokedAtMs) users.set(key, revocation);
    },
    revokes,
    check(token) {
      if (revokes(token)) throw new AuthError('TOKEN_REVOKED', 'token revoked (signed out)');
      return token;
    },
    prune(nowMs) {
      const ceilingMs = MAX_TOKEN_LIFETIME_S * 1000;
      for (const [id, r] of tokens)
        if ((r.expiresAtMs > 0 ? r.expiresAtMs : r.revokedAtMs + ceilingMs) < nowMs) tokens.delete(id);
      for (const [key, r] of users) if (r.revokedAtMs + ceilingMs < nowMs) users.delete(key);
    },
    size: () => tokens.size + users.size,
  };
}

/** `auth` whose verify also refuses the tokens the list names (TOKEN_REVOKED). */
export function refusingRevoked(auth: Auth, list: RevocationList): Auth {
  return { issue: auth.issue, verify: async (token) => list.check(await auth.verify(token)) };
}
