// The shared consumer runner against the real broker when kafkajs stops its consumer for good: a
// TypeError thrown from the batch handler is "unrecoverable" to kafkajs' retrier, which crashes the
// consumer without restarting it (restart: false). The runner starts it again, from the commit,
// and says so in one error line; a stopped runner is not restarted.
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createConsumerRunner,
  type ConsumerRunnerOptions,
} from '../../../services/shared/consumer-runner.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { runConsumerKeptRunning } from '../../../services/shared/consumer-keep-running.ts';
import { outRecord } from '../../../services/shared/producer.ts';
import { callEventCodec } from '../../../services/shared/records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { collect, idempotentProducer } from './helpers.ts';

const started = (callId: string) => ({ eventId: `${callId}:started`, callId, type: 'started' }) as never;

/** A runner on a fresh input topic whose batch handler is `handleBatch`; its log lines kept. */
async function runnerOn(handleBatch: ConsumerRunnerOptions<unknown>['handleBatch']) {
  const kafka = testKafka();
  const [input, output, dead] = [uniqueName('t.in'), uniqueName('t.out'), uniqueName('t.dlq')];
  await createTestTopics(kafka, [input, output, dead], 1);
  const producer = await idempotentProducer(kafka);
  onTestFinished(() => producer.disconnect());
  const lines: string[] = [];
  const runner = createConsumerRunner({
    kafka,
    producer,
    service: 'test-runner',
    groupId: uniqueName('g'),
    topics: [input],
    logger: createLogger({ service: 'test-runner', write: (line) => lines.push(line) }),
    deadLetterTopic: dead,
    decode: (value, headers) => callEventCodec.decode(value, headers),
    handleBatch: handleBatch as never,
  });
  const send = (ids: string[]) =>
    producer.send({
      topic: input,
      messages: ids.map((id) => ({
        key: id,
        value: callEventCodec.encode(started(id)),
        headers: callEventCodec.headers(),
      })),
    });
  return { kafka, output, lines, runner, send };
}

describe('consumer runner after a crash kafkajs does not restart', () => {
  it('starts the consumer again and reads the batch again from the commit', async () => {
    let calls = 0;
    const { kafka, output, lines, runner, send } = await runnerOn(async (records) => {
      calls += 1;
      // A bug's error on the first batch only: kafkajs gives up on the consumer at once.
      if (calls === 1) throw new TypeError('a handler bug');
      return {
        outputs: records.map((r) => outRecord(output, callEventCodec, r.key, r.value as never)),
        refused: [],
      };
    });
    await send(['c1', 'c2']);
    const crashes: boolean[] = [];
    runner.consumer.on(runner.consumer.events.CRASH, (e) => crashes.push(e.payload.restart));
    onTestFinished(() => runner.stop());
    await runner.start();

    const outputs = await collect(kafka, output, 2, (m) => callEventCodec.decode(m.value).callId);
    expect(outputs.sort()).toEqual(['c1', 'c2']);
    expect(crashes[0]).toBe(false);
    const stoppedLines = lines.map((l) => JSON.parse(l)).filter((l) => l.code === 'CONSUMER_STOPPED');
    expect(stoppedLines).toHaveLength(1);
    expect(stoppedLines[0]).toMatchObject({ level: 'error', inMs: 1000 });
    await waitFor('the runner ready again', () => runner.ready(), 10_000);
  });

  it('is not started again once stopped', async () => {
    let failed = false;
    const { lines, runner, send } = await runnerOn(async () => {
      failed = true;
      throw new TypeError('a handler bug');
    });
    await runner.start();
    await send(['c1']);
    await waitFor('the crash', () => lines.some((l) => l.includes('CONSUMER_STOPPED')), 20_000);
    expect(failed).toBe(true);
    await runner.stop();
    const joins: number[] = [];
    runner.consumer.on(runner.consumer.events.GROUP_JOIN, () => joins.push(Date.now()));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(joins).toEqual([]);
    expect(runner.ready()).toBe(false);
  });

  it('waits longer after each crash of a consumer that fails again as soon as it joins', async () => {
    const kafka = testKafka();
    const topic = uniqueName('t.in');
    await createTestTopics(kafka, [topic], 1);
    const producer = await idempotentProducer(kafka);
    onTestFinished(() => producer.disconnect());
    await producer.send({ topic, messages: [{ key: 'c1', value: 'x' }] });
    const consumer = kafka.consumer({ groupId: uniqueName('g') });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const waits: number[] = [];
    const stopping = new AbortController();
    const kept = await runConsumerKeptRunning(
      consumer,
      {
        eachMessage: async () => {
          throw new TypeError('a record that always fails');
        },
      },
      {
        logger: { error: (_msg, fields) => void waits.push(fields?.inMs as number) },
        signal: stopping.signal,
        initialBackoffMs: 100,
        maxBackoffMs: 400,
      },
    );
    await waitFor('four crashes', () => waits.length >= 4, 30_000);
    stopping.abort();
    await kept.settled();
    await consumer.disconnect();
    expect(waits.slice(0, 4)).toEqual([100, 200, 400, 400]);
  });
});
