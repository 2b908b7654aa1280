// A call's summary tells each alert's earliest acknowledgement, whenever and in whatever order the
// acknowledgements reach the store (va.alerts.v1 is at-least-once, and two supervisors on two
// alert-service instances may both acknowledge): through the real ingest (a Kafka broker, the
// store's consumer, both databases) and the summariser, for a call with its features kept and one
// stored without them (only its summary and alert rows are left once summarised).
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { toKafka } from '../../../devkit/records/store-records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { createStoreTopics, storeIngestOn, type StoreTestTopics } from '../../support/store-ingest.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { BACKENDS } from './backends.ts';

type Ack = Extract<StoreEvent, { kind: 'ack' }>;
const staff = { tenant: 'acme', agentId: null, teams: null };

/** A call of 90 s whose frustration alert (36 s in) was acknowledged 20 s after it fired. */
function callOf(storeFeatures: boolean) {
  const call = syntheticStoreCall({
    callId: `late-ack-${uniqueName('c')}`,
    durationS: 90,
    angryFromS: 30,
    angryToS: 60,
    alert: true,
    // The shipped customer-frustration rule's audience: an alert the agent was shown (alertHandling).
    alertAudience: 'agent,supervisor',
    ackAfterS: 20,
    storeFeatures,
  });
  const ack = call.alerts.find((e): e is Ack => e.kind === 'ack') as Ack;
  /** Another supervisor's acknowledgement, `beforeS` earlier than the first one stored. */
  const earlier = (by: string, beforeS: number): Ack => ({
    ...ack,
    ackedBy: by,
    ackedAt: new Date(Date.parse(ack.ackedAt) - beforeS * 1000).toISOString(),
  });
  return { call, events: syntheticEvents(call), earlier };
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'late acknowledgements in the summary on %s',
  (_name, make) => {
    const fixture = make();
    let store: CallStore;
    let kafka: Kafka;
    let producer: Producer;
    let on: StoreTestTopics;
    beforeAll(async () => {
      await fixture.setup();
      store = await fixture.open();
      kafka = testKafka('late-ack-test');
      producer = kafka.producer();
      await producer.connect();
    });
    afterAll(async () => {
      await producer?.disconnect();
      await fixture.teardown();
    });

    /** Consumes what the topics hold with a fresh ingest until `records` were read, then summarises. */
    async function ingestAll(records: number): Promise<void> {
      const ingest = storeIngestOn(on, { kafka, producer, store }, 'late-ack-test');
      await ingest.start();
      try {
        await waitFor('the records', async () => ingest.totals().records >= records, 60_000);
      } finally {
        await ingest.stop();
      }
      await store.finalizePending(0);
    }

    const summaryOf = async (callId: string) => {
      const got = await store.getCall(staff, callId);
      return {
        ackDelaysS: (got.summary as { ackDelaysS: number[] }).ackDelaysS,
        alertHandling: (
          got.scorecard as { parts: { name: string; value: number | null }[] } | null
        )?.parts.find((p) => p.name === 'alertHandling')?.value,
        acknowledgedBy: got.alerts[0].lifecycle.acknowledged?.by,
      };
    };

    it('recomputes ackDelaysS when earlier acknowledgements arrive after the summary', async () => {
      on = await createStoreTopics(kafka);
      const kept = callOf(true);
      const withheld = callOf(false);
      for (const batch of toKafka([...kept.events, ...withheld.events], on.topics))
        await producer.send(batch);
      const first = kept.events.length + withheld.events.length;
      await ingestAll(first);
      for (const c of [kept, withheld])
        expect(await summaryOf(c.call.start.callId)).toMatchObject({ ackDelaysS: [20] });

      // Late, in one send: an acknowledgement 5 s before the stored one, then the earliest (15 s
      // before it), as two alert-service instances' records may land. A fresh ingest reads the
      // topics again from the start (a replay too), so the two share a batch with the rest.
      const late = [kept, withheld].flatMap((c) => [
        c.earlier('supervisor-3', 5),
        c.earlier('supervisor-2', 15),
      ]);
      for (const batch of toKafka(late, on.topics)) await producer.send(batch);
      await ingestAll(first + late.length);
      for (const c of [kept, withheld]) {
        const got = await summaryOf(c.call.start.callId);
        expect(got).toMatchObject({ ackDelaysS: [5], acknowledgedBy: 'supervisor-2' });
        // Acknowledged within 60 s: the part's full value, where the call is scored.
        if (got.alertHandling !== undefined) expect(got.alertHandling).toBe(1);
      }
    });
  },
);
