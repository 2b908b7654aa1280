// Every gateway's memory of consent changes: the narrowest consent of a call is kept whatever
// order the changes (and their replays) come in, another tenant's call of the same id is another
// call, the call's end forgets it, and it is bounded by age and by count.
import { describe, expect, it } from 'vitest';
import { createConsentMemory } from '../../../../services/ingest-gateway/consent-memory.ts';
import type { CallEvent, Consent } from '../../../../services/shared/records.ts';

const ALL: Consent = { analytics: true, storeFeatures: true, historyOptOut: false };
const NO_FEATURES: Consent = { analytics: true, storeFeatures: false, historyOptOut: false };
const NONE: Consent = { analytics: false, storeFeatures: false, historyOptOut: false };

const event = (
  type: CallEvent['type'],
  callId: string,
  consent: Consent,
  producedAtMs = 1_000,
  tenant = 'acme',
) => ({ type, tenant, callId, consent, producedAtMs });

describe('consent memory (consent changes of every gateway)', () => {
  it('keeps the narrowest consent, also when an older change is replayed after a later one', () => {
    const memory = createConsentMemory({ memoryMs: 60_000, maxCalls: 10 }, () => 2_000);
    memory.apply(event('consent-changed', 'call-1', NONE));
    memory.apply(event('consent-changed', 'call-1', NO_FEATURES)); // a replay of the earlier change
    memory.apply(event('consent-changed', 'call-1', NONE)); // a duplicate
    expect(memory.narrowed('acme', 'call-1')).toEqual(NONE);
    expect(memory.size()).toBe(1);
  });

  it('never applies a tenant’s change to another tenant’s call of the same id', () => {
    const memory = createConsentMemory({ memoryMs: 60_000, maxCalls: 10 }, () => 2_000);
    memory.apply(event('consent-changed', 'call-1', NONE, 1_000, 'acme'));
    expect(memory.narrowed('globex', 'call-1')).toBeNull();
    expect(memory.narrowed('acme', 'call-1')).toEqual(NONE);
  });

  it('ignores starts, and keeps a withdrawal past an ended of the call (one gateway’s stream ended, not the call)', () => {
    const memory = createConsentMemory({ memoryMs: 60_000, maxCalls: 10 }, () => 2_000);
    memory.apply(event('started', 'call-1', ALL));
    expect(memory.narrowed('acme', 'call-1')).toBeNull();
    memory.apply(event('consent-changed', 'call-1', NONE));
    memory.apply(event('ended', 'call-1', ALL));
    expect(memory.narrowed('acme', 'call-1')).toEqual(NONE);
    expect(memory.size()).toBe(1);
  });

  it('forgets a change memoryMs after it was made (not after it was read back), and the oldest past maxCalls', () => {
    let clock = 1_000;
    const memory = createConsentMemory({ memoryMs: 10_000, maxCalls: 2 }, () => clock);
    memory.apply(event('consent-changed', 'old', NONE, 1_000));
    clock = 10_999;
    expect(memory.narrowed('acme', 'old')).toEqual(NONE);
    clock = 11_000;
    expect(memory.narrowed('acme', 'old')).toBeNull();
    memory.apply(event('consent-changed', 'read-back-late', NONE, 0 + 500)); // made long ago
    expect(memory.narrowed('acme', 'read-back-late')).toBeNull();

    memory.apply(event('consent-changed', 'a', NONE, 11_000));
    memory.apply(event('consent-changed', 'b', NONE, 11_000));
    memory.apply(event('consent-changed', 'c', NONE, 11_000));
    expect(memory.narrowed('acme', 'a')).toBeNull();
    expect(memory.narrowed('acme', 'c')).toEqual(NONE);
    expect([memory.size(), memory.evicted()]).toEqual([2, 1]);
  });

  it("makes room from the tenant holding the most: one tenant's flood never pushes out another's withdrawal", () => {
    // Pen-test pen31: the oldest change went first whatever its tenant, so a tenant dropping
    // calls after a consent change (each kept CONSENT_MEMORY_MS) evicted a competitor's
    // withdrawals, and the competitor's resumed calls could claim analytics back.
    const memory = createConsentMemory({ memoryMs: 60_000, maxCalls: 10 }, () => 2_000);
    memory.apply(event('consent-changed', 'victim-call', NONE, 1_000, 'globex'));
    for (let i = 0; i < 50; i += 1) memory.apply(event('consent-changed', `flood-${i}`, NONE, 1_000, 'acme'));
    expect(memory.narrowed('globex', 'victim-call')).toEqual(NONE);
    expect(memory.size()).toBe(10);
    expect(memory.narrowed('acme', 'flood-49')).toEqual(NONE);
    expect(memory.narrowed('acme', 'flood-0')).toBeNull();
    expect(memory.evicted()).toBe(41);
  });
});
