// How far a consumer has read each partition of one topic, and waits for it to reach given
// offsets (consent-feed.ts: a CallStart waits until the consent changes published before it are
// read). Pure apart from the promises it hands out.
export interface ReadPositions {
  /** The next offset to read in `partition` (only moves forward). */
  reached(partition: number, nextOffset: bigint): void;
  /** Every partition of `ends` read up to its offset there. */
  caughtUp(ends: ReadonlyMap<number, bigint>): boolean;
  /** Resolves once caughtUp(ends); rejects when `signal` aborts first. */
  waitFor(ends: ReadonlyMap<number, bigint>, signal: AbortSignal): Promise<void>;
  /** Rejects every wait (a stop). */
  cancelAll(): void;
}

interface Waiter {
  ends: ReadonlyMap<number, bigint>;
  resolve: () => void;
  reject: (reason: unknown) => void;
}

export function createReadPositions(): ReadPositions {
  const positions = new Map<number, bigint>();
  const waiters = new Set<Waiter>();
  // A partition never reported (one added to the topic after the start) has nothing read: caught
  // up while it is empty. Was -1: an empty new partition held every wait until its deadline.
  const caughtUp = (ends: ReadonlyMap<number, bigint>): boolean => {
    for (const [partition, end] of ends) if ((positions.get(partition) ?? 0n) < end) return false;
    return true;
  };
  return {
    reached(partition, nextOffset) {
      if (nextOffset <= (positions.get(partition) ?? -1n)) return;
      positions.set(partition, nextOffset);
      for (const waiter of waiters)
        if (caughtUp(waiter.ends)) {
          waiters.delete(waiter);
          waiter.resolve();
        }
    },
    caughtUp,
    waitFor(ends, signal) {
      if (caughtUp(ends)) return Promise.resolve();
      if (signal.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          ends,
          resolve: () => {
            signal.removeEventListener('abort', abort);
            resolve();
          },
          reject,
        };
        const abort = (): void => {
          waiters.delete(waiter);
          reject(signal.reason);
        };
        signal.addEventListener('abort', abort, { once: true });
        waiters.add(waiter);
      });
    },
    cancelAll() {
      for (const waiter of waiters) waiter.reject(new Error('stopped'));
      waiters.clear();
    },
  };
}
