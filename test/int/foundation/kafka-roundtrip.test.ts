// Keyed records through the real broker in a consumer group: order per key holds, and the broker
// is the Kafka the foundation promises.
import { inject, describe, expect, it, onTestFinished } from 'vitest';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';

describe('real Kafka broker', () => {
  it('is Apache Kafka 4.1 when launched by the test helper', () => {
    const source = inject('kafkaSource');
    const version = inject('kafkaVersion');
    console.log(`[kafka] tests run against a ${source} broker, version ${version}`);
    if (source !== 'env') expect(version).toMatch(/^4\.1/);
    const admin = testKafka().admin();
    return admin
      .connect()
      .then(() => admin.describeCluster())
      .then((cluster) => expect(cluster.brokers.length).toBeGreaterThan(0))
      .finally(() => admin.disconnect());
  });

  it('delivers keyed records in order per key to a consumer group', async () => {
    const kafka = testKafka();
    const topic = uniqueName('test.roundtrip');
    await createTestTopics(kafka, [topic], 3);

    const keys = ['call-a', 'call-b', 'call-c', 'call-d'];
    const perKey = 50;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    for (let i = 0; i < perKey; i += 1) {
      await producer.send({
        topic,
        messages: keys.map((key) => ({ key, value: `${key}:${i}`, headers: { 'va-schema': 'test.v1' } })),
      });
    }

    const consumer = kafka.consumer({ groupId: uniqueName('test.group') });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = new Map<string, number[]>();
    let total = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? '';
          const [, index] = (message.value?.toString() ?? '').split(':');
          expect(message.headers?.['va-schema']?.toString()).toBe('test.v1');
          received.set(key, [...(received.get(key) ?? []), Number(index)]);
          total += 1;
          if (total === keys.length * perKey) resolve();
        },
      });
    });
    await done;

    for (const key of keys) {
      expect(received.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
    }
  });
});
