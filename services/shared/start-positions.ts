// Where a consumer that never commits (a per-instance view) starts a topic by time: the first
// record produced at or after a timestamp, per partition (the broker's time index; past the last
// record, the log end). Such a consumer then keeps its position in memory across rejoins
// (consumer-runner.ts) instead of starting over from the beginning or from now. I/O: the Kafka
// admin client.
import type { Kafka } from 'kafkajs';

export interface StartPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** The offset of each partition of each topic with a start time (ms); topics without one are left out. */
export async function positionsByTime(
  kafka: Kafka,
  topics: readonly string[],
  startTimeOf: (topic: string) => number | undefined,
): Promise<StartPosition[]> {
  const timed = topics.flatMap((topic) => {
    const at = startTimeOf(topic);
    return at === undefined ? [] : [{ topic, at }];
  });
  if (timed.length === 0) return [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out: StartPosition[] = [];
    for (const { topic, at } of timed)
      for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(topic, at))
        out.push({ topic, partition, offset });
    return out;
  } finally {
    await admin.disconnect();
  }
}
