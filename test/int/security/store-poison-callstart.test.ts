// One bad CallStart must not stall the call store. A batch of va.calls.v1
// records with poison CallStarts among good ones (NUL in the agent id, an empty agent id, a
// 65-character team, a start time before 2000 or centuries ahead) is consumed
// by the real store ingest (real broker, PGlite): the good calls land within seconds, each poison
// record is dead-lettered alone with a stable code and is not stored. The real gateway refuses the
// same metadata and start times with INVALID_ARGUMENT.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { createServiceMetrics } from '../../../services/shared/metrics.ts';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import { callKey } from '../../../services/shared/call-key.ts';
import { callEventCodec, deadLetterCodec, type CallEvent } from '../../../services/shared/index.ts';
import { createIngestClient, openCallStream } from '../../../services/simulator/ingest-client.ts';
import { callEventRecord } from '../../../devkit/records/call-event.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { createStoreTopics, storeIngestOn } from '../../support/store-ingest.ts';
import { collect, deleteTopics, startTestGateway } from '../ingest/helpers.ts';

/** CallStart metadata the store cannot keep, as a client could send it to the gateway. */
const BAD_METADATA = {
  'nul-agent': { agentId: 'agent\u00001' },
  'nul-team': { team: 'blue\u0000' },
  'empty-agent': { agentId: '' },
  'long-team': { team: 't'.repeat(65) },
} as const;

const started = (callId: string, over: Partial<CallEvent> = {}): CallEvent =>
  callEventRecord(callId, {
    eventId: `acme/${callId}:call:0:start`,
    tenant: 'acme',
    agentId: 'agent-1',
    queue: 'billing',
    team: 'blue',
    startTimeMs: Date.parse('2026-12-01T10:00:00Z'),
    ...over,
  });

describe('a poison CallStart in the call store', () => {
  let store: CallStore;
  beforeAll(async () => {
    store = await openCallStore({});
  });
  afterAll(async () => {
    await store?.close();
  });

  it('dead-letters only the poison records; the good calls land within seconds', async () => {
    const kafka = testKafka('poison-callstart');
    // One partition: every record below arrives in the same fetched batch and transaction.
    const on = await createStoreTopics(kafka, 1);
    const { topics, deadTopic } = on;
    const run = uniqueName('p').replace('.', '-');
    const poison: Record<string, CallEvent> = {
      ...Object.fromEntries(
        Object.entries(BAD_METADATA).map(([name, over]) => [name, started(`${run}-${name}`, over)]),
      ),
      // Out of the wall-clock bounds: before 2000, or never expiring.
      'year-zero': started(`${run}-year-zero`, { startTimeMs: Date.parse('0000-06-01T00:00:00Z') }),
      'far-future': started(`${run}-far-future`, { startTimeMs: Date.parse('2999-01-01T00:00:00Z') }),
    };
    const good = Array.from({ length: Object.keys(poison).length + 2 }, (_, i) =>
      started(`${run}-good-${i}`),
    );
    const records = [good[0], good[1], ...Object.values(poison).flatMap((p, i) => [p, good[i + 2]])];
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.calls,
      messages: records.map((r) => ({
        key: callKey(r.tenant, r.callId),
        value: callEventCodec.encode(r),
        headers: callEventCodec.headers(),
      })),
    });
    const metrics = createServiceMetrics('call-store', { defaultMetrics: false });
    const ingest = storeIngestOn(on, { kafka, producer, store, metrics }, 'poison-test');
    const startedAt = Date.now();
    await ingest.start();
    try {
      const storedIds = async () =>
        (
          await store.backend.query<{ call_id: string }>(
            `SELECT call_id FROM calls WHERE call_id LIKE $1 ORDER BY call_id`,
            [`${run}-%`],
          )
        ).map((row) => row.call_id);
      while ((await storedIds()).length < good.length && Date.now() - startedAt < 15_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Within seconds of the consumer starting (group join included), not after retries.
      expect(await storedIds()).toEqual(good.map((g) => g.callId).sort());
      expect(Date.now() - startedAt).toBeLessThan(15_000);
    } finally {
      await ingest.stop();
      await producer.disconnect();
    }
    const letters = await collect(kafka, deadTopic, Object.keys(poison).length, (message) =>
      deadLetterCodec.decode(message.value, message.headers as never),
    );
    const offsetOf = (event: CallEvent) => String(records.indexOf(event));
    const byOffset = new Map(letters.map((l) => [l.offset, l]));
    expect(letters).toHaveLength(Object.keys(poison).length);
    // On the dashboards' "dead letters / s" panel, like every other service's dead letters.
    const out = await metrics.recordsOut.get();
    expect(out.values.find((v) => v.labels.topic === deadTopic)?.value).toBe(Object.keys(poison).length);
    for (const [name, event] of Object.entries(poison)) {
      const letter = byOffset.get(offsetOf(event));
      expect([name, letter?.reasonCode, letter?.topic]).toEqual([name, 'INVALID_RECORD', topics.calls]);
      // Reason and coordinates only: no copy of the record, no value quoted by the database.
      expect(letter?.originalValue.byteLength).toBe(0);
      expect(letter?.message).not.toMatch(/agent-1|blue|0000-06|2999/);
      expect(letter?.message).not.toContain('\u0000');
    }
  });
});

describe('the gateway refuses what the store could not keep', () => {
  const TOKEN = 'acme-token-0123456789';
  const audioTopic = uniqueName('poison.audio');
  const callsTopic = uniqueName('poison.calls');
  let gateway: Gateway;
  let client: ReturnType<typeof createIngestClient>;
  beforeAll(async () => {
    gateway = await startTestGateway(
      { audio: audioTopic, calls: callsTopic },
      { TENANT_TOKENS: `acme=${TOKEN}`, TOPIC_PARTITIONS: '1' },
    );
    client = createIngestClient(`127.0.0.1:${gateway.grpc.port}`);
  });
  afterAll(async () => {
    client?.close();
    await gateway?.stop();
    await deleteTopics(testKafka(), [audioTopic, callsTopic]);
  });

  it.each(Object.entries(BAD_METADATA))(
    'refuses %s with INVALID_ARGUMENT BAD_METADATA',
    async (_name, over) => {
      const stream = openCallStream(client, TOKEN);
      await stream.write({
        start: {
          callId: uniqueName('call').replace('.', '-'),
          agentId: 'agent-7',
          queue: 'billing',
          team: 'blue',
          codec: 'CODEC_PCMU',
          sampleRateHz: 8000,
          consent: { analytics: true, storeFeatures: true },
          ...over,
        },
      });
      const result = await Promise.race([
        stream.result,
        new Promise<Awaited<typeof stream.result>>((r) => setTimeout(() => r(stream.finish()), 2_000)),
      ]);
      expect([result.code, result.details]).toEqual([
        grpc.status.INVALID_ARGUMENT,
        expect.stringMatching(/BAD_METADATA/),
      ]);
    },
  );

  it.each([
    ['more than a day ahead', Date.now() + 2 * 86_400_000],
    ['before 2000', Date.parse('1999-12-31T23:59:59Z')],
  ])('refuses a start time %s with INVALID_ARGUMENT BAD_START_TIME', async (_name, startTimeMs) => {
    const stream = openCallStream(client, TOKEN);
    await stream.write({
      start: {
        callId: uniqueName('call').replace('.', '-'),
        agentId: 'agent-7',
        startTimeMs,
        codec: 'CODEC_PCMU',
        sampleRateHz: 8000,
        consent: { analytics: true, storeFeatures: true },
      },
    });
    const result = await Promise.race([
      stream.result,
      new Promise<Awaited<typeof stream.result>>((r) => setTimeout(() => r(stream.finish()), 2_000)),
    ]);
    expect([result.code, result.details]).toEqual([
      grpc.status.INVALID_ARGUMENT,
      expect.stringMatching(/BAD_START_TIME/),
    ]);
  });
});
