// Helpers for integration tests: a kafkajs client on the shared real broker, unique names per
// test, and cleanup registered with the test that created the resource.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { inject, onTestFinished } from 'vitest';
import { createKafka } from '../../services/shared/kafka-client.ts';
import { provisionTopics } from '../../services/shared/topics.ts';

export function testKafka(clientId = 'va-test'): Kafka {
  return createKafka({ clientId, brokers: inject('kafkaBrokers') });
}

export function uniqueName(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

/**
 * Creates topics for one test and deletes them when the test finishes. Leaders are awaited the
 * way the services await them (provisionTopics: metadata polled until every partition is led):
 * kafkajs' own waitForLeaders gave up when a loaded broker answered "does not host this
 * topic-partition" for a topic it had just created, which made tests flaky under load.
 */
export async function createTestTopics(kafka: Kafka, topics: string[], partitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  // Registered first: a creation that fails half-way still leaves nothing behind.
  onTestFinished(async () => {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });
  await provisionTopics(
    admin,
    topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
  );
}
