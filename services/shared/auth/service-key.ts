// The key of service-to-service tokens (service-token.ts): SERVICE_TOKEN_SECRET, a key of its own.
// JWT_SECRET signs page tokens: whoever holds it can sign an admin token of any tenant, so a
// service that only calls the call store's internal route (the routing service) must not need it.
// Without SERVICE_TOKEN_SECRET the page key still signs service tokens (one key, as before): the
// alert service and the call store hold that key anyway; the routing service refuses it in
// production. Set SERVICE_TOKEN_SECRET on the call store and on every service that calls it, or on
// none: the store verifies with the one key it has. Pure.
import { secretProblems } from '../secret-policy.ts';

export const SERVICE_KEY_VARIABLE = 'SERVICE_TOKEN_SECRET';

export interface ServiceKey {
  /** The key service tokens are signed and verified with; undefined = none. */
  value: string | undefined;
  /** Which variable it came from. */
  variable: 'SERVICE_TOKEN_SECRET' | 'JWT_SECRET' | null;
  problems: string[];
}

/**
 * `own`: SERVICE_TOKEN_SECRET; `pageKey`: the service's JWT_SECRET (undefined where it has none);
 * `production`: published, weak or page-key-equal keys refused.
 */
export function serviceKeyOf(
  own: string | undefined,
  pageKey: string | undefined,
  production: boolean,
): ServiceKey {
  const value = own || undefined;
  if (value === undefined)
    return { value: pageKey || undefined, variable: pageKey ? 'JWT_SECRET' : null, problems: [] };
  const problems: string[] = [];
  if (value.length < 32) problems.push(`${SERVICE_KEY_VARIABLE}: must be at least 32 characters`);
  else if (production) problems.push(...secretProblems(SERVICE_KEY_VARIABLE, value, 'service token key'));
  if (pageKey && value === pageKey)
    problems.push(`${SERVICE_KEY_VARIABLE}: must differ from JWT_SECRET (the page-token key)`);
  return { value, variable: 'SERVICE_TOKEN_SECRET', problems };
}
