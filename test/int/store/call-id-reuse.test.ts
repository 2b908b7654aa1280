// A call id recycled by a platform, through the store's real ingest (real broker, both databases):
// agent ann's ended call, then agent bob's call with another customer under the same id. Ann's
// call keeps its own agent, customer, windows and alerts (none of bob's: before, bob's frustration
// alert was listed on ann's GET /calls/{id}), bob's customer has no history from it, the later
// call's records are counted (CALL_ID_REUSED); a late duplicate of ann's records and a replay of
// both calls from the start leave the stored state as it was.
import { expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { toKafka } from '../../../devkit/records/store-records.ts';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { uniqueName } from '../../support/kafka.ts';
import { createStoreTopics, storeIngestOn, type StoreTestTopics } from '../../support/store-ingest.ts';
import { describeEachBackendOnKafka } from './backends.ts';

const KEY = 'call-id-reuse-test-key-0123456789abcdef';
const ANNS_CUSTOMER = pseudonymiseCustomerRef(KEY, 'acme', '+44 7700 900101');
const BOBS_CUSTOMER = pseudonymiseCustomerRef(KEY, 'acme', '+44 7700 900102');
const ADMIN = { tenant: 'acme', agentId: null, teams: null };
const CHILD_TABLES = [
  'speaker_windows',
  'emotion_events',
  'dynamics_windows',
  'alerts',
  'alert_acks',
  'call_legs',
];

/** Ann's calm 60-s call, then bob's angry 120-s one (longer: windows ann's call never had). */
function twoCallsUnderOneId(callId: string) {
  const ann = syntheticStoreCall({
    callId,
    agentId: 'ann',
    team: 'billing',
    customerRef: ANNS_CUSTOMER,
    startedAt: new Date('2026-12-01T09:00:00Z'),
    durationS: 60,
  });
  const bob = syntheticStoreCall({
    callId,
    agentId: 'bob',
    team: 'support',
    customerRef: BOBS_CUSTOMER,
    startedAt: new Date('2026-12-01T09:05:00Z'),
    durationS: 120,
    angryFromS: 30,
    angryToS: 90,
    alert: true,
    ackAfterS: 5,
    seed: 2,
  });
  return { ann, bob };
}

/** Every stored row of the id, but the bookkeeping times (what a reader could be shown). */
async function storedState(store: CallStore, callId: string): Promise<string[]> {
  const rows: string[] = [];
  for (const table of ['calls', ...CHILD_TABLES]) {
    const found = await store.backend.query<{ row: string }>(
      `SELECT (to_jsonb(t) - 'updated_at' - 'received_at' - 'needs_summary')::text AS row
       FROM ${table} t WHERE tenant = 'acme' AND call_id = $1 ORDER BY 1`,
      [callId],
    );
    rows.push(...found.map((r) => `${table} ${r.row}`));
  }
  return rows;
}

describeEachBackendOnKafka(
  'a recycled call id through the call-store ingest on %s',
  'call-id-reuse-test',
  (deps) => {
    const send = async (on: StoreTestTopics, events: readonly StoreEvent[]) => {
      const { producer } = deps();
      for (const batch of toKafka(events, on.topics)) await producer.send(batch);
    };
    const count = async (table: string, callId: string) =>
      (
        await deps().store.backend.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${table} WHERE tenant = 'acme' AND call_id = $1`,
          [callId],
        )
      )[0].n;

    it("keeps bob's call off ann's, on a late duplicate and on a replay of both from the start", async () => {
      const { store, kafka, producer } = deps();
      const callId = uniqueName('recycled');
      const { ann, bob } = twoCallsUnderOneId(callId);
      const annsWindows = ann.body.filter((e) => e.kind === 'features').length;
      const bobsRecords = syntheticEvents(bob);
      const on = await createStoreTopics(kafka);
      await send(on, syntheticEvents(ann));
      const ingest = storeIngestOn(on, { kafka, producer, store }, 'call-id-reuse-test');
      await ingest.start();
      let state: string[];
      try {
        await waitFor(
          "ann's call, ended, with its windows",
          async () =>
            (await count('speaker_windows', callId)) === annsWindows &&
            (await store.getCall(ADMIN, callId).then((c) => c.status === 'ended')),
          60_000,
        );
        const annsState = await storedState(store, callId);
        // Bob's call under the same id: its start first (the gateway announces it at its first
        // frame, before any window), then the rest.
        const annsRecords = ingest.totals().records;
        await send(on, [bob.start]);
        await waitFor("bob's start", async () => ingest.totals().records >= annsRecords + 1, 60_000);
        await send(on, bobsRecords.slice(1));
        await waitFor(
          "bob's records",
          async () => ingest.totals().records >= annsRecords + bobsRecords.length,
          60_000,
        );
        // Nothing of bob's reached ann's call: every row as it was before (but the reuse mark).
        state = await storedState(store, callId);
        expect(state.map((r) => r.replace(/,? ?"reused_at": "[^"]*"/, ''))).toEqual(
          annsState.map((r) => r.replace(/,? ?"reused_at": null/, '')),
        );
        // Each of bob's records counted as dropped (CALL_ID_REUSED), none as written.
        expect(ingest.totals().reused).toBe(bobsRecords.length);

        // A late duplicate of ann's records after bob's call started stays ann's (unchanged).
        const before = ingest.totals().records;
        await send(on, syntheticEvents(ann));
        await waitFor(
          'the duplicate',
          async () => ingest.totals().records >= before + syntheticEvents(ann).length,
          60_000,
        );
        expect(await storedState(store, callId)).toEqual(state);
      } finally {
        await ingest.stop();
      }

      // A crash: every record of both calls read again from the start, in partition order, with
      // bob's start stored already.
      const replay = storeIngestOn(on, { kafka, producer, store }, 'call-id-reuse-test');
      await replay.start();
      const everything = 2 * syntheticEvents(ann).length + bobsRecords.length;
      try {
        await waitFor('the replay', async () => replay.totals().records >= everything, 60_000);
        // Nothing written; ann's records of the id count as dropped with bob's (a reused id's
        // windows and alerts are not written again: stored ones stay, later ones are refused).
        expect(replay.totals().inserted).toBe(0);
        expect(replay.totals().reused).toBeGreaterThanOrEqual(bobsRecords.length);
        expect(await storedState(store, callId)).toEqual(state);
      } finally {
        await replay.stop();
      }

      // What ann (and any reader) is shown: ann's call alone.
      await store.finalizePending(0);
      const asAnn = await store.getCall({ tenant: 'acme', agentId: 'ann', teams: null }, callId);
      expect(asAnn).toMatchObject({ agentId: 'ann', team: 'billing' });
      expect((await store.getCall(ADMIN, callId)).customerRef).toBe(ANNS_CUSTOMER);
      expect(asAnn.alerts).toEqual([]);
      expect(asAnn.durationMs).toBe(60_000);
      await expect(
        store.getCall({ tenant: 'acme', agentId: 'bob', teams: null }, callId),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const timeline = await store.getTimeline(ADMIN, callId, null);
      expect(timeline.speakers.customer.windows.windowIndex).toHaveLength(annsWindows / 2);
      // Ann's customer has one call; bob's customer none (not ann's call counted as theirs).
      expect((await store.customerCalls(ADMIN, ANNS_CUSTOMER)).calls).toHaveLength(1);
      expect((await store.historySummary('acme', BOBS_CUSTOMER, { windowDays: 3650 })).totalCalls).toBe(0);
    });
  },
);
