// The gateway README says a consent reading that stops after the start shows as
// va_consumer_lag{group=~"va-ingest-consent-.*"}. A reading that stops fetching (paused here, as a
// stalled fetch path does) left the gauge at its last value while the topic grew: the runner now
// samples it between batches (consumer-lag-sampler.ts).
import { describe, expect, it, onTestFinished } from 'vitest';
import { createConsumerRunner } from '../../../services/shared/consumer-runner.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { createServiceMetrics } from '../../../services/shared/metrics.ts';
import { sendRecords } from '../../../services/shared/producer.ts';
import { callEventCodec } from '../../../services/shared/records.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { consentWithdrawal, idempotentProducer } from './helpers.ts';

const kafka = testKafka();

describe('the consent feed group lag', () => {
  it('rises while the reading is stopped and the topic grows', async () => {
    const topic = uniqueName('test.calls');
    await createTestTopics(kafka, [topic], 1);
    const producer = await idempotentProducer(kafka);
    const metrics = createServiceMetrics('test', { defaultMetrics: false });
    const groupId = uniqueName('va-ingest-consent');
    let read = 0;
    const runner = createConsumerRunner({
      kafka,
      producer,
      service: 'ingest-gateway',
      groupId,
      topics: [topic],
      logger: createLogger({ service: 'lag-test', write: () => undefined }),
      metrics,
      consumerConfig: { minBytes: 1, maxWaitTimeInMs: 100 },
      maxFlushDelayMs: 0,
      commitOffsets: false,
      startTimeOf: () => Date.now() - 60_000,
      poison: 'skip',
      decode: (value, headers) => callEventCodec.decode(value, headers),
      handle: () => {
        read += 1;
        return [];
      },
    });
    onTestFinished(() => runner.stop());
    await runner.start();
    await sendRecords(producer, [consentWithdrawal(topic, 'a')]);
    await expect.poll(() => read, { timeout: 15_000 }).toBe(1);
    const lag = async () =>
      (await metrics.consumerLag.get()).values.find((v) => v.labels.group === groupId)?.value;
    expect(await lag()).toBe(0);
    // The reading stops (a stalled fetch path); the changes go on being published.
    runner.consumer.pause([{ topic }]);
    for (let i = 0; i < 20; i += 1) await sendRecords(producer, [consentWithdrawal(topic, `b${i}`)]);
    // Sampled between batches (every 5 s by default): the 20 records not read, and none read.
    await expect.poll(lag, { timeout: 15_000, interval: 250 }).toBe(20);
    expect(read).toBe(1);
  }, 40_000);
});
