// What a successor of a routing instance needs to rebuild a call's hint state (recent windows,
// reasons, last hint's risk) after a restart or rebalance: per input topic, the commit is held at
// the first record of every live call (offset-hold.ts), so the new owner replays from there; the
// hints of records below the previous owner's replay mark were produced already: not again (the
// same ids, so a router would drop them, but the webhook would call it twice). Pure.
import { OffsetHold } from '../shared/offset-hold.ts';
import type { TopicPartition } from '../shared/consumer-runner.ts';

export interface RoutingReplay {
  /** A record of a live call (`${tenant}/${callId}`) at this offset: the first holds the commit. */
  note(topic: string, partition: number, key: string, offset: number): void;
  /**
   * The call's state is gone (ended, forgotten, idle): it holds no commit any more. Returns the
   * partitions it held, whose commits may move on now.
   */
  release(key: string): TopicPartition[];
  commitOffset(topic: string, partition: number, nextOffset: string): string;
  setReplayUntil(topic: string, partition: number, producedUntil: number): void;
  /** Whether the record's hints were produced by the previous owner. */
  replayed(topic: string, partition: number, offset: number): boolean;
  /**
   * Releases the calls these partitions held, on every topic, and returns their keys: their state
   * must go. Also after a failed produce, which revokes one partition only: the re-read records
   * must make their hints again (kept state would take them as already counted and the lost hint
   * would never be made), at the price of the other topics' part of those calls' state.
   */
  revoke(partitions: readonly TopicPartition[]): string[];
}

export function createRoutingReplay(topics: readonly string[], maxHoldRecords: number): RoutingReplay {
  const holds = new Map(topics.map((topic) => [topic, new OffsetHold(maxHoldRecords)]));
  const replayUntil = new Map<string, number>();
  const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const release = (key: string): TopicPartition[] => {
    const held: TopicPartition[] = [];
    for (const [topic, hold] of holds) {
      const partition = hold.partitionOf(key);
      if (partition !== undefined) held.push({ topic, partition });
      hold.release(key);
    }
    return held;
  };
  return {
    note: (topic, partition, key, offset) => holds.get(topic)?.note(partition, key, offset),
    release,
    commitOffset(topic, partition, nextOffset) {
      const hold = holds.get(topic);
      return hold ? String(hold.safeCommitOffset(partition, Number(nextOffset))) : nextOffset;
    },
    setReplayUntil: (topic, partition, producedUntil) => replayUntil.set(tp(topic, partition), producedUntil),
    replayed: (topic, partition, offset) => offset < (replayUntil.get(tp(topic, partition)) ?? -1),
    revoke(partitions) {
      const keys = new Set<string>();
      for (const { topic, partition } of partitions) {
        replayUntil.delete(tp(topic, partition));
        for (const key of holds.get(topic)?.dropPartitions([partition]) ?? []) keys.add(key);
      }
      for (const key of keys) release(key);
      return [...keys];
    },
  };
}
