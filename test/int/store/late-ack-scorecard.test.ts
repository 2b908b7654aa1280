// An earlier acknowledgement that arrives after a call's summary moves the scorecard's
// alertHandling part and the score, not only the summary's ackDelaysS: for a call re-summarised
// from its details and for one stored without its features (store/alert-resummary.ts). The late-ack
// Kafka test acknowledges within 60 s both times (the part is 1 either way), so it cannot tell.
// Each call also has a supervisor-only alert nobody acknowledged: both summaries (first and
// re-summarised) leave it out of the agent's part (counted, the part would be half).
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './backends.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';

type Ack = Extract<StoreEvent, { kind: 'ack' }>;
const staff = { tenant: 'acme', agentId: null, teams: null };

/** A scored call whose frustration alert was first acknowledged 200 s after it fired. */
function callOf(callId: string, storeFeatures: boolean) {
  const call = syntheticStoreCall({
    callId,
    durationS: 240,
    angryFromS: 30,
    angryToS: 60,
    alert: true,
    // The shipped customer-frustration rule's audience: an alert the agent was shown (alertHandling).
    alertAudience: 'agent,supervisor',
    ackAfterS: 200,
    storeFeatures,
  });
  const ack = call.alerts.find((e): e is Ack => e.kind === 'ack') as Ack;
  const cue = call.alerts.find((e) => e.kind === 'alert') as Extract<StoreEvent, { kind: 'alert' }>;
  call.alerts.push({
    ...cue,
    alertId: `${cue.alertId}-line`,
    ruleId: 'customer-line-fault',
    audience: 'supervisor',
    channel: null,
  });
  const earlier: Ack = {
    ...ack,
    ackedBy: 'supervisor-2',
    ackedAt: new Date(Date.parse(ack.ackedAt) - 190_000).toISOString(),
  };
  return { events: syntheticEvents(call), earlier };
}

describeEachBackend('a late earlier acknowledgement in the scorecard on %s', (opened) => {
  let store: CallStore;
  const calls = { kept: callOf('ack-kept', true), withheld: callOf('ack-withheld', false) };
  const cardOf = async (callId: string) => {
    const got = await store.getCall(staff, callId);
    const card = got.scorecard as { score: number | null; parts: { name: string; value: number | null }[] };
    return {
      ackDelaysS: (got.summary as { ackDelaysS: number[] }).ackDelaysS,
      alertHandling: card.parts.find((p) => p.name === 'alertHandling')?.value,
      score: card.score,
    };
  };
  const before = new Map<string, Awaited<ReturnType<typeof cardOf>>>();

  beforeAll(async () => {
    store = opened();
    for (const c of Object.values(calls)) await store.write(c.events);
    await store.finalizePending(0);
    for (const id of ['ack-kept', 'ack-withheld']) before.set(id, await cardOf(id));
    for (const c of Object.values(calls)) await store.write([c.earlier]);
    await store.finalizePending(0);
  });

  it.each(['ack-kept', 'ack-withheld'])(
    '%s: the part and the score follow the earlier acknowledgement',
    async (id) => {
      const was = before.get(id)!;
      expect(was.ackDelaysS).toEqual([200]);
      expect(was.alertHandling).toBeCloseTo(100 / 240, 2);
      expect(was.score).not.toBeNull();
      const got = await cardOf(id);
      expect(got.ackDelaysS).toEqual([10]);
      expect(got.alertHandling).toBe(1);
      expect(got.score as number).toBeGreaterThan(was.score as number);
    },
  );
});
