// Replay marks: with each offset commit, a consumer group also stores (in the commit's metadata)
// how far its outputs were produced. A held commit (offset-hold.ts) makes a successor re-read
// records whose outputs were already produced; the mark tells it which, so it rebuilds its state
// from them without producing their outputs again. The log end ("high-water mark") is not the
// mark: records between the last produced one and the log end were never handled, and skipping
// their outputs would lose them. I/O: the Kafka admin client (fetchReplayMarks only).
import type { Admin } from 'kafkajs';

const PREFIX = 'va-produced:';

/** Commit metadata saying that outputs of every record below `nextOffset` were produced. */
export function replayMark(nextOffset: number | string): string {
  return `${PREFIX}${nextOffset}`;
}

/** The produced-until offset of a commit's metadata; undefined for anything else. */
export function parseReplayMark(metadata: string | null | undefined): number | undefined {
  if (!metadata?.startsWith(PREFIX)) return undefined;
  const text = metadata.slice(PREFIX.length);
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

/** The group's marks for these topics, by `${topic}\u0000${partition}`. */
export async function fetchReplayMarks(
  admin: Admin,
  groupId: string,
  topics: string[],
): Promise<Map<string, number>> {
  const marks = new Map<string, number>();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
    for (const { partition, metadata } of partitions) {
      const mark = parseReplayMark(metadata);
      if (mark !== undefined) marks.set(`${topic}\u0000${partition}`, mark);
    }
  }
  return marks;
}
