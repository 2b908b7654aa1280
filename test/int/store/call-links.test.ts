// A transfer that the platform gave a new call id (CallStart previous_call_id, migration 022): the
// call store links the two calls for the reader who may open them, and the customer's history
// counts them as one contact: the new agent's line says how the last leg ended, not "2nd call".
// On both backends.
import { beforeAll, expect, it } from 'vitest';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { describeEachBackend } from './backends.ts';

const REF = pseudonymiseCustomerRef('links-test-key-0123456789abcdef', 'acme', '+44 7700 900003');
const staff = { tenant: 'acme', agentId: null, teams: null };
const agent = (agentId: string) => ({ tenant: 'acme', agentId, teams: null });
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/** A customer call with `agentId`, started `m` minutes ago, continuing `previousCallId`. */
function call(
  callId: string,
  agentId: string,
  m: number,
  options: { previousCallId?: string; angry?: boolean },
) {
  const c = syntheticStoreCall({
    callId,
    agentId,
    customerRef: REF,
    startedAt: minutesAgo(m),
    durationS: 60,
    ...(options.angry ? { angryFromS: 20, angryToS: 60 } : {}),
  });
  const start = { ...c.start, ...(options.previousCallId ? { previousCallId: options.previousCallId } : {}) };
  return [start as StoreEvent, ...c.body, c.end];
}

describeEachBackend('calls linked by a transfer on %s', (opened) => {
  let store: CallStore;
  beforeAll(async () => {
    store = opened();
    // Yesterday's call, then today: ann's call (the customer ends angry) transferred to bob on a new
    // call id, and bob's transferred on to cy. A replay repeats the second leg's start.
    await store.write(call('day-before', 'dee', 24 * 60, {}));
    await store.write(call('leg-1', 'ann', 10, { angry: true }));
    await store.write(call('leg-2', 'bob', 8, { previousCallId: 'leg-1' }));
    await store.write(call('leg-2', 'bob', 8, { previousCallId: 'leg-1' }));
    await store.write(call('leg-3', 'cy', 6, { previousCallId: 'leg-2' }));
  });

  it('links each call to the one it continues and the ones that continue it', async () => {
    const second = await store.getCall(staff, 'leg-2');
    expect([second.previousCallId, second.continuedBy]).toEqual(['leg-1', ['leg-3']]);
    const first = await store.getCall(staff, 'leg-1');
    expect([first.previousCallId, first.continuedBy]).toEqual([null, ['leg-2']]);
    const unlinked = await store.getCall(staff, 'day-before');
    expect([unlinked.previousCallId, unlinked.continuedBy]).toEqual([null, []]);
  });

  it('names a linked call only to a reader who may open it', async () => {
    const bobs = await store.getCall(agent('bob'), 'leg-2');
    expect([bobs.previousCallId, bobs.continuedBy]).toEqual([null, []]);
  });

  it('keeps the first link a call was given (a later start cannot re-point it)', async () => {
    await store.write([
      { ...(call('leg-2', 'bob', 8, {})[0] as object), previousCallId: 'day-before' } as StoreEvent,
    ]);
    expect((await store.getCall(staff, 'leg-2')).previousCallId).toBe('leg-1');
  });

  it("counts a contact once and tells the transferred call's agent how the last leg ended", async () => {
    // What bob's line said as leg-2 started: leg-1 is this contact's last leg, not an earlier call.
    const forBob = await store.historySummary('acme', REF, {
      windowDays: 7,
      excludeCallId: 'leg-2',
      previousCallId: 'leg-1',
    });
    expect([forBob.recentCalls, forBob.totalCalls, forBob.transferred]).toEqual([1, 1, true]);
    expect(forBob.line).toBe(
      'transferred: last leg ended angry · 2nd call in 7 days · last call ended neutral',
    );
    // cy's leg continues the whole chain: neither leg counts as an earlier call.
    const forCy = await store.historySummary('acme', REF, {
      windowDays: 7,
      excludeCallId: 'leg-3',
      previousCallId: 'leg-2',
    });
    expect([forCy.recentCalls, forCy.totalCalls]).toEqual([1, 1]);
    // The customer's next call: the three legs are one earlier contact, yesterday's another.
    const next = await store.historySummary('acme', REF, { windowDays: 7, excludeCallId: 'next' });
    expect([next.recentCalls, next.totalCalls, next.transferred]).toEqual([2, 2, false]);
    expect(next.line).toMatch(/^3rd call in 7 days/);
  });

  it('refuses a previous call id that is not one', async () => {
    const { parseHistorySummaryQuery } = await import('../../../services/call-store/store/history.ts');
    expect(() => parseHistorySummaryQuery({ tenant: 'acme', previousCallId: 'a:b' })).toThrow(
      expect.objectContaining({ code: 'INVALID_QUERY' }),
    );
  });
});
