// Test helpers for the ingest tests: read N records of a topic from the beginning with a fresh
// consumer group (cleaned up when the test ends). I/O: Kafka.
import type { Kafka, KafkaMessage } from 'kafkajs';
import { onTestFinished } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';

export async function collect<T>(
  kafka: Kafka,
  topic: string,
  count: number,
  map: (message: KafkaMessage, partition: number) => T,
  timeoutMs = 20_000,
): Promise<T[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('collect'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  onTestFinished(() => consumer.disconnect());
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const out: T[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`only ${out.length} of ${count} records arrived on ${topic}`)),
      timeoutMs,
    );
    void consumer.run({
      eachMessage: async ({ message, partition }) => {
        out.push(map(message, partition));
        if (out.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.stop();
  return out;
}
