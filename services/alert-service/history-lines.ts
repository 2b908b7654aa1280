// The customer history line of each starting call (shared/customer-history-client.ts): looked up
// beside the live path, pushed to the call's viewers when it comes. I/O: HTTP to the call store.
import { callKey } from '../shared/call-key.ts';
import { RecentKeys } from '../shared/recent-keys.ts';
import type { ServiceBase } from '../shared/service-base.ts';
import { createHistoryClient, HISTORY_REFUSED, historyAllowed } from '../shared/customer-history-client.ts';
import type { CallEvent } from '../shared/records.ts';
import { createHistoryMetrics } from './alert-metrics.ts';
import type { AlertServiceConfig } from './config.ts';
import type { Hub } from './hub.ts';

/** Calls remembered as gone from the history mid-call, for their lookups still in flight. */
const MAX_LEFT_HISTORY_CALLS = 10_000;

/** Returns the fan-out's call-event hook, or undefined when history lines are off. */
export function startHistoryLines(
  config: AlertServiceConfig,
  base: ServiceBase,
  hub: Hub,
): ((event: CallEvent) => void) | undefined {
  if (!config.ALERT_HISTORY_URL) return undefined;
  if (!config.serviceKey) {
    base.logger.warn(
      'ALERT_HISTORY_URL set without SERVICE_TOKEN_SECRET or JWT_SECRET: no history line (no key to sign with)',
    );
    return undefined;
  }
  const { lookups, shown } = createHistoryMetrics(base.metrics.registry);
  const client = createHistoryClient({
    service: 'alert-service',
    baseUrl: config.ALERT_HISTORY_URL,
    tokens: { secret: new TextEncoder().encode(config.serviceKey), issuer: config.JWT_ISSUER },
    timeoutMs: config.ALERT_HISTORY_TIMEOUT_MS,
    cacheMs: config.ALERT_HISTORY_CACHE_MS,
    windowDays: config.ALERT_HISTORY_WINDOW_DAYS,
    onRefused: (status) => base.logger.error(HISTORY_REFUSED, { code: 'HISTORY_REFUSED', status }),
  });
  /** Calls whose consent left the history mid-call: a lookup still in flight shows nothing. */
  const leftHistory = new RecentKeys(MAX_LEFT_HISTORY_CALLS);
  return (e) => {
    if (e.type === 'ended' && e.customerRef) client.invalidate(e.tenant, e.customerRef);
    if (e.type === 'consent-changed' && !historyAllowed(e)) {
      // history_opt_out set (or analytics withdrawn) mid-call: the call leaves the customer's
      // history (the store drops it from the timeline; the cached lines that counted it go), and
      // its own line goes as for a call that started opted out (whose past is not looked up).
      leftHistory.add(callKey(e.tenant, e.callId));
      if (e.customerRef) client.invalidate(e.tenant, e.customerRef);
      hub.publishHistory(e.tenant, e.callId, '');
      return;
    }
    if (e.type !== 'started' || !historyAllowed(e)) return;
    // The fan-out re-reads va.calls.v1 from the beginning after a restart: only calls that may
    // still be live are looked up, not every call the topic still holds.
    if (Date.now() - (e.startTimeMs || Date.now()) > config.ALERT_CALL_IDLE_MS) return;
    // During a key rotation the previous pseudonym's calls count too (the store may not have
    // moved them yet). A transfer given a new call id: the call it continues is its last leg.
    void client
      .lookup(e.tenant, e.customerRef, e.callId, undefined, e.previousCustomerRef, e.previousCallId)
      .then(({ line, outcome }) => {
        lookups.inc({ outcome });
        if (leftHistory.has(callKey(e.tenant, e.callId))) return;
        if (line !== null && hub.publishHistory(e.tenant, e.callId, line) && e.producedAtMs > 0)
          shown.observe(Math.max(0, Date.now() - e.producedAtMs) / 1000);
      });
  };
}
