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

export function parseTenantTokens(text: string, variable: string): Map<string, string> {
  const pairs: [string, string][] = [];
  for (const [tenant, token] of configEntries(text, variable, 'tenant=token')) {
    if (typeof token !== 'string')
      throw new ConfigError([`${variable}: token of tenant "${tenant}" is not a string`]);
    pairs.push([tenant, token]);
  }
  const tokens = new Map<string, string>();
  const tenantOfToken = new Map<string, string>();
  for (const [tenant, token] of pairs) {
    if (!/^[\w.-]{1,64}$/.test(tenant))
      throw new ConfigError([`${variable}: tenant name "${tenant}" is not [A-Za-z0-9_.-]{1,64}`]);
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new ConfigError([
        `${variable}: token of tenant "${tenant}" is shorter than ${MIN_TOKEN_LENGTH} characters`,
      ]);
    }
    if (tokens.has(tenant)) throw new ConfigError([`${variable}: tenant "${tenant}" is listed twice`]);
    // One token for two tenants would sign one of them in as the other.
    const other = tenantOfToken.get(token);
    if (other !== undefined)
      throw new ConfigError([`${variable}: tenants "${other}" and "${tenant}" have the same token`]);
    tokens.set(tenant, token);
    tenantOfToken.set(token, tenant);
  }
  if (tokens.size === 0) throw new ConfigError([`${variable}: no tenant tokens`]);
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
