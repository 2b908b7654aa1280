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

const MIN_TOKEN_LENGTH = 16;
const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * `tenant=token` entries. Problems name an entry by its position, never by its text: an entry
 * written the wrong way round (`token=tenant`) would otherwise print the secret as a "tenant".
 * `secret` words the value in messages (CUSTOMER_REF_KEYS holds keys, not tokens).
 */
export function parseTenantTokens(text: string, variable: string, secret = 'token'): Map<string, string> {
  const tokens = new Map<string, string>();
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
    if (sameTenant !== undefined)
      throw new ConfigError([`${entry}: names the same tenant as entry ${sameTenant + 1}`]);
    // One token for two tenants would sign one of them in as the other.
    const sameToken = entryOfToken.get(token);
    if (sameToken !== undefined)
      throw new ConfigError([`${entry}: has the same ${secret} as entry ${sameToken + 1}`]);
    tokens.set(tenant, token);
    entryOfTenant.set(tenant, i);
    entryOfToken.set(token, i);
  });
  if (tokens.size === 0) throw new ConfigError([`${variable}: no tenant ${secret}s`]);
  return tokens;
}

export function createTokenStore(tokens: Map<string, string>): TokenStore {
  const byHash = new Map<string, string>();
  for (const [tenant, token] of tokens) byHash.set(hash(token), tenant);
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
