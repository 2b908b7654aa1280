// The QA API's side of services/shared/auth: a bearer token from the Authorization header (never
// the URL) becomes a Principal, and a principal plus the tenant it asks for becomes the query
// Scope (the shared access rule), with failures as the API's StoreErrors (401, 403). Pure apart
// from jose's in-memory verification.
import { callScope, type Scope } from '../../shared/auth/call-access.ts';
import type { Principal } from '../../shared/auth/roles.ts';
import { AuthError, bearerToken, verifyToken, type TokenOptions } from '../../shared/auth/tokens.ts';
import { StoreError } from '../errors.ts';

export async function verifyBearer(header: string | undefined, options: TokenOptions): Promise<Principal> {
  const token = bearerToken(header);
  if (token === null) throw new StoreError('UNAUTHENTICATED', 'missing or malformed bearer token');
  try {
    return (await verifyToken(token, options)).principal;
  } catch (error) {
    if (error instanceof AuthError) throw new StoreError('UNAUTHENTICATED', error.message);
    throw error;
  }
}

/** The calls a principal may read, optionally narrowed to one tenant (admins of '*' only). */
export function scopeOf(principal: Principal, requestedTenant?: string): Scope {
  const scope = callScope(principal, requestedTenant);
  if (scope === null) throw new StoreError('FORBIDDEN', `no access to tenant ${requestedTenant}`);
  return scope;
}
