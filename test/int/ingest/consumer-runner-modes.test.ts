// The shared consumer runner's other two shapes of consumer, against the real broker: a batch
// handler (the call store's transactional write) that refuses single records and fails whole
// chunks, and a per-instance view (the alert service's fan-out) that never commits, skips poison
// records without writing and starts each topic where it is told.
import type { Kafka, Producer } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CodedError } from '../../../pipelines/errors.ts';
import {
  createConsumerRunner,
  type ConsumerRunnerOptions,
  type FlushReport,
} from '../../../services/shared/consumer-runner.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { createServiceMetrics } from '../../../services/shared/metrics.ts';
import { callEventCodec, deadLetterCodec } from '../../../services/shared/records.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { collect, idempotentProducer } from './helpers.ts';

/** A call-started record whose event id is `id` (the runner does not look inside). */
const record = (id: string) => ({
  key: 'c1',
  value: callEventCodec.encode({ eventId: id, callId: 'c1', type: 'started' } as never),
  headers: callEventCodec.headers(),
});
const poison = { key: 'c1', value: Buffer.from([0xff, 0xff, 0xff]), headers: callEventCodec.headers() };
const silent = (service: string) => createLogger({ service, write: () => undefined });

async function committedOffsets(kafka: Kafka, groupId: string, topic: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets.partitions.map((p) => p.offset);
  } finally {
    await admin.disconnect();
  }
}

async function endOffset(kafka: Kafka, topic: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic))[0].high;
  } finally {
    await admin.disconnect();
  }
}

/**
 * A per-instance view (the alert service's fan-out): never commits, skips poison, reads the first
 * topic from the beginning and the others from now (unless `extra` says otherwise); every event
 * id it handles goes to `seen`.
 */
function viewRunner(
  kafka: Kafka,
  producer: Producer,
  groupId: string,
  topics: [string, string],
  seen: string[],
  extra: Partial<ConsumerRunnerOptions<string>>,
) {
  return createConsumerRunner<string>({
    kafka,
    producer,
    service: 'test-view',
    groupId,
    topics,
    logger: silent('test-view'),
    poison: 'skip',
    commitOffsets: false,
    fromBeginning: (topic) => topic === topics[0],
    consumerConfig: { minBytes: 1, maxWaitTimeInMs: 50 },
    decode: (value, headers) => callEventCodec.decode(value, headers).eventId,
    handle: (r) => {
      seen.push(r.value);
      return [];
    },
    ...extra,
  } as ConsumerRunnerOptions<string>);
}

describe('consumer runner modes', () => {
  it('a batch handler: a failing chunk commits nothing and comes again, refused records are dead-lettered', async () => {
    const kafka = testKafka();
    const [input, dead] = [uniqueName('t.in'), uniqueName('t.dlq')];
    await createTestTopics(kafka, [input, dead], 1);
    const producer = await idempotentProducer(kafka);
    await producer.send({
      topic: input,
      messages: [record('e0'), poison, record('e2'), record('refused'), record('e4')],
    });

    const groupId = uniqueName('g');
    const chunks: string[][] = [];
    const flushes: FlushReport[] = [];
    const runner = createConsumerRunner({
      kafka,
      producer,
      service: 'test-batch',
      groupId,
      topics: [input],
      logger: silent('test-batch'),
      deadLetterTopic: dead,
      maxRecordsPerFlush: 100,
      maxFlushDelayMs: Number.POSITIVE_INFINITY,
      commitIntervalMs: 0,
      decode: (value, headers) => callEventCodec.decode(value, headers).eventId,
      handleBatch: async (records) => {
        chunks.push(records.map((r) => `${r.offset}:${r.value}`));
        // The first write fails as a whole (the database was away).
        if (chunks.length === 1)
          throw new CodedError('DATABASE_AWAY', 'connection refused', { retriable: true });
        const refused = records.findIndex((r) => r.value === 'refused');
        return {
          outputs: [],
          refused:
            refused < 0 ? [] : [{ index: refused, error: new CodedError('STORE_REJECTED', 'refused') }],
        };
      },
      onFlushed: (report) => flushes.push(report),
    });
    await runner.start();
    onTestFinished(() => runner.stop());

    const letters = await collect(kafka, dead, 2, (m) => deadLetterCodec.decode(m.value), 60_000);
    expect(letters.map((l) => [l.offset, l.reasonCode]).sort()).toEqual([
      ['1', 'DECODE_FAILED'],
      ['3', 'STORE_REJECTED'],
    ]);
    // The failed chunk came again whole: nothing of it had been committed.
    expect(chunks[0]).toEqual(['0:e0', '2:e2', '3:refused', '4:e4']);
    expect(chunks.slice(1)).toContainEqual(chunks[0]);
    await expect.poll(() => committedOffsets(kafka, groupId, input), { timeout: 20_000 }).toEqual(['5']);
    // Every record of the written chunk is accounted for, the two poison ones among them.
    expect(flushes.reduce((n, f) => n + f.inputs, 0)).toBeGreaterThanOrEqual(5);
    expect(flushes.reduce((n, f) => n + f.poison, 0)).toBeGreaterThanOrEqual(2);
  });

  it('a view that never commits: skips poison without writing, reads one topic from the start, the other from now', async () => {
    const kafka = testKafka();
    const [history, live, dead] = [uniqueName('t.history'), uniqueName('t.live'), uniqueName('t.dlq')];
    await createTestTopics(kafka, [history, live, dead], 1);
    const producer = await idempotentProducer(kafka);
    await producer.send({ topic: history, messages: [record('h0'), poison, record('h2')] });
    await producer.send({ topic: live, messages: [record('old')] });

    const groupId = uniqueName('g');
    const seen: string[] = [];
    const metrics = createServiceMetrics('test-view', { defaultMetrics: false });
    const runner = viewRunner(kafka, producer, groupId, [history, live], seen, {
      metrics: { errors: metrics.errors },
      deadLetterTopic: dead,
    });
    await runner.start();
    let stopped = false;
    onTestFinished(() => (stopped ? undefined : runner.stop()));
    await expect.poll(() => seen.includes('h2'), { timeout: 30_000 }).toBe(true);
    // Sent once the view reads `live` (from now): it sees this record, never the older one.
    await expect
      .poll(
        async () => {
          if (!seen.includes('new')) await producer.send({ topic: live, messages: [record('new')] });
          return seen.includes('new');
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(true);
    expect(seen).not.toContain('old');
    expect(seen.filter((id) => id.startsWith('h'))).toEqual(['h0', 'h2']);
    expect(await metrics.registry.metrics()).toMatch(
      /va_errors_total\{code="DECODE_FAILED",service="test-view"\} 1/,
    );
    await runner.stop();
    stopped = true;
    // Nothing written, nothing committed: the next start begins anew.
    expect(await endOffset(kafka, dead)).toBe('0');
    expect(await committedOffsets(kafka, groupId, history)).toEqual(['-1']);
    expect(await committedOffsets(kafka, groupId, live)).toEqual(['-1']);
  });

  it('a view that never commits: starts a topic at a time, and goes on from where it got across a rejoin (no re-read, no gap)', async () => {
    const kafka = testKafka();
    const [history, timed] = [uniqueName('t.history'), uniqueName('t.timed')];
    await createTestTopics(kafka, [history, timed], 1);
    const producer = await idempotentProducer(kafka);
    const now = Date.now();
    await producer.send({ topic: history, messages: [record('h0'), record('h1')] });
    await producer.send({
      topic: timed,
      messages: [
        { ...record('old'), timestamp: String(now - 60_000) },
        { ...record('recent'), timestamp: String(now - 1_000) },
      ],
    });

    const groupId = uniqueName('g');
    const seen: string[] = [];
    const runner = viewRunner(kafka, producer, groupId, [history, timed], seen, {
      startTimeOf: (topic) => (topic === timed ? now - 10_000 : undefined),
    });
    await runner.start();
    onTestFinished(() => runner.stop());
    await expect.poll(() => seen.includes('h1') && seen.includes('recent'), { timeout: 30_000 }).toBe(true);

    // A second member joins the group and leaves again: two rebalances, as a broker restart or a
    // consumer crash brings. It commits nothing, so only the view's own memory says where it got.
    const other = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
    let otherJoined = false;
    other.on(other.events.GROUP_JOIN, () => (otherJoined = true));
    await other.connect();
    await other.subscribe({ topics: [history, timed], fromBeginning: false });
    await other.run({ autoCommit: false, eachMessage: async () => undefined });
    await expect.poll(() => otherJoined, { timeout: 30_000 }).toBe(true);
    await producer.send({ topic: timed, messages: [record('during')] });
    await other.disconnect();
    await expect.poll(() => runner.ready() && runner.assigned().length === 2, { timeout: 30_000 }).toBe(true);
    await producer.send({ topic: timed, messages: [record('after')] });
    await expect.poll(() => seen.includes('after'), { timeout: 30_000 }).toBe(true);

    expect(seen.filter((id) => id.startsWith('h'))).toEqual(['h0', 'h1']);
    expect(seen.filter((id) => !id.startsWith('h'))).toEqual(['recent', 'during', 'after']);
  });
});
