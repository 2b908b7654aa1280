// Bounded in-memory log of the events pushed to clients (alerts, acknowledgements), numbered by
// a per-instance sequence, so a reconnecting client can be replayed what it missed. The sequence
// starts at `firstSeq`: the hub starts each run above every number the previous run of the same
// instance id can have given out (hub.ts), so a client's number from before a restart reads as
// "evicted" (full snapshot), never as a position in the new run. Pure.

export interface ReplayEntry<T> {
  seq: number;
  item: T;
}

export interface ReplayBuffer<T> {
  /** Appends and returns the new sequence number. */
  append(item: T): number;
  /** Entries after `lastSeq`, or null when some of them were already evicted (resync needed). */
  since(lastSeq: number): ReplayEntry<T>[] | null;
  lastSeq(): number;
  size(): number;
}

export function createReplayBuffer<T>(capacity: number, firstSeq = 1): ReplayBuffer<T> {
  const ring: (ReplayEntry<T> | undefined)[] = new Array(capacity);
  let next = firstSeq;
  return {
    append(item) {
      const seq = next;
      next += 1;
      ring[seq % capacity] = { seq, item };
      return seq;
    },
    since(lastSeq) {
      const newest = next - 1;
      if (lastSeq >= newest) return lastSeq > newest ? null : [];
      const oldest = Math.max(firstSeq, newest - capacity + 1);
      if (lastSeq + 1 < oldest) return null;
      const out: ReplayEntry<T>[] = [];
      for (let seq = lastSeq + 1; seq <= newest; seq += 1) out.push(ring[seq % capacity] as ReplayEntry<T>);
      return out;
    },
    lastSeq() {
      return next - 1;
    },
    size() {
      return Math.min(next - firstSeq, capacity);
    },
  };
}
