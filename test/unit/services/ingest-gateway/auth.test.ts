// Tenant tokens: parsing from env or file content, lookup, and UNAUTHENTICATED errors.
import { describe, expect, it } from 'vitest';
import { createTokenStore, parseTenantTokenLists } from '../../../../services/ingest-gateway/auth.ts';
import { ConfigError } from '../../../../services/shared/config.ts';
import { thrownError } from '../../../support/thrown.ts';

/** One token per tenant, as a plain map. */
const parseTenantTokens = (text: string, variable: string, secret = 'token') =>
  new Map([...parseTenantTokenLists(text, variable, secret, 1)].map(([tenant, [token]]) => [tenant, token]));

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
      /V: entry 2 of 2 \(tenant=token\): names the same tenant as entry 1/,
    );
    const shared = () => parseTenantTokens('acme=aaaaaaaaaaaaaaaa,globex=aaaaaaaaaaaaaaaa', 'V');
    expect(shared).toThrow(/V: entry 2 of 2 \(tenant=token\): has the same token as entry 1/);
    expect(shared).not.toThrow(/aaaa/);
  });

  it('takes two tokens of one tenant while rotating, never three, and either signs the tenant in', () => {
    const two = parseTenantTokenLists(
      'acme=aaaaaaaaaaaaaaaa,acme=bbbbbbbbbbbbbbbb,beta=cccccccccccccccc',
      'V',
    );
    expect([...two]).toEqual([
      ['acme', ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']],
      ['beta', ['cccccccccccccccc']],
    ]);
    const store = createTokenStore(two);
    expect(store.tenantFor('Bearer aaaaaaaaaaaaaaaa')).toBe('acme');
    expect(store.tenantFor('Bearer bbbbbbbbbbbbbbbb')).toBe('acme');
    expect(store.tenants).toEqual(['acme', 'beta']);
    expect(() =>
      parseTenantTokenLists('acme=aaaaaaaaaaaaaaaa,acme=bbbbbbbbbbbbbbbb,acme=cccccccccccccccc', 'V'),
    ).toThrow(/V: entry 3 of 3 \(tenant=token\): a tenant has at most 2 tokens/);
    expect(() => parseTenantTokenLists('acme=aaaaaaaaaaaaaaaa,acme=aaaaaaaaaaaaaaaa', 'V')).toThrow(
      /has the same token as entry 1/,
    );
  });

  it('never prints a token from an entry written the wrong way round', () => {
    const token = 'S3cretTokenValueXyzq9Rk2Lm7Pw4Nv8Bt';
    for (const text of [
      `${token}=acme`,
      `acme=${token},${token}=beta`,
      `a+b/c=${token}`,
      `{"${token}": 3}`,
    ]) {
      const thrown = thrownError(() => parseTenantTokens(text, 'TENANT_TOKENS'), ConfigError);
      expect(thrown.problems.join(' ')).not.toContain(token);
      expect(thrown.problems.join(' ')).toMatch(/^TENANT_TOKENS: entry \d of \d/);
    }
    expect(() => parseTenantTokens('acme=short', 'CUSTOMER_REF_KEYS', 'key')).toThrow(
      /CUSTOMER_REF_KEYS: entry 1 of 1 \(tenant=key\): the key is shorter than 16/,
    );
  });

  it('maps a bearer token to its tenant and rejects the rest', () => {
    const store = createTokenStore(parseTenantTokenLists('acme=aaaaaaaaaaaaaaaa', 'V'));
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
