// At most one log line per key and interval: a broker outage made kafkajs write the same two
// lines ("Connection error: connect ECONNREFUSED", "Failed to connect to seed broker") about five
// times a second per service, 2 400 lines in 45 s across six services. The line that passes after
// a quiet spell says how many were held back (`repeated`). Bounded: the oldest keys go first. Pure
// but for the clock.

export interface LogThrottle {
  /** null: hold this line back; else the count of lines held back since the last one of its key. */
  admit(key: string): number | null;
}

/** `now` is monotonic by default: a wall clock stepping back would stretch the suppression. */
export function createLogThrottle(
  intervalMs: number,
  now: () => number = () => performance.now(),
  maxKeys = 1_000,
): LogThrottle {
  const keys = new Map<string, { lastMs: number; held: number }>();
  return {
    admit(key) {
      const t = now();
      const seen = keys.get(key);
      if (seen && t - seen.lastMs < intervalMs) {
        seen.held += 1;
        return null;
      }
      const held = seen?.held ?? 0;
      keys.delete(key);
      keys.set(key, { lastMs: t, held: 0 });
      if (keys.size > maxKeys) keys.delete(keys.keys().next().value as string);
      return held;
    },
  };
}
