// Review probe: a 40P01 from the database on an ingest chunk: retried, nothing dead-lettered or lost?
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { createStoreTopics, storeIngestOn } from '../../support/store-ingest.ts';
import { toKafka } from '../../../devkit/records/store-records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';

let store: CallStore;
let kafka: Kafka;
let producer: Producer;
beforeAll(async () => {
  store = await openCallStore({});
  kafka = testKafka('call-store-test');
  producer = kafka.producer();
  await producer.connect();
});
afterAll(async () => {
  await producer?.disconnect();
  await store.close();
});

it('a deadlock (40P01) on a chunk is retried: every record stored, none dead-lettered', async () => {
  const on = await createStoreTopics(kafka);
  const call = syntheticStoreCall({ callId: `dl-${uniqueName('c')}`, durationS: 30, customerRef: null });
  const events = syntheticEvents(call);
  for (const batch of toKafka(events, on.topics)) await producer.send(batch);
  let failures = 0;
  const flaky = {
    ...store,
    writeValid: async (e: Parameters<CallStore['writeValid']>[0]) => {
      if (failures < 2) {
        failures++;
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      }
      return store.writeValid(e);
    },
  } as CallStore;
  const ingest = storeIngestOn(on, { kafka, producer, store: flaky }, 'call-store-test');
  await ingest.start();
  try {
    await waitFor('every record', async () => ingest.totals().records >= events.length, 60_000);
    const [{ n }] = await store.backend.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM calls WHERE call_id = $1',
      [call.start.callId],
    );
    expect(n).toBe(1);
    expect(ingest.totals().deadLettered).toBe(0);
    expect(ingest.totals().records).toBe(events.length);
  } finally {
    await ingest.stop();
  }
});
