// Bounds of the wall-clock times a record may carry (call start and end, alert fired, ack): not
// before 2000 and at most a day ahead of this host's clock. A time beyond them would never expire
// under retention (far future) or cannot be right; the edges (gateway, call store) refuse it with
// a typed error instead of storing it. Pure (the clock is passed in).

export const EARLIEST_WALL_TIME_MS = Date.UTC(2000, 0, 1);
/** Clock skew tolerated between a client or another host and this one. */
export const MAX_WALL_TIME_AHEAD_MS = 24 * 60 * 60 * 1000;

/** Why `ms` (Unix epoch ms) is not a usable wall-clock time at `nowMs`, or null. Never quotes it. */
export function wallTimeProblem(ms: number, nowMs: number): string | null {
  if (!Number.isFinite(ms)) return 'is not a time';
  if (ms < EARLIEST_WALL_TIME_MS) return 'is before 2000-01-01';
  if (ms > nowMs + MAX_WALL_TIME_AHEAD_MS) return 'is more than a day in the future';
  return null;
}
