// The shared at-least-once consumer runner against the real broker: outputs produced before the
// commit, a poison record dead-lettered with its reason while the others flow, hooks called.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createConsumerRunner, type TopicPartition } from '../../../services/shared/consumer-runner.ts';
import type { ConsumedRecord } from '../../../services/shared/consumer-runner.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { createServiceMetrics } from '../../../services/shared/metrics.ts';
import { outRecord, type OutRecord } from '../../../services/shared/producer.ts';
import {
  audioChunkCodec,
  callEventCodec,
  deadLetterCodec,
  type AudioChunk,
} from '../../../services/shared/records.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { collect, idempotentProducer } from './helpers.ts';

const chunk = (callId: string, index: number): AudioChunk => ({
  callId,
  channel: 'agent',
  codec: 'pcmu',
  sampleRateHz: 8000,
  firstSequence: index * 5,
  lastSequence: index * 5 + 4,
  audioStartMs: index * 100,
  audioEndMs: index * 100 + 100,
  payload: new Uint8Array(800),
  firstReceivedAtMs: Date.now(),
  receivedAtMs: Date.now(),
  final: false,
  tenant: 't',
  chunkIndex: index,
});

/** The tests' handler: one call event per chunk, keyed as the chunk. */
const echoTo =
  (output: string) =>
  (record: ConsumedRecord<AudioChunk>): OutRecord[] => [
    outRecord(output, callEventCodec, record.key, {
      eventId: `${record.value.callId}:${record.value.chunkIndex}`,
      callId: record.value.callId,
      type: 'started',
    } as never),
  ];
/** A record no codec decodes. */
const poisonMessage = {
  key: 'c1',
  value: Buffer.from([0xff, 0xff, 0xff]),
  headers: audioChunkCodec.headers(),
};

describe('consumer runner', () => {
  it('produces outputs, dead-letters a poison record and commits past both', async () => {
    const kafka = testKafka();
    const [input, output, dead] = [uniqueName('t.in'), uniqueName('t.out'), uniqueName('t.dlq')];
    await createTestTopics(kafka, [input, output, dead], 1);
    const producer = await idempotentProducer(kafka);
    await producer.send({
      topic: input,
      messages: [
        { key: 'c1', value: audioChunkCodec.encode(chunk('c1', 0)), headers: audioChunkCodec.headers() },
        poisonMessage,
        { key: 'c1', value: audioChunkCodec.encode(chunk('c1', 1)), headers: audioChunkCodec.headers() },
        { key: 'c1', value: audioChunkCodec.encode(chunk('c1', 2)) },
      ],
    });

    const assigned: TopicPartition[] = [];
    const revoked: TopicPartition[] = [];
    const groupId = uniqueName('g');
    const metrics = createServiceMetrics('test-runner', { defaultMetrics: false });
    const runner = createConsumerRunner({
      kafka,
      producer,
      service: 'test-runner',
      groupId,
      topics: [input],
      logger: createLogger({ service: 'test-runner', write: () => undefined }),
      metrics,
      deadLetterTopic: dead,
      decode: (value, headers) => audioChunkCodec.decode(value, headers),
      handle: echoTo(output),
      onAssigned: (partitions) => assigned.push(...partitions),
      onRevoked: (partitions) => revoked.push(...partitions),
    });
    await runner.start();

    const outputs = await collect(kafka, output, 3, (m) => callEventCodec.decode(m.value).eventId);
    expect(outputs).toEqual(['c1:0', 'c1:1', 'c1:2']);
    const letters = await collect(kafka, dead, 1, (m) => deadLetterCodec.decode(m.value));
    expect(letters[0]).toMatchObject({
      topic: input,
      partition: 0,
      offset: '1',
      reasonCode: 'DECODE_FAILED',
    });
    // Coordinates only: the original bytes (audio on va.audio.v1) never enter the dead letter.
    expect(letters[0].originalValue).toHaveLength(0);
    expect(runner.ready()).toBe(true);
    expect(assigned).toEqual([{ topic: input, partition: 0 }]);
    // Lag is reported per consumer group (the dashboard sums by group)…
    const lag = new RegExp(
      `^va_consumer_lag\\{[^}]*group="${groupId.replace(/\./g, '\\.')}"[^}]*\\} \\d+$`,
      'm',
    );
    expect(await metrics.registry.metrics()).toMatch(lag);

    await runner.stop();
    expect(revoked).toEqual([{ topic: input, partition: 0 }]);
    // …and forgotten with a revoked partition: its next owner reports it, a sum must not count it twice.
    expect(await metrics.registry.metrics()).not.toMatch(/^va_consumer_lag\{/m);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
    await admin.disconnect();
    expect(offsets[0].partitions[0].offset).toBe('4');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/va_errors_total\{code="DECODE_FAILED",service="test-runner"\} 1/);
  });

  it('reports the backlog as lag while a batch is stuck, and lowers it as records are handled', async () => {
    const kafka = testKafka();
    const [input, output] = [uniqueName('t.lag.in'), uniqueName('t.lag.out')];
    await createTestTopics(kafka, [input, output], 1);
    const producer = await idempotentProducer(kafka);
    onTestFinished(() => producer.disconnect());
    await producer.send({
      topic: input,
      messages: Array.from({ length: 50 }, (_, i) => ({
        key: 'c1',
        value: audioChunkCodec.encode(chunk('c1', i)),
        headers: audioChunkCodec.headers(),
      })),
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const groupId = uniqueName('g.lag');
    const metrics = createServiceMetrics('test-lag', { defaultMetrics: false });
    const runner = createConsumerRunner({
      kafka,
      producer,
      service: 'test-lag',
      groupId,
      topics: [input],
      logger: createLogger({ service: 'test-lag', write: () => undefined }),
      metrics,
      decode: (value, headers) => audioChunkCodec.decode(value, headers),
      // The first record waits (a database down): the whole backlog is behind it.
      handle: async (record) => {
        if (record.value.chunkIndex === 0) await gate;
        return [];
      },
    });
    onTestFinished(() => runner.stop());
    onTestFinished(() => release()); // runs first: a failed poll must not leave the handler waiting
    await runner.start();
    const lagNow = async () => {
      const text = await metrics.registry.metrics();
      const m = new RegExp(
        `^va_consumer_lag\\{[^}]*group="${groupId.replace(/\./g, '\\.')}"[^}]*\\} (\\d+)$`,
        'm',
      ).exec(text);
      return m ? Number(m[1]) : null;
    };
    // While stuck: the 50 records not yet handled (kafkajs' offsetLag() said 0 here).
    await expect.poll(lagNow, { timeout: 30_000 }).toBe(50);
    release();
    await expect.poll(lagNow, { timeout: 30_000 }).toBe(0);
  });

  it("does not report a successor's rebuild under the replay mark as backlog (the autoscalers read it)", async () => {
    // A consumer that holds its commit (the classifier, the alert evaluator, the routing service)
    // makes its successor re-read every live call from its first record after any rebalance. Those
    // records were handled and their outputs produced: counting them as lag made KEDA's backlog
    // trigger (deploy/k8s/base/*-scaling.yaml) see the committed lag at every rebalance and scale
    // out, and each pod that joined was another rebalance and another rebuild.
    const kafka = testKafka();
    const [input, output] = [uniqueName('t.rl.in'), uniqueName('t.rl.out')];
    await createTestTopics(kafka, [input, output], 1);
    const producer = await idempotentProducer(kafka);
    onTestFinished(() => producer.disconnect());
    const send = (from: number, count: number) =>
      producer.send({
        topic: input,
        messages: Array.from({ length: count }, (_, i) => ({
          key: 'c1',
          value: audioChunkCodec.encode(chunk('c1', from + i)),
          headers: audioChunkCodec.headers(),
        })),
      });
    await send(0, 50);
    const groupId = uniqueName('g.rl');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const metrics = createServiceMetrics('test-rebuild-lag', { defaultMetrics: false });
    const runnerOf = (waitAtFirst: boolean) =>
      createConsumerRunner({
        kafka,
        producer,
        service: 'test-rebuild-lag',
        groupId,
        topics: [input],
        logger: createLogger({ service: 'test-rebuild-lag', write: () => undefined }),
        metrics: waitAtFirst ? metrics : undefined,
        decode: (value, headers) => audioChunkCodec.decode(value, headers),
        // The successor is still rebuilding (its first replayed record takes long) when read.
        handle: async (record) => {
          if (waitAtFirst && record.value.chunkIndex === 0) await gate;
          return echoTo(output)(record);
        },
        // One call open since the first record: the commit stays there.
        commitOffset: () => '0',
        onReplayUntil: () => undefined,
      });
    const first = runnerOf(false);
    await first.start();
    await collect(kafka, output, 50, (m) => callEventCodec.decode(m.value).eventId);
    await first.stop();
    // 10 records arrive while no one reads: the real backlog.
    await send(50, 10);
    const second = runnerOf(true);
    onTestFinished(() => second.stop());
    onTestFinished(() => release());
    await second.start();
    const lagNow = async () => {
      const text = await metrics.registry.metrics();
      const m = new RegExp(
        `^va_consumer_lag\\{[^}]*group="${groupId.replace(/\./g, '\\.')}"[^}]*\\} (\\d+)$`,
        'm',
      ).exec(text);
      return m ? Number(m[1]) : null;
    };
    await expect.poll(lagNow, { timeout: 30_000 }).not.toBeNull();
    expect(await lagNow()).toBe(10);
    release();
    await expect.poll(lagNow, { timeout: 30_000 }).toBe(0);
  });

  it('does not dead-letter a poison record again when a successor replays it under its replay mark', async () => {
    const kafka = testKafka();
    const [input, output, dead] = [uniqueName('t.rp.in'), uniqueName('t.rp.out'), uniqueName('t.rp.dlq')];
    await createTestTopics(kafka, [input, output, dead], 1);
    const producer = await idempotentProducer(kafka);
    onTestFinished(() => producer.disconnect());
    await producer.send({
      topic: input,
      messages: [
        { key: 'c1', value: audioChunkCodec.encode(chunk('c1', 0)), headers: audioChunkCodec.headers() },
        poisonMessage,
        { key: 'c1', value: audioChunkCodec.encode(chunk('c1', 2)), headers: audioChunkCodec.headers() },
      ],
    });
    const groupId = uniqueName('g.rp');
    const marks: number[] = [];
    const runnerOf = () =>
      createConsumerRunner({
        kafka,
        producer,
        service: 'test-replay',
        groupId,
        topics: [input],
        logger: createLogger({ service: 'test-replay', write: () => undefined }),
        deadLetterTopic: dead,
        decode: (value, headers) => audioChunkCodec.decode(value, headers),
        handle: echoTo(output),
        // A call still open holds the commit at its first record (as the classifier does): a
        // successor replays all three records under the mark of what was produced.
        commitOffset: () => '0',
        onReplayUntil: (_topic, _partition, until) => void marks.push(until),
      });
    const first = runnerOf();
    await first.start();
    await collect(kafka, dead, 1, (m) => deadLetterCodec.decode(m.value));
    await collect(kafka, output, 2, (m) => callEventCodec.decode(m.value).eventId);
    await first.stop();
    const second = runnerOf();
    onTestFinished(() => second.stop());
    await second.start();
    await expect.poll(() => marks, { timeout: 30_000 }).toEqual([3]);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // The dead-letter topic's end (one partition, no transactions): a count, not a timed read that a
    // slow group join on a loaded machine could cut short.
    const admin = kafka.admin();
    await admin.connect();
    const [end] = await admin.fetchTopicOffsets(dead).finally(() => admin.disconnect());
    expect(Number(end.high)).toBe(1);
  });

  it('revokes every partition at a rebalance and replays kept ones from their commit', async () => {
    const kafka = testKafka();
    const [input, output] = [uniqueName('t.in'), uniqueName('t.out')];
    await createTestTopics(kafka, [input, output], 2);
    const producer = await idempotentProducer(kafka);
    const messages = [0, 1].flatMap((partition) =>
      [0, 1, 2].map((i) => ({
        partition,
        key: `c${partition}`,
        value: audioChunkCodec.encode(chunk(`c${partition}`, i)),
        headers: audioChunkCodec.headers(),
      })),
    );
    await producer.send({ topic: input, messages });

    const groupId = uniqueName('g');
    const seen: string[] = [];
    const events: string[] = [];
    const runner = (name: string) =>
      createConsumerRunner({
        kafka,
        producer,
        service: name,
        groupId,
        topics: [input],
        logger: createLogger({ service: name, write: () => undefined }),
        decode: (value, headers) => audioChunkCodec.decode(value, headers),
        handle: (record) => {
          if (name === 'a') seen.push(`${record.partition}:${record.offset}`);
          return [];
        },
        // Like a worker whose windows still need the first record: the commit never moves.
        commitOffset: () => '0',
        onAssigned: (partitions) =>
          name === 'a' && events.push(`assigned ${partitions.map((p) => p.partition).join(',')}`),
        onRevoked: (partitions) =>
          name === 'a' && events.push(`revoked ${partitions.map((p) => p.partition).join(',')}`),
      });
    const a = runner('a');
    await a.start();
    onTestFinished(() => a.stop());
    // At-least-once: a rebalance while `a` joins may replay records, so count distinct ones.
    await expect.poll(() => new Set(seen).size, { timeout: 20_000 }).toBe(6);
    await expect.poll(() => events.at(-1)?.startsWith('assigned'), { timeout: 20_000 }).toBe(true);
    expect(events[0]).toBe('assigned 0,1');
    const before = events.length;
    const seenBefore = [...seen];

    const b = runner('b');
    await b.start();
    onTestFinished(() => b.stop());
    await expect.poll(() => events.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(before + 2);
    // b's arrival revokes BOTH of a's partitions, then a gets one back.
    expect(events[before]).toBe('revoked 0,1');
    expect(events[before + 1]).toMatch(/^assigned [01]$/);
    const kept = Number(events[before + 1].split(' ')[1]);
    // The kept partition is read again from its commit (offset 0).
    const reads = (list: string[]) => list.filter((s) => s === `${kept}:0`).length;
    await expect.poll(() => reads(seen), { timeout: 20_000 }).toBeGreaterThan(reads(seenBefore));
  });
});
