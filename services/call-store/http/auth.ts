// The QA API's side of services/shared/auth: a bearer token from the Authorization header (never
// the URL) becomes a Principal, unless it was revoked (a sign-out, a revoked user: see
// revocation-feed.ts), and a principal plus the tenant it asks for becomes the query Scope (the
// shared access rule), with failures as the API's StoreErrors (401, 403, 503 while the revoked
// tokens are still being read at start). Pure apart from jose's in-memory verification.
import { callScope, type Scope } from '../../shared/auth/call-access.ts';
import type { RevocationList } from '../../shared/auth/revocations.ts';
import type { Principal } from '../../shared/auth/roles.ts';
import {
  AuthError,
  bearerToken,
  verifyToken,
  type TokenOptions,
  type VerifiedToken,
} from '../../shared/auth/tokens.ts';
import { StoreError } from '../errors.ts';

/** What the API knows of revoked tokens (the service's revocation feed; absent offline). */
export interface RevokedTokens {
  readonly list: RevocationList;
  /** Has read every revocation there was at start. */
  ready(): boolean;
}

export async function verifiedBearer(
  header: string | undefined,
  options: TokenOptions,
  revoked?: RevokedTokens,
): Promise<VerifiedToken> {
  const token = bearerToken(header);
  if (token === null) throw new StoreError('UNAUTHENTICATED', 'missing or malformed bearer token');
  try {
    const verified = await verifyToken(token, options);
    if (!revoked) return verified;
    if (!revoked.ready())
      throw new StoreError('REVOCATIONS_NOT_READ', 'starting: signed-out tokens are still being read');
    return revoked.list.check(verified);
  } catch (error) {
    if (error instanceof AuthError) throw new StoreError('UNAUTHENTICATED', error.message);
    throw error;
  }
}

export async function verifyBearer(
  header: string | undefined,
  options: TokenOptions,
  revoked?: RevokedTokens,
): Promise<Principal> {
  return (await verifiedBearer(header, options, revoked)).principal;
}

/** The calls a principal may read, optionally narrowed to one tenant (admins of '*' only). */
export function scopeOf(principal: Principal, requestedTenant?: string): Scope {
  const scope = callScope(principal, requestedTenant);
  if (scope === null) throw new StoreError('FORBIDDEN', `no access to tenant ${requestedTenant}`);
  return scope;
}
