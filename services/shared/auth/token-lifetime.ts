// Rules every JWT verifier of the product applies on top of the signature: an expiry is required
// (a token without `exp` would never die) and may not lie further ahead than the longest lifetime
// any issuer of ours may grant (TOKEN_TTL_S, at most 7 days), plus clock skew. Pure.

import { intVar } from '../config.ts';

/**
 * TOKEN_TTL_S, read by both services with a login (alert service, call store): the lifetime a
 * login grants. Default 8 h, a shift. Verifiers accept up to the 7-day ceiling, not this value:
 * instances (and the two services) disagree on it while it changes, and a tighter bound then
 * signed everyone out.
 */
export const tokenTtlEnv = { TOKEN_TTL_S: intVar({ min: 60, max: 7 * 24 * 3600, def: 8 * 3600 }) };

/** The longest TOKEN_TTL_S plus one minute of clock skew. */
export const MAX_TOKEN_LIFETIME_S = 7 * 24 * 3600 + 60;

/** jose's `requiredClaims`: verification fails when one is missing. */
export const REQUIRED_CLAIMS = ['exp'];

/** Null when `exp` (seconds) is acceptable at `nowMs`, else why not. */
export function lifetimeProblem(exp: unknown, nowMs: number): string | null {
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'token without expiry';
  if (exp * 1000 - nowMs > MAX_TOKEN_LIFETIME_S * 1000) return 'token lifetime too long';
  return null;
}
