// How far a call's audio, or a window made from it, may jump ahead of the call's previous one for
// the wall time that passed at the gateway between them. No stream runs faster than MAX_AUDIO_PACE
// (1 000 × real time), plus the gap a consumer fills with silence and a minute of slack for clocks.
// A record an hour ahead of its call one second later is no resumed stream: taken for one, the
// dsp-worker restarted the call there and dropped its later audio as already processed, and the
// classifier dropped the speaker's later windows as duplicates. The clocks are the records' own
// (the gateway's arrival times), so a replay judges a record as the first run did; a clock of 0 is
// unknown (no time is known to have passed), and so is one more than an hour ahead of this
// host's. Pure.
import type { WindowPlace } from '../../pipelines/window-place.ts';

export const MAX_AUDIO_PACE = 1000;
export const JUMP_SLACK_MS = 60_000;
/**
 * A gateway clock further ahead of this host's than this is not a clock. An hour: hosts whose
 * clocks drifted apart by minutes still judge each other's records by them (a tighter bound
 * refused every later chunk of a resumed call on a worker whose clock was 2 minutes behind).
 */
export const MAX_CLOCK_AHEAD_MS = 3_600_000;

/** A record's arrival clock when it can be one, else 0 (unknown): 0, missing, or far ahead of now. */
export const knownClockMs = (clockMs: number | undefined, nowMs: number): number =>
  clockMs !== undefined && clockMs > 0 && clockMs <= nowMs + MAX_CLOCK_AHEAD_MS ? clockMs : 0;

/** Wall time that passed at the gateway between two of a call's arrival clocks (0 when unknown). */
export function gatewayElapsedMs(earlierMs: number, laterMs: number | undefined, nowMs: number): number {
  const later = knownClockMs(laterMs, nowMs);
  return earlierMs > 0 && later > 0 ? Math.max(0, later - earlierMs) : 0;
}

/** The most audio time (ms) a call may jump after `elapsedMs` at the gateway, `fillableGapMs` aside. */
export const maxAudioJumpMs = (elapsedMs: number, fillableGapMs: number): number =>
  MAX_AUDIO_PACE * elapsedMs + fillableGapMs + JUMP_SLACK_MS;

/** The dsp-worker's bounds (its config): the shortest window hop, the longest gap it fills. */
export const MIN_WINDOW_HOP_MS = 100;
export const MAX_FILLED_GAP_MS = 600_000;

/**
 * Why `next` cannot follow `prev` (the speaker's previous window) on the dsp-worker's grid, or
 * null: its index runs ahead of its time (window i starts at i × hop, hop ≥ MIN_WINDOW_HOP_MS), or
 * its audio jumps further than the gateway's clock allows. A window the worker made passes: it
 * restarts a call on the grid only after such a jump (AUDIO_TIME_JUMP refuses the others).
 */
export function windowJumpProblem(prev: WindowPlace, next: WindowPlace, nowMs: number): string | null {
  // `prev.arrivalMs` is the last known clock of the speaker's windows (pipelines/window-place.ts).
  const steps = next.windowIndex - prev.windowIndex;
  const audioMs = next.startMs - prev.startMs;
  if (steps * MIN_WINDOW_HOP_MS > audioMs + MIN_WINDOW_HOP_MS)
    return `window ${next.windowIndex} at ${next.startMs} ms runs ahead of window ${prev.windowIndex} at ${prev.startMs} ms`;
  const wallMs = gatewayElapsedMs(prev.arrivalMs, next.arrivalMs, nowMs);
  if (audioMs > maxAudioJumpMs(wallMs, MAX_FILLED_GAP_MS))
    return `window ${next.windowIndex} jumps ${audioMs} ms ahead of the speaker's previous one ${wallMs} ms later at the gateway`;
  return null;
}
