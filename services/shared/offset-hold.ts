// Held commits for consumers whose per-call state depends on every earlier record of the call:
// per partition, the first offset of each call still held, so the committed offset never passes it
// and a successor (restart, rebalance) rebuilds the state by replaying from there. How far back a
// commit may be held is bounded: a call older than that no longer holds it, and a successor
// rebuilds such a call from the bound on (its earliest state is lost, the replay stays bounded).
// Pure, no I/O.

/**
 * The offset to commit given the next offset to read and the first offset still needed (or
 * undefined): never past what is needed, never more than `maxHoldRecords` behind `nextOffset`.
 */
export function heldCommitOffset(
  nextOffset: number,
  firstNeeded: number | undefined,
  maxHoldRecords: number,
): number {
  if (firstNeeded === undefined || firstNeeded >= nextOffset) return nextOffset;
  return Math.max(firstNeeded, nextOffset - maxHoldRecords);
}

interface Held {
  partition: number;
  firstOffset: number;
}

/** The calls of one topic whose state is held, by partition, with their first offset. */
export class OffsetHold {
  private readonly calls = new Map<string, Held>();
  private readonly maxHoldRecords: number;

  constructor(maxHoldRecords: number) {
    if (!(maxHoldRecords >= 1)) throw new RangeError('maxHoldRecords must be at least 1');
    this.maxHoldRecords = maxHoldRecords;
  }

  get size(): number {
    return this.calls.size;
  }

  /** A record of the call at this offset: the first one seen holds the commit. */
  note(partition: number, key: string, offset: number): void {
    if (!this.calls.has(key)) this.calls.set(key, { partition, firstOffset: offset });
  }

  /** The partition the call holds, or undefined when it holds none here. */
  partitionOf(key: string): number | undefined {
    return this.calls.get(key)?.partition;
  }

  /** The call's state is gone (ended, purged): it no longer holds its partition's commit. */
  release(key: string): boolean {
    return this.calls.delete(key);
  }

  /** Releases and returns the calls of these partitions (revoked: their state must go). */
  dropPartitions(partitions: readonly number[]): string[] {
    const dropped: string[] = [];
    for (const [key, held] of this.calls) {
      if (partitions.includes(held.partition)) {
        this.calls.delete(key);
        dropped.push(key);
      }
    }
    return dropped;
  }

  safeCommitOffset(partition: number, nextOffset: number): number {
    let first: number | undefined;
    for (const held of this.calls.values()) {
      if (held.partition === partition && (first === undefined || held.firstOffset < first))
        first = held.firstOffset;
    }
    return heldCommitOffset(nextOffset, first, this.maxHoldRecords);
  }
}
