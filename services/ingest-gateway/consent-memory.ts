// Every gateway's memory of the calls whose consent was narrowed on any gateway (the va.calls.v1
// `consent-changed` events, consent-feed.ts): a stream resumed here after a hand-over may not claim
// back what was withdrawn elsewhere (CONSENT_WIDENED). Keyed by tenant and call id, so a tenant's
// record never applies to another tenant's call of the same id. Consent only narrows, so a replay
// or a duplicate (at-least-once) changes nothing and the narrowest consent seen is kept. Bounded:
// an entry lives `memoryMs` from its change, is forgotten at the call's `ended` event, and past
// `maxCalls` the oldest goes first. Pure apart from the injected clock.
import { callKey } from '../shared/call-key.ts';
import type { CallEvent, Consent } from '../shared/records.ts';

export interface ConsentMemory {
  /** Applies one va.calls.v1 call event: a consent change is kept (narrowest), an end forgets. */
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
  // Insertion order = change order: the first entries are the oldest (for expiry and eviction).
  const entries = new Map<string, Entry>();
  let evicted = 0;
  const prune = (): void => {
    const at = now();
    for (const [key, entry] of entries) {
      if (entry.expiresAtMs > at && entries.size <= options.maxCalls) break;
      if (entry.expiresAtMs > at) evicted += 1;
      entries.delete(key);
    }
  };
  return {
    apply(event) {
      const key = callKey(event.tenant, event.callId);
      if (event.type === 'ended') {
        entries.delete(key);
        return;
      }
      if (event.type !== 'consent-changed') return;
      const before = entries.get(key)?.consent;
      const next = event.consent;
      entries.delete(key);
      entries.set(key, {
        // The narrowest of both: a replayed older change never widens a later one.
        consent: {
          analytics: next.analytics && (before?.analytics ?? true),
          storeFeatures: next.storeFeatures && (before?.storeFeatures ?? true),
          historyOptOut: next.historyOptOut === true || before?.historyOptOut === true,
        },
        // From the change's own time: a restart re-reading it does not make it live longer.
        expiresAtMs: (event.producedAtMs > 0 ? event.producedAtMs : now()) + options.memoryMs,
      });
      prune();
    },
    narrowed(tenant, callId) {
      prune();
      const entry = entries.get(callKey(tenant, callId));
      return entry && entry.expiresAtMs > now() ? { ...entry.consent } : null;
    },
    size: () => entries.size,
    evicted: () => evicted,
  };
}
