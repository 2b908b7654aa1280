// A recycled call id inside one write (store.write, both backends): the first call's records
// before the later call's start are kept, everything from that start on is dropped; the first
// call's own consent change after its end (dated by its start) is still the first call's.
import { expect, it } from 'vitest';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { describeEachBackend } from './backends.ts';

const ADMIN = { tenant: 'acme', agentId: null, teams: null };

function calls(callId: string) {
  const first = syntheticStoreCall({
    callId,
    agentId: 'ann',
    startedAt: new Date('2026-12-02T09:00:00Z'),
    durationS: 20,
  });
  const later = syntheticStoreCall({
    callId,
    agentId: 'bob',
    startedAt: new Date('2026-12-02T09:02:00Z'),
    durationS: 40,
    angryFromS: 10,
    angryToS: 30,
    alert: true,
  });
  return { first, later };
}

describeEachBackend('a recycled call id in one write on %s', (store) => {
  const windowsOf = async (callId: string) =>
    (
      await store().backend.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM speaker_windows WHERE tenant = 'acme' AND call_id = $1`,
        [callId],
      )
    )[0].n;

  it("keeps the first call's records before the later call's start and drops the rest", async () => {
    const { first, later } = calls('batch-reuse');
    const laterEvents = syntheticEvents(later);
    const written = await store().write([...syntheticEvents(first), ...laterEvents]);
    expect(written.reused).toBe(laterEvents.length);
    expect(await windowsOf('batch-reuse')).toBe(first.body.filter((e) => e.kind === 'features').length);
    const call = await store().getCall(ADMIN, 'batch-reuse');
    expect(call).toMatchObject({ agentId: 'ann', status: 'ended', durationMs: 20_000 });
    expect(call.alerts).toEqual([]);
  });

  it("takes the first call's consent change after its end, and not the later call's", async () => {
    const { first, later } = calls('batch-consent');
    await store().write(syntheticEvents(first));
    const narrowed = (start: StoreEvent): StoreEvent => ({
      ...(start as Extract<StoreEvent, { kind: 'call-start' }>),
      consent: { analytics: true, storeFeatures: false },
      consentChange: true,
    });
    // The later call's start, then its own consent change: both the later call's (dropped).
    expect((await store().write([later.start, narrowed(later.start)])).reused).toBe(2);
    const kept = await store().getCall(ADMIN, 'batch-consent');
    expect(kept.storeFeatures).toBe(true);
    // The first call's consent change, dated by its start: still its own (a narrower consent).
    expect((await store().write([narrowed(first.start)])).reused).toBe(0);
    expect((await store().getCall(ADMIN, 'batch-consent')).storeFeatures).toBe(false);
  });
});
