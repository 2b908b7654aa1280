// Per-tenant bearer tokens: parsed from TENANT_TOKENS ("tenant=token,…") or a file (JSON object
// {tenant: token} or tenant=token lines), looked up by SHA-256 so comparison time does not depend
// on the token. Tokens are never logged. Pure (file content is passed in).
import { createHash } from 'node:crypto';
import { ConfigError } from '../shared/config.ts';
import { configEntries } from '../shared/config-entries.ts';
import { IngestError } from './errors.ts';

export interface TokenStore {
  /** Tenant of an `authorization` metadata value ("Bearer <token>"); throws UNAUTHENTICATED. */
  tenantFor(authorization: string | undefined): string;
  readonly tenants: string[];
}

/** Shortest token or key any mode accepts (production asks for more: secret-policy.ts). */
export const MIN_TOKEN_LENGTH = 16;
const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** How many tokens a tenant may have at once: the current one and the next, during a rotation. */
export const TOKENS_PER_TENANT = 2;

/**
 * `tenant=token` entries, a tenant listed at most `perTenant` times. Problems name an entry by its
 * position, never by its text: an entry written the wrong way round (`token=tenant`) would
 * otherwise print the secret as a "tenant". `secret` words the value in messages. (Customer-
 * reference keys have a format of their own: customer-ref-keys.ts.) `entryOf`, when given, gets each token's entry
 * number (1-based), for later problems to name the entry as written.
 */
export function parseTenantTokenLists(
  text: string,
  variable: string,
  secret = 'token',
  perTenant = TOKENS_PER_TENANT,
  entryOf?: Map<string, number>,
): Map<string, string[]> {
  const tokens = new Map<string, string[]>();
  const entryOfTenant = new Map<string, number>();
  const entryOfToken = new Map<string, number>();
  const entries = configEntries(text, variable, `tenant=${secret}`);
  entries.forEach(([tenant, token], i) => {
    const entry = `${variable}: entry ${i + 1} of ${entries.length} (tenant=${secret})`;
    if (typeof token !== 'string') throw new ConfigError([`${entry}: the ${secret} is not a string`]);
    if (!/^[\w.-]{1,64}$/.test(tenant))
      throw new ConfigError([`${entry}: the tenant name is not [A-Za-z0-9_.-]{1,64}`]);
    if (token.length < MIN_TOKEN_LENGTH)
      throw new ConfigError([`${entry}: the ${secret} is shorter than ${MIN_TOKEN_LENGTH} characters`]);
    const sameTenant = entryOfTenant.get(tenant);
    if (sameTenant !== undefined && (tokens.get(tenant)?.length ?? 0) >= perTenant)
      throw new ConfigError([
        perTenant === 1
          ? `${entry}: names the same tenant as entry ${sameTenant + 1}`
          : `${entry}: a tenant has at most ${perTenant} ${secret}s (the current one and the next, while rotating)`,
      ]);
    // One token for two tenants would sign one of them in as the other.
    const sameToken = entryOfToken.get(token);
    if (sameToken !== undefined)
      throw new ConfigError([`${entry}: has the same ${secret} as entry ${sameToken + 1}`]);
    tokens.set(tenant, [...(tokens.get(tenant) ?? []), token]);
    entryOfTenant.set(tenant, i);
    entryOfToken.set(token, i);
    entryOf?.set(token, i + 1);
  });
  if (tokens.size === 0) throw new ConfigError([`${variable}: no tenant ${secret}s`]);
  return tokens;
}

/** Each tenant's tokens (two while rotating: streams with either are the tenant's). */
export function createTokenStore(tokens: ReadonlyMap<string, readonly string[]>): TokenStore {
  const byHash = new Map<string, string>();
  for (const [tenant, list] of tokens) for (const token of list) byHash.set(hash(token), tenant);
  return {
    tenants: [...tokens.keys()],
    tenantFor(authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
      if (!match) throw new IngestError('MISSING_TOKEN', 'missing "authorization: Bearer <token>" metadata');
      const tenant = byHash.get(hash(match[1]));
      if (tenant === undefined) throw new IngestError('BAD_TOKEN', 'unknown token');
      return tenant;
    },
  };
}
