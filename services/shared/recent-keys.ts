// A bounded memory of recently seen keys (e.g. calls that have ended): at most `capacity` keys,
// the oldest forgotten first, so remembering never grows with the life of the process. A Set
// keeps insertion order, which makes "oldest" its first key. Pure.

export class RecentKeys {
  private readonly keys = new Set<string>();
  private readonly capacity: number;

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
    this.capacity = capacity;
  }

  get size(): number {
    return this.keys.size;
  }

  /** Remembers the key as the newest one; forgets the oldest when over capacity. */
  add(key: string): void {
    // Re-adding moves the key to the newest end (delete first: a Set keeps the first insertion).
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next().value as string;
      this.keys.delete(oldest);
    }
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }
}
