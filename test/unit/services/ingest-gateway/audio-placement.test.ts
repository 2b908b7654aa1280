// The gateway's call-balanced audio partitioner: new calls spread evenly over the partitions, a call
// keeps its partition for its life (leader lost, partitions added), places are freed at call end,
// and every other topic keeps kafkajs' key hash.
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import {
  createAudioPlacement,
  RECENT_MS,
  type PartitionState,
} from '../../../../services/ingest-gateway/audio-placement.ts';
import { createBalancedPartitioner } from '../../../../services/ingest-gateway/balanced-partitioner.ts';

const AUDIO = 'va.audio.v1';

const metadata = (count: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : partitionId % 3,
    replicas: [0, 1, 2],
    isr: [0, 1, 2],
    offlineReplicas: [],
  }));

const keyOf = (i: number): string => `acme/call-${String(i).padStart(4, '0')}`;

/** Partitions the first record of each key, as the gateway's producer does. */
function placeAll(keys: string[], partitions = metadata(12)) {
  const placement = createAudioPlacement();
  const partition = createBalancedPartitioner(AUDIO, placement)();
  const chosen = keys.map((key) =>
    partition({ topic: AUDIO, partitionMetadata: partitions, message: { key, value: null } }),
  );
  return { placement, partition, chosen };
}

const spread = (counts: Iterable<number>): number => Math.max(...counts) - Math.min(...counts);

function perPartition(chosen: number[], partitions: number): number[] {
  const counts: number[] = Array.from({ length: partitions }, () => 0);
  for (const p of chosen) counts[p] += 1;
  return counts;
}

describe('call-balanced audio partitioner', () => {
  it('puts 100 calls on 12 partitions 8 or 9 each, where the key hash leaves them lumpy', () => {
    const keys = Array.from({ length: 100 }, (_, i) => keyOf(i));
    const { chosen } = placeAll(keys);
    expect(spread(perPartition(chosen, 12))).toBeLessThanOrEqual(1);
    const hash = Partitioners.DefaultPartitioner();
    const hashed = keys.map((key) =>
      hash({ topic: AUDIO, partitionMetadata: metadata(12), message: { key, value: null } }),
    );
    // The same keys by murmur2 alone: the unevenness this partitioner exists to remove.
    expect(spread(perPartition(hashed, 12))).toBeGreaterThan(3);
  });

  it('sends every record of a call to its partition, also after its leader is lost or partitions are added', () => {
    const keys = Array.from({ length: 30 }, (_, i) => keyOf(i));
    const { partition, chosen } = placeAll(keys);
    const again = (key: string, partitions: PartitionMetadata[]) =>
      partition({ topic: AUDIO, partitionMetadata: partitions, message: { key, value: null } });
    keys.forEach((key, i) => {
      expect(again(key, metadata(12))).toBe(chosen[i]);
      expect(again(key, metadata(12, [chosen[i]]))).toBe(chosen[i]);
      expect(again(key, metadata(24))).toBe(chosen[i]);
    });
  });

  it('frees a call place at its end, and the next call takes the emptied partition', () => {
    const keys = Array.from({ length: 24 }, (_, i) => keyOf(i));
    const { placement, partition, chosen } = placeAll(keys);
    const emptied = chosen[5];
    for (const [i, key] of keys.entries()) if (chosen[i] === emptied) placement.release(key);
    expect(placement.size()).toBe(22);
    expect(placement.callsPerPartition().has(emptied)).toBe(false);
    const next = partition({
      topic: AUDIO,
      partitionMetadata: metadata(12),
      message: { key: 'acme/new', value: null },
    });
    expect(next).toBe(emptied);
    for (const key of [...keys, 'acme/new']) placement.release(key);
    expect([placement.size(), placement.callsPerPartition().size]).toEqual([0, 0]);
    placement.release('acme/never-placed');
    expect(placement.size()).toBe(0);
  });

  it('puts a handed-over call back on its partition when the wall clock stepped a minute forward meanwhile', () => {
    // RECENT_MS was timed on Date.now: a gateway host's NTP step forward during a hand-over placed
    // the resumed call anew, on another partition than its first records (the loss below).
    const systemNow = Date.now;
    let stepMs = 0;
    const step = vi.spyOn(Date, 'now').mockImplementation(() => systemNow() + stepMs);
    try {
      const placement = createAudioPlacement();
      const states: PartitionState[] = Array.from({ length: 4 }, (_, partitionId) => ({
        partitionId,
        hasLeader: true,
      }));
      for (const key of ['a', 'b', 'c', 'd']) placement.place(key, states, 0);
      const first = placement.partitionOf('b')!;
      placement.release('b', true);
      placement.place('e', states, 0); // takes b's emptied partition
      stepMs = 60_000;
      expect(placement.place('b', states, 0)).toBe(first);
    } finally {
      step.mockRestore();
    }
  });

  it('puts a handed-over call back on its partition for 30 s, then by load; an ended call by load', () => {
    // Placed anew, a call resumed after UNAVAILABLE wrote to another partition than its first
    // records, and the dsp-worker read the two in no fixed order (windows cut, emotions lost).
    let clock = 0;
    const placement = createAudioPlacement(() => clock);
    const states: PartitionState[] = Array.from({ length: 4 }, (_, partitionId) => ({
      partitionId,
      hasLeader: true,
    }));
    for (const key of ['a', 'b', 'c', 'd']) placement.place(key, states, 0);
    const first = placement.partitionOf('b')!;
    placement.release('b', true); // handed over: its client resumes it
    placement.place('e', states, 0); // takes b's emptied partition: b's comes back beside it
    clock += RECENT_MS;
    expect(placement.place('b', states, 0)).toBe(first);
    placement.release('b', true);
    clock += RECENT_MS + 1;
    const freed = placement.partitionOf('a')!;
    placement.release('a'); // also forgets b's place: handed over too long ago
    expect(placement.place('b', states, 0)).toBe(freed);
    // Ended (final markers): its worker drops later audio of it, so a resume is placed by load.
    const ended = placement.partitionOf('c')!;
    placement.release('c');
    placement.place('f', states, 0); // takes c's emptied partition
    expect(placement.place('c', states, 0)).not.toBe(ended);
  });

  it('moves a call only off a partition the metadata no longer lists (its records would be dropped)', () => {
    const placement = createAudioPlacement();
    const twelve: PartitionState[] = Array.from({ length: 12 }, (_, partitionId) => ({
      partitionId,
      hasLeader: true,
    }));
    expect(placement.place('acme/x', twelve, 10)).toBe(10);
    const six = twelve.slice(0, 6);
    const moved = placement.place('acme/x', six, 4);
    expect(moved).toBe(4);
    expect([...placement.callsPerPartition()]).toEqual([[4, 1]]);
    expect(placement.place('acme/x', twelve, 10)).toBe(4);
  });

  it('places a new call on a partition with a leader while others have none', () => {
    const placement = createAudioPlacement();
    const partitions: PartitionState[] = Array.from({ length: 6 }, (_, partitionId) => ({
      partitionId,
      hasLeader: partitionId >= 4,
    }));
    const chosen = Array.from({ length: 10 }, (_, i) => placement.place(keyOf(i), partitions, i % 6));
    expect(new Set(chosen)).toEqual(new Set([4, 5]));
    // With no leader anywhere the call still gets a partition: its records wait for the leader.
    const none = partitions.map((p) => ({ ...p, hasLeader: false }));
    expect(placement.place('acme/late', none, 2)).toBe(2);
  });

  it('decides by the loads and the key only: the same calls in the same order land the same way', () => {
    const keys = Array.from({ length: 50 }, (_, i) => keyOf(i));
    expect(placeAll(keys).chosen).toEqual(placeAll(keys).chosen);
    // Alone, a call lands where its key hash would put it.
    const hash = Partitioners.DefaultPartitioner();
    const hashed = hash({
      topic: AUDIO,
      partitionMetadata: metadata(12),
      message: { key: keyOf(7), value: null },
    });
    expect(placeAll([keyOf(7)]).chosen).toEqual([hashed]);
  });

  it('leaves every other topic on the key hash, and places nothing for it', () => {
    const { placement, partition } = placeAll([]);
    const hash = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 20; i += 1) {
      const args = {
        topic: 'va.calls.v1',
        partitionMetadata: metadata(12),
        message: { key: keyOf(i), value: null },
      };
      expect(partition(args)).toBe(hash(args));
    }
    expect(placement.size()).toBe(0);
  });
});
