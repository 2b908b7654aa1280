// A circuit breaker on the call-start history lookup. The lookup runs inside the consumer (a
// start's hint is produced with its record's commit), so a call store that stops answering costs
// every start the whole timeout: after a restart, the replayed starts of thousands of live calls
// queued one timeout each and held live hints back by minutes. After `maxFailures` lookups in a
// row time out or fail, starts skip the lookup (outcome `skipped`) for `openMs`; then lookups try
// again (those of the partitions handled at that moment: a few, not one), and a failure opens it
// for another period. A success in between closes it. Pure but for the clock passed in.

export interface HistoryBreaker {
  /** Whether a lookup may be made now. */
  allows(): boolean;
  /** The outcome of a lookup that was made. */
  record(outcome: string): void;
}

export function createHistoryBreaker(options: {
  maxFailures: number;
  openMs: number;
  now?: () => number;
}): HistoryBreaker {
  const now = options.now ?? Date.now;
  let failures = 0;
  let openUntilMs = 0;
  return {
    allows: () => failures < options.maxFailures || now() >= openUntilMs,
    record(outcome) {
      if (outcome !== 'timeout' && outcome !== 'error') {
        failures = 0;
        return;
      }
      failures++;
      // Open (again, after a failed trial) for the full period.
      if (failures >= options.maxFailures) openUntilMs = now() + options.openMs;
    },
  };
}
