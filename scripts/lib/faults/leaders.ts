// Which broker leads the most partitions of a topic (the one whose loss hurts a pipeline most),
// and the number of partitions each node leads. I/O: one Kafka metadata request.
import type { Kafka } from 'kafkajs';

export async function partitionLeaders(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const led = new Map<number, number>();
    for (const partition of metadata.topics[0]?.partitions ?? []) {
      led.set(partition.leader, (led.get(partition.leader) ?? 0) + 1);
    }
    return led;
  } finally {
    await admin.disconnect();
  }
}

/** The node id leading the most partitions of `topic` (lowest id on a tie). */
export async function busiestLeader(kafka: Kafka, topic: string): Promise<number> {
  const led = await partitionLeaders(kafka, topic);
  let best = -1;
  let most = -1;
  for (const [nodeId, count] of [...led].sort((a, b) => a[0] - b[0])) {
    if (count > most) [best, most] = [nodeId, count];
  }
  if (best < 0) throw new Error(`topic ${topic} has no partition leaders`);
  return best;
}
