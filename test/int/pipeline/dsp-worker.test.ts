// The dsp-worker against the real broker, run as a child process: a worker SIGKILLed mid-call is
// replaced with no gap in the call's windows, a corrupt record goes to the dead-letter topic while
// the worker keeps going, a chunk spanning gap-filled silence loses no window, and a call that
// never ends is freed after the idle timeout.
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCallAnalyzer } from '../../../pipelines/dsp/index.ts';
import { decodeFeaturesTopic, deadLetterCodec, audioChunkCodec } from '../../../services/shared/records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { syntheticCall } from '../../../devkit/audio/stereo-call.ts';
import {
  collectTopic,
  createTopicsReady,
  HARNESS_TENANT,
  metricValue,
  produceCallAudio,
  scrape,
  startServiceProcess,
  toTelephoneCall,
  type ServiceProcess,
  type TelephoneCall,
  waitUntilReady,
} from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { outRecord, sendRecords } from '../../../services/shared/producer.ts';
import { callKey } from '../../../services/shared/call-key.ts';

/** The ids pipelines/dsp gives the same audio in one process: what the live pipeline must match. */
function expectedIds(call: TelephoneCall, ended: boolean): string[] {
  const analyzer = createCallAnalyzer({ format: { codec: 'pcmu', sampleRateHz: 8000 } });
  const ids: string[] = [];
  const take = (out: ReturnType<typeof analyzer.push>): void => {
    for (const { channel, window } of out.windows)
      ids.push(`${HARNESS_TENANT}/${call.callId}:${channel}:${window.windowIndex}:features`);
    for (const d of out.dynamics) ids.push(`${HARNESS_TENANT}/${call.callId}:both:${d.windowIndex}:dynamics`);
  };
  for (let at = 0; at < call.agent.length; at += 800) {
    take(analyzer.push('agent', call.agent.subarray(at, at + 800)));
    take(analyzer.push('customer', call.customer.subarray(at, at + 800)));
  }
  if (ended) take(analyzer.flush());
  return ids;
}

interface Topics {
  audio: string;
  features: string;
  deadletter: string;
}

async function setUp(
  kafka: Kafka,
): Promise<{ topics: Topics; env: Record<string, string>; producer: Producer }> {
  const topics = {
    audio: uniqueName('t.audio'),
    features: uniqueName('t.features'),
    deadletter: uniqueName('t.dlq'),
  };
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsReady(
    admin,
    Object.values(topics).map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
  );
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const env = {
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    AUDIO_TOPIC: topics.audio,
    FEATURES_TOPIC: topics.features,
    DEADLETTER_TOPIC: topics.deadletter,
    TOPIC_PARTITIONS: '3',
    DSP_GROUP_ID: uniqueName('g.dsp'),
  };
  return { topics, env, producer };
}

async function tearDown(kafka: Kafka, topics: Topics, producer: Producer): Promise<void> {
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await admin.disconnect();
}

async function ready(service: ServiceProcess): Promise<number> {
  return waitUntilReady(service, 60_000);
}

const decodeFeatureIds = (value: Buffer | null, headers: Parameters<typeof decodeFeaturesTopic>[1]) =>
  decodeFeaturesTopic(value, headers).value.eventId;

type WorkerSuite = Awaited<ReturnType<typeof setUp>> & { kafka: Kafka; services: ServiceProcess[] };

/** A describe's topics and producer (set up before it, removed after) and the workers its tests start (killed after). */
function workerSuite(clientId: string): WorkerSuite {
  const kafka = testKafka(clientId);
  const suite = { kafka, services: [] as ServiceProcess[] } as WorkerSuite;
  beforeAll(async () => void Object.assign(suite, await setUp(kafka)));
  afterAll(async () => {
    await Promise.all(suite.services.map((s) => s.stop('SIGKILL')));
    if (suite.producer) await tearDown(kafka, suite.topics, suite.producer);
  });
  return suite;
}

describe('dsp-worker, killed mid-call', () => {
  const ctx = workerSuite('dsp-kill');
  const { kafka, services } = ctx;

  it('a replacement worker continues the call with no gap; duplicates carry the same ids', async () => {
    const call = toTelephoneCall(uniqueName('call'), syntheticCall(24, 3));
    const expected = expectedIds(call, true);
    const features = await collectTopic(kafka, ctx.topics.features, decodeFeatureIds);
    try {
      const first = startServiceProcess('dsp-worker', ctx.env);
      services.push(first);
      await ready(first);
      await produceCallAudio(ctx.producer, ctx.topics.audio, call, { toMs: 10_000, speed: 5 });
      await waitFor('windows from the first worker', () => features.records.length >= 12);
      await first.stop('SIGKILL');
      await produceCallAudio(ctx.producer, ctx.topics.audio, call, { fromMs: 10_000, toMs: 16_000 });

      const second = startServiceProcess('dsp-worker', ctx.env);
      services.push(second);
      await second.port;
      await produceCallAudio(ctx.producer, ctx.topics.audio, call, { fromMs: 16_000, speed: 5, final: true });
      const seen = new Set<string>();
      await waitFor(
        'every window of the call',
        () => {
          for (const r of features.records) seen.add(r.value);
          return expected.every((id) => seen.has(id));
        },
        90_000,
      );
      const ids = features.records.map((r) => r.value);
      const unique = [...new Set(ids)];
      expect(unique.sort()).toEqual([...expected].sort());
      // In order per speaker once duplicates are dropped.
      for (const channel of ['agent', 'customer', 'both']) {
        const indices = [...new Set(ids.filter((id) => id.includes(`:${channel}:`)))].map((id) =>
          Number(id.split(':').at(-2)),
        );
        expect(indices).toEqual([...indices].sort((a, b) => a - b));
      }
    } finally {
      await features.stop();
    }
  });
});

describe('dsp-worker, scaled out and in mid-call', () => {
  const ctx = workerSuite('dsp-rebalance');
  const { kafka, services } = ctx;

  it('rebalances (a worker joins, another leaves gracefully) without a gap in any call', async () => {
    const calls = [1, 2, 3, 4].map((seed) =>
      toTelephoneCall(uniqueName(`rb${seed}`), syntheticCall(18, seed)),
    );
    const expected = calls.flatMap((call) => expectedIds(call, true));
    const features = await collectTopic(kafka, ctx.topics.features, decodeFeatureIds);
    try {
      const first = startServiceProcess('dsp-worker', ctx.env);
      services.push(first);
      await ready(first);
      const part = (fromMs: number, toMs: number, final = false) =>
        Promise.all(
          calls.map((call) =>
            produceCallAudio(ctx.producer, ctx.topics.audio, call, { fromMs, toMs, speed: 4, final }),
          ),
        );
      await part(0, 6000);
      const second = startServiceProcess('dsp-worker', ctx.env);
      services.push(second);
      await ready(second);
      await part(6000, 12_000);
      await first.stop('SIGTERM');
      expect(first.child.exitCode).toBe(0);
      await part(12_000, 18_000, true);
      await waitFor(
        'every window of the four calls',
        () => {
          const seen = new Set(features.records.map((r) => r.value));
          return expected.every((id) => seen.has(id));
        },
        90_000,
      );
      expect([...new Set(features.records.map((r) => r.value))].sort()).toEqual([...expected].sort());
    } finally {
      await features.stop();
    }
  });
});

describe('dsp-worker, bad input and abandoned calls', () => {
  const kafka = testKafka('dsp-bad');
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let worker: ServiceProcess;
  let port: number;
  beforeAll(async () => {
    ctx = await setUp(kafka);
    worker = startServiceProcess('dsp-worker', { ...ctx.env, CALL_IDLE_TIMEOUT_MS: '1500' });
    port = await ready(worker);
  });
  afterAll(async () => {
    await worker?.stop('SIGTERM');
    if (ctx) await tearDown(kafka, ctx.topics, ctx.producer);
  });

  it('sends a corrupt record to the dead-letter topic with its reason and keeps going', async () => {
    const letters = await collectTopic(kafka, ctx.topics.deadletter, (v, h) => deadLetterCodec.decode(v, h));
    const features = await collectTopic(kafka, ctx.topics.features, decodeFeatureIds);
    try {
      const call = toTelephoneCall(uniqueName('after-poison'), syntheticCall(4, 5));
      await ctx.producer.send({
        topic: ctx.topics.audio,
        messages: [
          {
            key: call.callId,
            value: Buffer.from('not a protobuf \u00ff\u00ff\u00ff'),
            headers: audioChunkCodec.headers(),
          },
        ],
      });
      await produceCallAudio(ctx.producer, ctx.topics.audio, call, { final: true });
      const letter = await waitFor('the dead letter', () => letters.records[0]);
      expect(letter.value).toMatchObject({
        topic: ctx.topics.audio,
        reasonCode: 'DECODE_FAILED',
        service: 'dsp-worker',
      });
      const expected = expectedIds(call, true);
      await waitFor('the next call’s windows', () =>
        expected.every((id) => features.records.some((r) => r.value === id)),
      );
      expect(
        metricValue(await scrape(port), 'va_errors_total', { code: 'DECODE_FAILED' }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await letters.stop();
      await features.stop();
    }
  });

  it('analyses every window of a chunk whose audio outlasts its arrival (a gap filled with silence)', async () => {
    // The gateway fills a sequence gap with silence: one chunk then spans seconds of audio time
    // that arrived within milliseconds. The windows ending inside it got a fractional arrival
    // time, which failed to encode (ENCODE_FAILED): real speech lost to the dead-letter topic.
    const letters = await collectTopic(kafka, ctx.topics.deadletter, (v, h) => deadLetterCodec.decode(v, h));
    const features = await collectTopic(kafka, ctx.topics.features, decodeFeatureIds);
    try {
      const call = toTelephoneCall(uniqueName('gap-filled'), syntheticCall(4, 7));
      const now = Date.now();
      // The call's 4 s in one chunk per channel, then each channel's (empty) final chunk.
      const chunk = (channel: 'agent' | 'customer', final: boolean) =>
        outRecord(ctx.topics.audio, audioChunkCodec, callKey(HARNESS_TENANT, call.callId), {
          callId: call.callId,
          channel,
          codec: 'pcmu',
          sampleRateHz: 8000,
          firstSequence: final ? 200 : 0,
          lastSequence: 199,
          audioStartMs: final ? 4000 : 0,
          audioEndMs: 4000,
          payload: final ? new Uint8Array(0) : call[channel],
          firstReceivedAtMs: now - 7,
          receivedAtMs: now,
          final,
          tenant: HARNESS_TENANT,
          chunkIndex: final ? 1 : 0,
        });
      await sendRecords(ctx.producer, [chunk('agent', false), chunk('customer', false)]);
      await sendRecords(ctx.producer, [chunk('agent', true), chunk('customer', true)]);
      const expected = expectedIds(call, true);
      await waitFor('every window of the call', () =>
        expected.every((id) => features.records.some((r) => r.value === id)),
      );
      expect(letters.records.filter((r) => r.value.reasonCode === 'ENCODE_FAILED')).toEqual([]);
    } finally {
      await letters.stop();
      await features.stop();
    }
  });

  it('flushes and frees a call that never ends after the idle timeout', async () => {
    const features = await collectTopic(kafka, ctx.topics.features, decodeFeatureIds);
    try {
      const call = toTelephoneCall(uniqueName('abandoned'), syntheticCall(3.5, 9));
      await produceCallAudio(ctx.producer, ctx.topics.audio, call, { final: false });
      const expected = expectedIds(call, true);
      await waitFor(
        'the abandoned call to be freed',
        async () => metricValue(await scrape(port), 'va_dsp_calls_freed_total', { reason: 'idle' }) >= 1,
        15_000,
      );
      expect(metricValue(await scrape(port), 'va_dsp_active_calls')).toBe(0);
      // Its last partial windows were flushed, as at a normal end.
      await waitFor('the flushed windows', () =>
        expected.every((id) => features.records.some((r) => r.value === id)),
      );
    } finally {
      await features.stop();
    }
  });

  it('stops on SIGTERM: finishes its work, commits everything no call needs, exits 0', async () => {
    await worker.stop('SIGTERM');
    expect(worker.child.exitCode).toBe(0);
    expect(worker.output()).toContain('"msg":"shut down"');
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(ctx.topics.audio);
      const [committed] = await admin.fetchOffsets({
        groupId: ctx.env.DSP_GROUP_ID,
        topics: [ctx.topics.audio],
      });
      for (const end of ends) {
        if (end.high === '0') continue;
        const mine = committed.partitions.find((p) => p.partition === end.partition);
        expect(mine?.offset, `partition ${end.partition}`).toBe(end.high);
      }
    } finally {
      await admin.disconnect();
    }
  });
});
