// The only customer reference the services past the gateway act on: the gateway's keyed pseudonym,
// `cref1_` + base64url(HMAC-SHA-256) (services/ingest-gateway/customer-ref.ts). A raw reference
// from a sender that bypassed the gateway (a phone number) means "no customer" everywhere: never
// stored, looked up, put in a URL or sent to a routing webhook (the routing service forwarded one
// to the webhook and va.routing.v1: privacy probe). Pure.

export const CUSTOMER_PSEUDONYM = /^cref1_[A-Za-z0-9_-]{43}$/;

/** The reference when it is a pseudonym, else '' (no customer). */
export function pseudonymOrNone(ref: string): string {
  return CUSTOMER_PSEUDONYM.test(ref) ? ref : '';
}
