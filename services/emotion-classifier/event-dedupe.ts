// Dedupe by event id for consumers of at-least-once topics: remembers the most recent ids in a
// bounded insertion-ordered set (oldest forgotten first). Pure, no I/O.

export interface EventDedupe {
  /** True the first time an id is seen (and remembers it), false for a duplicate. */
  firstSeen(eventId: string): boolean;
  readonly size: number;
}

export function createEventDedupe(capacity = 100_000): EventDedupe {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError('capacity must be a positive integer');
  const seen = new Set<string>();
  return {
    firstSeen(eventId: string): boolean {
      if (seen.has(eventId)) return false;
      seen.add(eventId);
      if (seen.size > capacity) {
        const oldest = seen.values().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}
