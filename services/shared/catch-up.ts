// Whether a consumer that rebuilds state at each start has read what was already there when it
// started. The alert service's fan-out: every call start and end and every alert (from the
// beginning), and the emotions and features of the rebuild window; the revocation feed: every
// revoked token. Until then the fan-out's live view is still being rebuilt (a restart at 5 000
// calls re-reads millions of records), and an instance that said "ready" meanwhile took
// wallboards whose calls showed no trend, while a rolling update went on to the next instance. Per partition: the log end at start
// against where its reading began and the next offset its flushes reached. Pure.

/** `${topic}\u0000${partition}` */
const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export interface CatchUp {
  /** Where a partition's reading begins (its first offset, or the offset at the rebuild's start). */
  begins(topic: string, partition: number, offset: string): void;
  /** The log end of a partition when the fan-out started. */
  endsAt(topic: string, partition: number, offset: string): void;
  /** The next offset a flush of the partition reached. */
  reached(topic: string, partition: number, nextOffset: string): void;
  /** Every partition read up to its end at start (latched: true from then on). */
  done(): boolean;
}

export function createCatchUp(): CatchUp {
  const ends = new Map<string, bigint>();
  const positions = new Map<string, bigint>();
  let latched = false;
  const advance = (key: string, offset: string): void => {
    const at = BigInt(offset);
    if (at > (positions.get(key) ?? -1n)) positions.set(key, at);
  };
  return {
    begins: (topic, partition, offset) => advance(tpKey(topic, partition), offset),
    endsAt: (topic, partition, offset) => void ends.set(tpKey(topic, partition), BigInt(offset)),
    reached: (topic, partition, nextOffset) => advance(tpKey(topic, partition), nextOffset),
    done() {
      if (!latched && ends.size > 0)
        latched = [...ends].every(([key, end]) => (positions.get(key) ?? -1n) >= end);
      return latched;
    },
  };
}
