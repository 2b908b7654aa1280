// A call's customer reference (a CRM id, a phone number) never leaves the gateway in clear: it is
// replaced by a keyed pseudonym, HMAC-SHA-256 (RFC 2104) under the tenant's own key, before the
// call reaches Kafka, the store or a page. The same customer gets the same pseudonym on every call
// of the tenant (so calls can be linked), two tenants never share one, and without the key the
// reference cannot be recovered or confirmed by guessing. While a tenant's key is rotated, a call
// also carries the pseudonym under the previous key, so the store can move the customer's history
// to the new one (customer-ref-keys.ts). Pure.
import { createHmac } from 'node:crypto';
import type { CustomerRefKeys } from './customer-ref-keys.ts';

/** Versioned, so a future scheme is told apart (a rotated key keeps the scheme: same prefix). */
const PREFIX = 'cref1_';

/** The pseudonym of `ref` for `tenant`; '' stays '' (no reference given). */
export function pseudonymiseCustomerRef(key: string, tenant: string, ref: string): string {
  if (ref === '') return '';
  // The tenant is part of the message too: one key reused by two tenants still gives two ids.
  const mac = createHmac('sha256', key).update(tenant).update('\0').update(ref).digest('base64url');
  return PREFIX + mac;
}

/**
 * A call's pseudonyms: under the current key, and under the previous one while rotating ('' when
 * there is none, or no reference). The previous one exists only to be relinked: the store never
 * keeps a call under it.
 */
export function callPseudonyms(
  keys: CustomerRefKeys,
  tenant: string,
  ref: string,
): { customerRef: string; previousCustomerRef: string } {
  return {
    customerRef: pseudonymiseCustomerRef(keys.current, tenant, ref),
    previousCustomerRef: keys.previous === null ? '' : pseudonymiseCustomerRef(keys.previous, tenant, ref),
  };
}

/**
 * Development only: the key of tenants without their own (CUSTOMER_REF_KEYS). Published here, so
 * it hides nothing: production refuses to start without a key per tenant.
 */
export const DEVELOPMENT_CUSTOMER_REF_KEY = 'voice-analytics development customer reference key';
