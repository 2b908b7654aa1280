// Rules every JWT verifier of the product applies on top of the signature: an expiry is required
// (a token without `exp` would never die) and may not lie further ahead than the longest lifetime
// any issuer of ours grants (ALERT_TOKEN_TTL_S max 7 days), plus clock skew. Pure.

/** The alert service's maximum ALERT_TOKEN_TTL_S plus one minute of clock skew. */
export const MAX_TOKEN_LIFETIME_S = 7 * 24 * 3600 + 60;

/** jose's `requiredClaims`: verification fails when one is missing. */
export const REQUIRED_CLAIMS = ['exp'];

/** Null when `exp` (seconds) is acceptable at `nowMs`, else why not. */
export function lifetimeProblem(exp: unknown, nowMs: number): string | null {
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'token without expiry';
  if (exp * 1000 - nowMs > MAX_TOKEN_LIFETIME_S * 1000) return 'token lifetime too long';
  return null;
}
