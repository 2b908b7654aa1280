// The customer-reference pseudonym (services/ingest-gateway/customer-ref.ts): keyed, per tenant,
// stable, and holding nothing of the reference; during a key rotation, the previous key's too.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callPseudonyms, pseudonymiseCustomerRef } from '../../../../services/ingest-gateway/customer-ref.ts';

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

describe('callPseudonyms during a key rotation', () => {
  const current = 'c'.repeat(40);
  const previous = 'p'.repeat(40);
  it('makes the call pseudonym under the current key, and the previous key only for relinking', () => {
    const both = callPseudonyms({ current, previous }, 'acme', '+15551234567');
    expect(both.customerRef).toBe(pseudonymiseCustomerRef(current, 'acme', '+15551234567'));
    expect(both.previousCustomerRef).toBe(pseudonymiseCustomerRef(previous, 'acme', '+15551234567'));
    expect(both.previousCustomerRef).not.toBe(both.customerRef);
  });

  it('has no previous pseudonym without a previous key or without a reference', () => {
    expect(callPseudonyms({ current, previous: null }, 'acme', 'crm-1').previousCustomerRef).toBe('');
    expect(callPseudonyms({ current, previous }, 'acme', '')).toEqual({
      customerRef: '',
      previousCustomerRef: '',
    });
  });
});
