// Every gateway's memory of the calls whose consent was narrowed on any gateway (the va.calls.v1
// `consent-changed` events, consent-feed.ts): a stream resumed here after a hand-over may not claim
// back what was withdrawn elsewhere (CONSENT_WIDENED). Keyed by tenant and call id, so a tenant's
// record never applies to another tenant's call of the same id. Consent only narrows, so a replay
// or a duplicate (at-least-once) changes nothing and the narrowest consent seen is kept. Bounded:
// an entry lives `memoryMs` from its change, and past `maxCalls` the oldest change of the tenant
// holding the most goes first (one tenant's flood makes room from its own). A call's `ended` does
// not forget it: it ends one gateway's stream of the call, not the call (see `apply`).
// Pure apart from the injected clock.
import type { CallEvent, Consent } from '../shared/records.ts';

export interface ConsentMemory {
  /** Applies one va.calls.v1 call event: a consent change is kept (narrowest), others ignored. */
  apply(event: Pick<CallEvent, 'type' | 'tenant' | 'callId' | 'consent' | 'producedAtMs'>): void;
  /** The narrowest consent a change of this call set (on any gateway), or null: none known. */
  narrowed(tenant: string, callId: string): Consent | null;
  size(): number;
  /** Entries forgotten for room (maxCalls) since the start: each a call no longer checked. */
  evicted(): number;
}

interface Entry {
  consent: Required<Consent>;
  expiresAtMs: number;
}

export function createConsentMemory(
  options: { memoryMs: number; maxCalls: number },
  now: () => number = Date.now,
): ConsentMemory {
  // Per tenant, in insertion order = change order: each map's first entries are its oldest.
  const byTenant = new Map<string, Map<string, Entry>>();
  let total = 0;
  let evicted = 0;
  const remove = (tenant: string, calls: Map<string, Entry>, callId: string): void => {
    if (!calls.delete(callId)) return;
    total -= 1;
    if (calls.size === 0) byTenant.delete(tenant);
  };
  /** The tenant holding the most entries: the one room is made from. */
  const largest = (): [string, Map<string, Entry>] | undefined => {
    let found: [string, Map<string, Entry>] | undefined;
    for (const pair of byTenant) if (!found || pair[1].size > found[1].size) found = pair;
    return found;
  };
  const prune = (): void => {
    const at = now();
    for (const [tenant, calls] of byTenant)
      for (const [callId, entry] of calls) {
        if (entry.expiresAtMs > at) break;
        remove(tenant, calls, callId);
      }
    // Past maxCalls, room is made from the tenant that holds the most: the oldest first went
    // across tenants, so one tenant's flood of changes (calls dropped after a withdrawal, each
    // kept CONSENT_MEMORY_MS) pushed another tenant's withdrawals out, and that tenant's resumed
    // calls were no longer checked (pen-test pen31).
    while (total > options.maxCalls) {
      const [tenant, calls] = largest()!;
      remove(tenant, calls, calls.keys().next().value!);
      evicted += 1;
    }
  };
  return {
    apply(event) {
      // An `ended` is not a reason to forget: it says that one gateway's stream of the call ended
      // (its reconnect grace ran out, RECONNECT_GRACE_MS=0, a second stream of the id closed),
      // while the call may live on, handed over to another gateway, and resume there later. It
      // had cleared the withdrawal on every gateway, and such a resume got analytics back
      // (security review; test/int/ingest/consent-ended-elsewhere.test.ts).
      if (event.type !== 'consent-changed') return;
      const calls = byTenant.get(event.tenant);
      const before = calls?.get(event.callId)?.consent;
      const next = event.consent;
      if (calls) remove(event.tenant, calls, event.callId);
      const into = byTenant.get(event.tenant) ?? new Map<string, Entry>();
      byTenant.set(event.tenant, into);
      into.set(event.callId, {
        // The narrowest of both: a replayed older change never widens a later one.
        consent: {
          analytics: next.analytics && (before?.analytics ?? true),
          storeFeatures: next.storeFeatures && (before?.storeFeatures ?? true),
          historyOptOut: next.historyOptOut === true || before?.historyOptOut === true,
        },
        // From the change's own time: a restart re-reading it does not make it live longer.
        expiresAtMs: (event.producedAtMs > 0 ? event.producedAtMs : now()) + options.memoryMs,
      });
      total += 1;
      prune();
    },
    narrowed(tenant, callId) {
      prune();
      const entry = byTenant.get(tenant)?.get(callId);
      return entry && entry.expiresAtMs > now() ? { ...entry.consent } : null;
    },
    size: () => total,
    evicted: () => evicted,
  };
}
