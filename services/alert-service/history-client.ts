// The live customer history line for a starting call, asked of the call-store's internal route
// (services/call-store/http/internal.ts) with a short-lived service token. Why the store and not a
// history rebuilt here from va.calls.v1: the store already holds each call's end mood, survives
// restarts, applies retention and erasure (an erased customer must vanish from the live line too),
// and every alert-service instance asks the same source. The live path never waits for it: the
// lookup runs beside the call (fire and forget), is bounded by a timeout, and answers are cached
// briefly per customer (dropped when a call of that customer ends, so a callback sees its last call).
// I/O: HTTP (fetch).
import { issueServiceToken, type ServiceTokenOptions } from '../shared/service-token.ts';

export interface HistoryClientOptions {
  /** Base URL of the call-store's API, e.g. http://call-store:8090. */
  baseUrl: string;
  tokens: ServiceTokenOptions;
  timeoutMs: number;
  cacheMs: number;
  windowDays: number;
  /** Cached customers at most (oldest dropped first). */
  maxCached?: number;
  /** Lookups in flight at most; more (a burst of starts, a restart re-reading va.calls.v1) get no line. */
  maxInFlight?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export type LookupOutcome = 'line' | 'none' | 'cached' | 'timeout' | 'error' | 'busy';

export interface HistoryClient {
  /** The line for a call of this customer (pseudonym), or null: none, too slow or failed. */
  lookup(
    tenant: string,
    customerRef: string,
    callId: string,
  ): Promise<{ line: string | null; outcome: LookupOutcome }>;
  /** A call of this customer ended: its next call must see it. */
  invalidate(tenant: string, customerRef: string): void;
}

const SERVICE = 'alert-service';
const TOKEN_TTL_S = 300;

export function createHistoryClient(options: HistoryClientOptions): HistoryClient {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const maxCached = options.maxCached ?? 10_000;
  const maxInFlight = options.maxInFlight ?? 64;
  let inFlight = 0;
  const cache = new Map<string, { line: string | null; untilMs: number }>();
  let token: { value: string; renewAtMs: number } | null = null;

  async function serviceToken(): Promise<string> {
    if (!token || now() >= token.renewAtMs) {
      const value = await issueServiceToken(options.tokens, SERVICE, TOKEN_TTL_S);
      token = { value, renewAtMs: now() + (TOKEN_TTL_S / 2) * 1000 };
    }
    return token.value;
  }

  const keyOf = (tenant: string, ref: string) => `${tenant}\0${ref}`;

  return {
    async lookup(tenant, customerRef, callId) {
      const key = keyOf(tenant, customerRef);
      const hit = cache.get(key);
      if (hit && hit.untilMs > now()) return { line: hit.line, outcome: 'cached' };
      if (inFlight >= maxInFlight) return { line: null, outcome: 'busy' };
      inFlight += 1;
      const url = new URL(`/internal/customers/${encodeURIComponent(customerRef)}/history`, options.baseUrl);
      url.search = new URLSearchParams({
        tenant,
        excludeCallId: callId,
        windowDays: String(options.windowDays),
      }).toString();
      try {
        const response = await doFetch(url, {
          headers: { authorization: `Bearer ${await serviceToken()}` },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        if (!response.ok) {
          await response.body?.cancel();
          return { line: null, outcome: 'error' };
        }
        const body = (await response.json()) as { line?: unknown };
        const line = typeof body.line === 'string' && body.line.length <= 300 ? body.line : null;
        cache.delete(key);
        cache.set(key, { line, untilMs: now() + options.cacheMs });
        if (cache.size > maxCached) cache.delete(cache.keys().next().value as string);
        return { line, outcome: line === null ? 'none' : 'line' };
      } catch (error) {
        const timedOut = (error as { name?: string }).name === 'TimeoutError';
        return { line: null, outcome: timedOut ? 'timeout' : 'error' };
      } finally {
        inFlight -= 1;
      }
    },
    invalidate(tenant, customerRef) {
      cache.delete(keyOf(tenant, customerRef));
    },
  };
}

/** Whether a started call may show a history line: a customer, analytics consent, no opt-out. */
export function historyAllowed(e: {
  customerRef: string;
  consent: { analytics: boolean; historyOptOut?: boolean };
}): boolean {
  return e.customerRef !== '' && e.consent.analytics && e.consent.historyOptOut !== true;
}
