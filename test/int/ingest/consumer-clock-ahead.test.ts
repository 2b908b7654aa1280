// The shared consumer runner against the real broker tells the on-call engineer when a producing
// host's clock runs ahead of the consumer's: a record whose Kafka timestamp is 2 minutes in the
// future (a gateway host whose clock jumped forward) is counted in va_record_clock_ahead_seconds,
// one written by an honest clock is not.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createConsumerRunner } from '../../../services/shared/consumer-runner.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { createServiceMetrics } from '../../../services/shared/metrics.ts';
import { audioChunkCodec } from '../../../services/shared/records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { testAudioChunk } from '../../support/dsp-worker-input.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { idempotentProducer } from './helpers.ts';

describe('consumed records from a host whose clock runs ahead', () => {
  it('are counted by how far ahead, the others not at all', async () => {
    const kafka = testKafka();
    const input = uniqueName('t.in');
    await createTestTopics(kafka, [input], 1);
    const producer = await idempotentProducer(kafka);
    onTestFinished(() => producer.disconnect());
    const message = (index: number, timestampMs: number) => ({
      key: 't/c1',
      value: audioChunkCodec.encode(testAudioChunk('c1', 'agent', index, timestampMs)),
      headers: audioChunkCodec.headers(),
      timestamp: String(timestampMs),
    });
    const now = Date.now();
    await producer.send({ topic: input, messages: [message(0, now), message(1, now + 120_000)] });

    const metrics = createServiceMetrics('test-runner', { defaultMetrics: false });
    let handled = 0;
    const runner = createConsumerRunner({
      kafka,
      producer,
      service: 'test-runner',
      groupId: uniqueName('g'),
      topics: [input],
      logger: createLogger({ service: 'test-runner', write: () => undefined }),
      metrics,
      decode: (value, headers) => audioChunkCodec.decode(value, headers),
      handle: () => {
        handled += 1;
        return [];
      },
    });
    onTestFinished(() => runner.stop());
    await runner.start();
    await waitFor('both records handled', () => handled === 2, 30_000, 20);

    const values = (await metrics.recordClockAheadSeconds.get()).values.filter(
      (v) => v.labels.topic === input,
    );
    const count = values.find((v) => v.metricName === 'va_record_clock_ahead_seconds_count')?.value;
    const sum = values.find((v) => v.metricName === 'va_record_clock_ahead_seconds_sum')?.value ?? 0;
    expect(count).toBe(1);
    expect(sum).toBeGreaterThan(100);
    expect(sum).toBeLessThanOrEqual(120);
  });
});
