// Tenant tokens: parsing from env or file content, lookup, and UNAUTHENTICATED errors.
import { describe, expect, it } from 'vitest';
import { createTokenStore, parseTenantTokens } from '../../../../services/ingest-gateway/auth.ts';
import { ConfigError } from '../../../../services/shared/config.ts';

describe('tenant tokens', () => {
  it('parses tenant=token lists and JSON objects', () => {
    expect([...parseTenantTokens('acme=aaaaaaaaaaaaaaaa, beta = bbbbbbbbbbbbbbbb', 'V')]).toEqual([
      ['acme', 'aaaaaaaaaaaaaaaa'],
      ['beta', 'bbbbbbbbbbbbbbbb'],
    ]);
    expect([...parseTenantTokens('# tokens\nacme=aaaaaaaaaaaaaaaa\n', 'V')]).toEqual([
      ['acme', 'aaaaaaaaaaaaaaaa'],
    ]);
    expect([...parseTenantTokens('{"acme":"aaaaaaaaaaaaaaaa"}', 'V')]).toEqual([
      ['acme', 'aaaaaaaaaaaaaaaa'],
    ]);
  });

  it('rejects short tokens and bad entries, naming the variable but not the token', () => {
    expect(() => parseTenantTokens('acme=short', 'TENANT_TOKENS')).toThrow(ConfigError);
    expect(() => parseTenantTokens('acme=short', 'TENANT_TOKENS')).toThrow(/^(?!.*short\b).*TENANT_TOKENS/s);
    expect(() => parseTenantTokens('nonsense', 'TENANT_TOKENS')).toThrow(/tenant=token/);
    expect(() => parseTenantTokens('', 'TENANT_TOKENS')).toThrow(/no tenant tokens/);
  });

  it('rejects a tenant listed twice and one token shared by two tenants, without echoing it', () => {
    expect(() => parseTenantTokens('acme=aaaaaaaaaaaaaaaa,acme=bbbbbbbbbbbbbbbb', 'V')).toThrow(
      /V: tenant "acme" is listed twice/,
    );
    const shared = () => parseTenantTokens('acme=aaaaaaaaaaaaaaaa,globex=aaaaaaaaaaaaaaaa', 'V');
    expect(shared).toThrow(/V: tenants "acme" and "globex" have the same token/);
    expect(shared).not.toThrow(/aaaa/);
  });

  it('maps a bearer token to its tenant and rejects the rest', () => {
    const store = createTokenStore(parseTenantTokens('acme=aaaaaaaaaaaaaaaa', 'V'));
    expect(store.tenantFor('Bearer aaaaaaaaaaaaaaaa')).toBe('acme');
    expect(() => store.tenantFor(undefined)).toThrow(
      expect.objectContaining({ code: 'MISSING_TOKEN', status: 'UNAUTHENTICATED' }),
    );
    expect(() => store.tenantFor('Basic aaaaaaaaaaaaaaaa')).toThrow(
      expect.objectContaining({ code: 'MISSING_TOKEN' }),
    );
    expect(() => store.tenantFor('Bearer bbbbbbbbbbbbbbbb')).toThrow(
      expect.objectContaining({ code: 'BAD_TOKEN', status: 'UNAUTHENTICATED' }),
    );
  });
});
