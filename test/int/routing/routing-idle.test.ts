// The routing-service on a real broker frees a call whose end never comes (a stream ended
// UNAVAILABLE and never resumed): after ROUTING_CALL_IDLE_MS without a record of it, va_routing_calls
// drops to 0 and the group's commits on va.calls.v1 and va.emotions.v1 move to the end at once
// (no further record needed); late windows of the freed call, made before it was freed, neither
// bring it back nor hold the commit again.
import { describe, expect, it, onTestFinished } from 'vitest';
import { startRoutingService } from '../../../services/routing-service/routing-service.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { sendRecords } from '../../../services/shared/producer.ts';
import { callStarted, emotionOut, emotionRecord } from '../../../devkit/records/alert-records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { pseudonymOf } from '../../support/pseudonym.ts';
import { routingTestConfig } from './routing-env.ts';

describe('routing-service idle calls', () => {
  it('frees a call whose end never came and lets the commits move on', async () => {
    const kafka = testKafka();
    const { topics, config } = await routingTestConfig(kafka, uniqueName('ri'), {
      ROUTING_CALL_IDLE_MS: '6000', // well past the held-commit check below on a loaded machine
    });
    const service = await startRoutingService(config, {
      handleSignals: false,
      fromBeginning: true,
      logger: createLogger({ service: 'routing-service', level: 'error' }),
    });
    onTestFinished(() => service.stop('test finished'));
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());

    const calls = async () =>
      (await service.base.metrics.registry.getSingleMetric('va_routing_calls')?.get())?.values[0]?.value;
    /** Partitions whose committed offset is behind their end, on the calls and emotions topics. */
    const behind = async () => {
      const lagging: string[] = [];
      for (const topic of [topics.calls, topics.emotions]) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: config.ROUTING_GROUP_ID, topics: [topic] });
        for (const end of ends) {
          if (end.high === '0') continue;
          const offset = committed.partitions.find((c) => c.partition === end.partition)?.offset;
          if (offset !== end.high) lagging.push(`${topic}/${end.partition}: ${offset} of ${end.high}`);
        }
      }
      return lagging;
    };

    // The call starts and speaks, then its stream is handed over and never resumes: no end.
    const madeAt = Date.now();
    const sad = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) =>
        emotionOut(topics.emotions, emotionRecord('call-gone', 'customer', from + k, 'sad', madeAt)),
      );
    await sendRecords(producer, [
      callStarted(topics.calls, 'call-gone', 'agent-1', 'billing', 'billing', pseudonymOf('7')),
      ...sad(0, 10),
    ]);
    await expect.poll(calls, { timeout: 30_000 }).toBe(1);
    // Held while the call is live: the commit stays at its first record.
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // one commit interval
    expect(await behind()).not.toEqual([]);

    // Idle for ROUTING_CALL_IDLE_MS: freed, and the commits reach the end with no record arriving.
    await expect.poll(calls, { timeout: 15_000 }).toBe(0);
    await expect.poll(behind, { timeout: 15_000 }).toEqual([]);

    // Late windows of the freed call (made before it was freed): as after an end.
    await sendRecords(producer, sad(10, 20));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await calls()).toBe(0);
    await expect.poll(behind, { timeout: 15_000 }).toEqual([]);
  });
});
