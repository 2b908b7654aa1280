// What a sign-out revokes, for both services' logout endpoints (the alert service's
// POST /api/logout, the call store's POST /auth/logout): the caller's own token by its id, or,
// with {"everywhere": true} (or a token without an id), every token of the caller issued until
// now. Pure.
import { z } from 'zod';
import type { TokenRevoked } from '../records.ts';
import type { VerifiedToken } from './tokens.ts';

/** `{}`, `{"everywhere": true}`, or no body at all (undefined). */
export const signOutBody = z.strictObject({ everywhere: z.boolean().optional() });

export function signOutRevocation(verified: VerifiedToken, everywhere: boolean, nowMs: number): TokenRevoked {
  const { tenant, userId } = verified.principal;
  const all = everywhere || verified.tokenId === null;
  return {
    tenant,
    userId,
    tokenId: all ? '' : (verified.tokenId ?? ''),
    revokedAtMs: nowMs,
    expiresAtMs: all ? 0 : verified.expiresAtMs,
  };
}
