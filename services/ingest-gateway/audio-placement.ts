// Which audio partition each live call of this gateway writes to. A new call goes to the partition
// carrying the fewest of this gateway's live calls, so calls (and the dsp-workers' work, which
// follows partitions) spread evenly; hashing the key instead leaves 100 calls on 12 partitions
// about ±35 % uneven by chance. A call keeps its partition until it is released (call end), even
// when the partition loses its leader or the topic gains partitions: moving a live call would break
// the order of its audio (only a partition gone from the metadata is left). Pure: the caller passes
// the partitions it knows and the key's hash one, and the clock.
//
// A call handed over (refused UNAVAILABLE without final markers: its gRPC client resumes it)
// goes back to the partition it had for RECENT_MS: placed anew, it landed on another partition
// while its first records had only just been written to the old one, and the dsp-worker, which
// reads partitions in no fixed order, cut windows of both sessions and lost emotion events
// (durability probe, a broker outage with resuming clients). Only then: a call that ended (final
// markers) is remembered as ended by the worker of its partition, which drops later audio of it,
// and placed anew a resumed or reused id is analysed by whichever worker gets it.

export interface PartitionState {
  partitionId: number;
  /** False while the partition has no leader (a broker lost): new calls avoid it, placed ones stay. */
  hasLeader: boolean;
}

export interface AudioPlacement {
  /**
   * The call's partition: the one it was given, or for a new call the least-loaded partition
   * (only those with a leader, when any has one); ties go to the first from `hashed` on, so one
   * key gets one answer, and alone a call lands where the key's hash would put it.
   */
  place(key: string, partitions: readonly PartitionState[], hashed: number): number;
  /**
   * Frees the call's place (its last record acknowledged): later calls may take it. `handedOver`:
   * kept for the call's own resume for RECENT_MS.
   */
  release(key: string, handedOver?: boolean): void;
  partitionOf(key: string): number | undefined;
  /** Calls placed and not released. */
  size(): number;
  /** Live calls per partition (partitions with none are absent). */
  callsPerPartition(): ReadonlyMap<number, number>;
}

/**
 * How long a handed-over call's partition is kept for it: the dsp-worker's CALL_IDLE_TIMEOUT_MS
 * (default 30 s), after which the worker has ended the call and would drop its resumed audio.
 */
export const RECENT_MS = 30_000;

/**
 * `now`: the clock RECENT_MS is timed on, monotonic by default: on the wall clock an NTP step
 * forward during a hand-over placed the resumed call anew (the loss above).
 */
export function createAudioPlacement(now: () => number = () => performance.now()): AudioPlacement {
  const placed = new Map<string, number>();
  const load = new Map<number, number>();
  /** Ended calls' partitions by key, oldest first (insertion order), with when they ended. */
  const recent = new Map<string, { partition: number; atMs: number }>();

  const choose = (partitions: readonly PartitionState[], hashed: number): number => {
    const led = partitions.filter((p) => p.hasLeader);
    const candidates = (led.length > 0 ? led : partitions).map((p) => p.partitionId).sort((a, b) => a - b);
    // Scan from the key's hash partition (or the next id above it) round the ring: the first of
    // the least-loaded wins, which makes the choice depend only on the loads and the key.
    const first = Math.max(
      0,
      candidates.findIndex((id) => id >= hashed),
    );
    let best = candidates[first];
    for (let i = 1; i < candidates.length; i += 1) {
      const id = candidates[(first + i) % candidates.length];
      if ((load.get(id) ?? 0) < (load.get(best) ?? 0)) best = id;
    }
    return best;
  };

  const forgetOld = (atMs: number): void => {
    for (const [key, entry] of recent) {
      if (atMs - entry.atMs <= RECENT_MS) break;
      recent.delete(key);
    }
  };

  const release = (key: string, handedOver = false): void => {
    const partition = placed.get(key);
    if (partition === undefined) return;
    placed.delete(key);
    const atMs = now();
    recent.delete(key);
    if (handedOver) recent.set(key, { partition, atMs });
    forgetOld(atMs);
    const left = (load.get(partition) ?? 1) - 1;
    if (left > 0) load.set(partition, left);
    else load.delete(partition);
  };

  return {
    place(key, partitions, hashed) {
      const known = placed.get(key);
      if (partitions.length === 0) return known ?? hashed;
      // A partition the metadata no longer lists (the topic deleted and made again, smaller) must
      // not be kept: kafkajs 2.2.4 leaves records for a partition it has no metadata of out of the
      // request and still resolves the send (cluster/index.js findLeaderForPartitions), so they
      // would be lost. Only then does a live call move.
      const listed = (id: number | undefined): id is number =>
        id !== undefined && partitions.some((p) => p.partitionId === id);
      if (listed(known)) return known;
      if (known !== undefined) release(key);
      // Back within RECENT_MS of its end: where its earlier records are (unless the partition left).
      const before = recent.get(key);
      recent.delete(key);
      const partition =
        before && now() - before.atMs <= RECENT_MS && listed(before.partition)
          ? before.partition
          : choose(partitions, hashed);
      placed.set(key, partition);
      load.set(partition, (load.get(partition) ?? 0) + 1);
      return partition;
    },
    release,
    partitionOf: (key) => placed.get(key),
    size: () => placed.size,
    callsPerPartition: () => load,
  };
}
