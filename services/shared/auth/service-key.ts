// The key of service-to-service tokens (service-token.ts): SERVICE_TOKEN_SECRET, a key of its own.
// JWT_SECRET signs page tokens: whoever holds it can sign an admin token of any tenant, so a
// service that only calls the call store's internal route (the routing service) must not need it.
// Outside production, without SERVICE_TOKEN_SECRET, the page key still signs service tokens (one
// key, as before). Production requires it on the call store, on the alert service when it reads
// history, and on the routing service, which refuses JWT_SECRET: every party then holds the same
// service key and none needs the page key for it. Pure.
import { secretProblems } from '../secret-policy.ts';

export const SERVICE_KEY_VARIABLE = 'SERVICE_TOKEN_SECRET';

/** The problem of a production service that takes or sends service tokens without the key. */
export const SERVICE_KEY_REQUIRED = `${SERVICE_KEY_VARIABLE}: required in production, the same value on the call store and the services that call it (not JWT_SECRET)`;

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
