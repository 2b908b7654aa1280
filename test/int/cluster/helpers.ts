// Helpers of the cluster tests: one 3-node KRaft cluster per test file (devkit/kafka/local-cluster.ts),
// and topics whose partitions are led by chosen nodes, so a test can move one leader.
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { startLocalCluster, type LocalCluster } from '../../../devkit/kafka/local-cluster.ts';
import { createKafka } from '../../../services/shared/kafka-client.ts';
import { waitForLeaders } from '../../../services/shared/topics.ts';

/** Starts a cluster before the file's tests and stops it after; the getter holds it meanwhile. */
export function useLocalCluster(clientId: string): () => { cluster: LocalCluster; kafka: Kafka } {
  let started: { cluster: LocalCluster; kafka: Kafka } | null = null;
  beforeAll(async () => {
    const cluster = await startLocalCluster();
    started = { cluster, kafka: createKafka({ clientId, brokers: cluster.brokers }) };
  }, 300_000);
  afterAll(async () => {
    await started?.cluster.stop();
  });
  return () => {
    if (started === null) throw new Error('the cluster is not started');
    return started;
  };
}

/** An admin client for one test, disconnected when the test finishes. */
export async function testAdmin(kafka: Kafka): Promise<Admin> {
  const admin = kafka.admin();
  await admin.connect();
  onTestFinished(() => admin.disconnect());
  return admin;
}

/** A topic whose partition i has the replicas `replicas[i]`, the first of them its leader. */
export async function createPlacedTopic(admin: Admin, topic: string, replicas: number[][]): Promise<void> {
  await admin.createTopics({
    topics: [
      { topic, replicaAssignment: replicas.map((nodes, partition) => ({ partition, replicas: nodes })) },
    ],
    // Awaited below: kafkajs' own wait gives up on a loaded broker's "does not host this topic-partition".
    waitForLeaders: false,
  });
  await waitForLeaders(admin, [topic]);
}
