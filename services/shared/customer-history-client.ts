// A starting call's customer history (the summary and its one-line form), asked of the
// call-store's internal route (services/call-store/http/internal.ts) with a short-lived service
// token: the alert-service shows the line, the routing-service's call-start rules read the summary. Why the store and not a
// history rebuilt here from va.calls.v1: the store already holds each call's end mood, survives
// restarts, applies retention and erasure (an erased customer must vanish from the live line too),
// and every alert-service instance asks the same source. The live path never waits for it: the
// lookup runs beside the call (fire and forget), is bounded by a timeout, and answers are cached
// briefly per customer (dropped when a call of that customer ends, so a callback sees its last call).
// During a key rotation the start's previous pseudonym is asked too: the store may not have moved
// the customer's calls to the new one yet when their first call of the rotation starts.
// I/O: HTTP (fetch).
import { pseudonymOrNone } from './customer-pseudonym.ts';
import type { HistorySummary } from '../../pipelines/history/history-line.ts';
import { issueServiceToken, type ServiceTokenOptions } from './auth/service-token.ts';

export interface HistoryClientOptions {
  /** The asking service, the token's subject (e.g. alert-service). */
  service: string;
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
  /**
   * Called once, the first time the store refuses this service's token (401/403): almost always
   * a SERVICE_TOKEN_SECRET that differs from the store's, which else looks like "no history".
   */
  onRefused?: (status: number) => void;
}

/** What a service logs (once) when the store refuses its service token. */
export const HISTORY_REFUSED =
  "the call store refuses this service's token: set SERVICE_TOKEN_SECRET to the call store's value (or, during an upgrade, the store is newer than this service: tokens are bound to a tenant since 2026-12-06; upgrade the alert and routing services before the store)";

/** The longest history window the call store answers (its internal route refuses more). */
export const MAX_HISTORY_WINDOW_DAYS = 365;

export type LookupOutcome = 'line' | 'none' | 'cached' | 'timeout' | 'error' | 'busy';

/** What the store says of a customer's earlier calls (pipelines/history/history-line.ts). */
export type CustomerHistorySummary = HistorySummary & { line: string | null };

export interface HistoryAnswer {
  /** The one-line history, or null: none, too slow or failed. */
  line: string | null;
  /** The summary behind it; null when there is no line to show (no calls, or no answer). */
  summary: CustomerHistorySummary | null;
  outcome: LookupOutcome;
}

export interface HistoryClient {
  /**
   * The history of this customer (pseudonym) as a call of theirs starts; with `previousRef` (the
   * start's previous_customer_ref, a key rotation's) the calls under that pseudonym count too;
   * with `previousCallId` (the start's previous_call_id: a transfer given a new call id) that call
   * is this contact's last leg, not an earlier call (stores from before 022 answer no line).
   */
  lookup(
    tenant: string,
    customerRef: string,
    callId: string,
    signal?: AbortSignal,
    previousRef?: string,
    previousCallId?: string,
  ): Promise<HistoryAnswer>;
  /** A call of this customer ended: its next call must see it. */
  invalidate(tenant: string, customerRef: string): void;
}

const TOKEN_TTL_S = 300;
const MAX_TENANT_TOKENS = 1000;

export function createHistoryClient(options: HistoryClientOptions): HistoryClient {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const maxCached = options.maxCached ?? 10_000;
  const maxInFlight = options.maxInFlight ?? 64;
  let inFlight = 0;
  const cache = new Map<string, { summary: CustomerHistorySummary | null; untilMs: number }>();
  // One token per tenant (a token reads one tenant's history: service-token.ts), renewed halfway
  // through its life; at most MAX_TENANT_TOKENS kept (the oldest dropped first).
  const tokens = new Map<string, { value: string; renewAtMs: number }>();

  async function serviceToken(tenant: string): Promise<string> {
    const held = tokens.get(tenant);
    if (held && now() < held.renewAtMs) return held.value;
    const value = await issueServiceToken(options.tokens, options.service, tenant, TOKEN_TTL_S);
    tokens.delete(tenant);
    if (tokens.size >= MAX_TENANT_TOKENS) tokens.delete(tokens.keys().next().value!);
    tokens.set(tenant, { value, renewAtMs: now() + (TOKEN_TTL_S / 2) * 1000 });
    return value;
  }

  const keyOf = (tenant: string, ref: string) => `${tenant}\0${ref}`;

  let refusedSaid = false;
  return {
    async lookup(tenant, customerRef, callId, signal, previousRef = '', previousCallId = '') {
      const key = keyOf(tenant, customerRef);
      // A transferred call's answer is its own (its earlier legs are not earlier calls): neither
      // read from the customer's cached answer nor kept as it.
      const cacheable = previousCallId === '';
      const hit = cacheable ? cache.get(key) : undefined;
      if (hit && hit.untilMs > now()) return { ...answerOf(hit.summary), outcome: 'cached' };
      if (inFlight >= maxInFlight) return { line: null, summary: null, outcome: 'busy' };
      inFlight += 1;
      const url = new URL(`/internal/customers/${encodeURIComponent(customerRef)}/history`, options.baseUrl);
      url.search = new URLSearchParams({
        tenant,
        excludeCallId: callId,
        windowDays: String(options.windowDays),
        // Only a pseudonym travels (customer-pseudonym.ts), and only when it is another customer id.
        ...(pseudonymOrNone(previousRef) !== '' && previousRef !== customerRef ? { previousRef } : {}),
        ...(previousCallId !== '' && previousCallId !== callId ? { previousCallId } : {}),
      }).toString();
      try {
        const response = await doFetch(url, {
          headers: { authorization: `Bearer ${await serviceToken(tenant)}` },
          signal: signal
            ? AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)])
            : AbortSignal.timeout(options.timeoutMs),
        });
        if (!response.ok) {
          await response.body?.cancel();
          if ((response.status === 401 || response.status === 403) && !refusedSaid) {
            refusedSaid = true;
            options.onRefused?.(response.status);
          }
          return { line: null, summary: null, outcome: 'error' };
        }
        const summary = summaryOf(await response.json());
        if (cacheable) {
          cache.delete(key);
          cache.set(key, { summary, untilMs: now() + options.cacheMs });
          if (cache.size > maxCached) cache.delete(cache.keys().next().value as string);
        }
        const answer = answerOf(summary);
        return { ...answer, outcome: answer.line === null ? 'none' : 'line' };
      } catch (error) {
        const name = (error as { name?: string }).name;
        const timedOut = name === 'TimeoutError' || name === 'AbortError';
        return { line: null, summary: null, outcome: timedOut ? 'timeout' : 'error' };
      } finally {
        inFlight -= 1;
      }
    },
    invalidate(tenant, customerRef) {
      cache.delete(keyOf(tenant, customerRef));
    },
  };
}

const count = (v: unknown): number => (Number.isInteger(v) && (v as number) >= 0 ? (v as number) : 0);
const text = (v: unknown, max: number): string | null =>
  typeof v === 'string' && v.length <= max ? v : null;

/** The store's answer, checked field by field: a malformed one is no history, never a crash. */
function summaryOf(body: unknown): CustomerHistorySummary | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const line = text(b.line, 300);
  if (line === null) return null;
  return {
    recentCalls: count(b.recentCalls),
    windowDays: count(b.windowDays),
    totalCalls: count(b.totalCalls),
    lastEndState: text(b.lastEndState, 40),
    lastCallAt: text(b.lastCallAt, 40),
    escalations: count(b.escalations),
    frustrationEpisodes: count(b.frustrationEpisodes),
    transferred: b.transferred === true,
    previousLegEndState: text(b.previousLegEndState, 40),
    line,
  };
}

const answerOf = (summary: CustomerHistorySummary | null) => ({ line: summary?.line ?? null, summary });

/**
 * Whether a started call may show a history line: a customer (a pseudonym: a raw reference is no
 * customer, never put in a lookup URL), analytics consent, no opt-out.
 */
export function historyAllowed(e: {
  customerRef: string;
  consent: { analytics: boolean; historyOptOut?: boolean };
}): boolean {
  return pseudonymOrNone(e.customerRef) !== '' && e.consent.analytics && e.consent.historyOptOut !== true;
}
