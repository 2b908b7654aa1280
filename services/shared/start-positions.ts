// Where a consumer that never commits (a per-instance view) starts a topic by time: the first
// record produced at or after a timestamp, per partition (the broker's time index; past the last
// record, the log end). Such a consumer then keeps its position in memory across rejoins
// (consumer-runner.ts) instead of starting over from the beginning or from now. I/O: the Kafka
// admin client.
import type { Kafka } from 'kafkajs';

/**
 * An offset request retried until it answers or `timeoutMs` passes: right after a topic is made, a
 * broker may still answer NOT_LEADER_FOR_PARTITION though the metadata names it leader (two
 * services starting together on a new cluster: kafkajs gave up at once and the start failed).
 */
export async function offsetsRetried<T>(request: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

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
      for (const { partition, offset } of await offsetsRetried(() =>
        admin.fetchTopicOffsetsByTimestamp(topic, at),
      ))
        out.push({ topic, partition, offset });
    return out;
  } finally {
    await admin.disconnect();
  }
}
