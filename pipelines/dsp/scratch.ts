// Process-wide cache of read-only tables and per-frame scratch buffers, keyed by configuration.
// Pure, no I/O. Safe because every frame is computed synchronously to completion (JS is single
// threaded): scratch holds no state between frames, so every live channel can share it and a
// channel's own state stays small (see bench:dsp bytes_per_channel_state).

const cache = new Map<string, unknown>();

export function shared<T>(key: string, make: () => T): T {
  let v = cache.get(key) as T | undefined;
  if (v === undefined) {
    v = make();
    cache.set(key, v);
  }
  return v;
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * The one empty array a stage returns when a push completed nothing (most pushes: a window ends
 * once a second, a push is 20 ms), so "nothing yet" allocates nothing. Frozen: a caller that added
 * to it would throw rather than hand its items to every other caller.
 */
export function none<T>(): T[] {
  return NONE as unknown as T[];
}
