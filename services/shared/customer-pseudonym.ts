// The only customer reference the services past the gateway act on: the gateway's keyed pseudonym,
// `cref1_` + base64url(HMAC-SHA-256) (services/ingest-gateway/customer-ref.ts). A raw reference
// from a sender that bypassed the gateway (a phone number) means "no customer" everywhere: never
// stored, looked up, put in a URL or sent to a routing webhook (the routing service forwarded one
// to the webhook and va.routing.v1: privacy probe). A start during a key rotation carries the
// pseudonym under the previous key too (previousCustomerRef), checked here. Pure.

export const CUSTOMER_PSEUDONYM = /^cref1_[A-Za-z0-9_-]{43}$/;

/** The reference when it is a pseudonym, else '' (no customer). */
export function pseudonymOrNone(ref: string): string {
  return CUSTOMER_PSEUDONYM.test(ref) ? ref : '';
}

/**
 * What is wrong with a call event's previous pseudonym (a key rotation's, customer-ref.ts), or
 * null: absent or '' is fine; else a pseudonym, on a start that has a pseudonym of its own, not
 * that one. A record that fails is refused whole (dead letters copy no value): relinking a
 * customer's history on a bad one would move it to, or from, the wrong customer.
 */
export function previousCustomerRefProblem(v: {
  type: string;
  customerRef: string;
  previousCustomerRef?: string;
}): string | null {
  const previous = v.previousCustomerRef ?? '';
  if (previous === '') return null;
  if (!CUSTOMER_PSEUDONYM.test(previous)) return 'previousCustomerRef is not a customer pseudonym';
  if (v.type !== 'started') return 'previousCustomerRef is set on an event other than a start';
  if (!CUSTOMER_PSEUDONYM.test(v.customerRef)) return 'previousCustomerRef without a customerRef pseudonym';
  if (previous === v.customerRef) return 'previousCustomerRef is the customerRef';
  return null;
}
