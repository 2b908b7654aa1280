// Helpers for integration tests: a kafkajs client on the shared real broker, unique names per
// test, and cleanup registered with the test that created the resource.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { inject, onTestFinished } from 'vitest';
import { createKafka } from '../../services/shared/kafka-client.ts';

export function testKafka(clientId = 'va-test'): Kafka {
  return createKafka({ clientId, brokers: inject('kafkaBrokers') });
}

export function uniqueName(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

/** Creates topics for one test and deletes them when the test finishes. */
export async function createTestTopics(kafka: Kafka, topics: string[], partitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    waitForLeaders: true,
  });
  onTestFinished(async () => {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });
}

/**
 * createTestTopics, retried: under load the broker can answer "does not host this topic-partition"
 * while leaders settle.
 */
export async function createTestTopicsSettled(kafka: Kafka, topics: string[], partitions = 3): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await createTestTopics(kafka, topics, partitions);
      return;
    } catch (error) {
      if (attempt >= 4) throw error;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}
