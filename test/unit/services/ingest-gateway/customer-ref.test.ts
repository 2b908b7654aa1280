// The customer-reference pseudonym (services/ingest-gateway/customer-ref.ts): keyed, per tenant,
// stable, and holding nothing of the reference.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pseudonymiseCustomerRef } from '../../../../services/ingest-gateway/customer-ref.ts';

describe('pseudonymiseCustomerRef', () => {
  const key = 'k'.repeat(40);
  it('is HMAC-SHA-256 of tenant NUL reference, base64url, versioned', () => {
    const mac = createHmac('sha256', key).update('acme\0crm-42').digest('base64url');
    expect(pseudonymiseCustomerRef(key, 'acme', 'crm-42')).toBe(`cref1_${mac}`);
  });

  it('is stable for one tenant and key, different across tenants and keys', () => {
    const a = pseudonymiseCustomerRef(key, 'acme', '+15551234567');
    expect(pseudonymiseCustomerRef(key, 'acme', '+15551234567')).toBe(a);
    expect(pseudonymiseCustomerRef(key, 'beta', '+15551234567')).not.toBe(a);
    expect(pseudonymiseCustomerRef('x'.repeat(40), 'acme', '+15551234567')).not.toBe(a);
    expect(a).not.toContain('5551234567');
  });

  it('keeps "no reference" empty', () => {
    expect(pseudonymiseCustomerRef(key, 'acme', '')).toBe('');
  });
});
