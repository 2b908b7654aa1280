// A call on hold whose client sends no audio through the hold (DTX: SIP platforms stop RTP while a
// media server plays the customer its music). The gateway keeps the held call alive and its
// timeline moving: every tick, each channel that lags is filled with on-hold silence up to where
// the hold has reached (its wall-clock length since CallHold, or the furthest channel when one
// leg still sends), less HOLD_FILL_LAG_MS, so the dsp-worker sees hold time as it passes
// (`long-hold` fires during the hold) and windows after it line up in audio time. Bounded by
// HOLD_MAX_MS: then the call ends HOLD_TOO_LONG. Pure apart from the injected clock and timer.
import type { Channel } from '../../pipelines/dsp/types.ts';
import type { AudioChunk } from '../shared/records.ts';
import type { ChannelBatcher } from './channel-batcher.ts';
import { IngestError } from './errors.ts';

/**
 * How far behind the hold's own clock the fill stays: a client that does send through the hold
 * (or comes back from it) with some jitter or latency never finds its frames already covered by
 * fill (they would be dropped as repeats). Small against the 2-minute `long-hold`.
 */
export const HOLD_FILL_LAG_MS = 2_000;

/** HOLD_MAX_MS's default: longer than any hold a contact centre means to keep. */
export const DEFAULT_HOLD_MAX_MS = 3_600_000;

/** How often a held call's channels are filled: dsp-worker windows are 1 s apart. */
export const HOLD_FILL_INTERVAL_MS = 1_000;

export interface HeldTimelineDeps {
  maxHoldMs: number;
  batchers: ReadonlyMap<Channel, ChannelBatcher>;
  /** The wall clock: the arrival time the filled chunks carry. */
  nowMs: () => number;
  /**
   * A monotonic clock in ms (default `nowMs`): the hold's length, its limit and its fill. On the
   * wall clock a step forward of the gateway host's clock mid-hold filled silence that far past
   * the hold's real length (the client's audio after the hold then dropped as repeats), and one
   * past HOLD_MAX_MS ended the call HOLD_TOO_LONG.
   */
  monotonicNowMs?: () => number;
  /** Whether fill leaves the gateway (analytics on); the hold limit holds either way. */
  analysed: () => boolean;
  filled: (channel: Channel, chunks: readonly AudioChunk[]) => void;
  /**
   * How far `channel` may be filled now (as a gap's fill: its audio time plus ALIGN_FILL_MAX_MS
   * and the pace room). Without it a channel whose other one started a day on (a first frame may
   * place its channel anywhere up to a day) was filled up to it in one tick: 691 MB of silence at
   * 8 kHz µ-law, 2.8 GB at 16 kHz LINEAR16 (review).
   */
  fillLimitMs?: (channel: Channel) => number;
  /** The hold outlasted HOLD_MAX_MS: the caller ends the call with this error. */
  tooLong: (error: IngestError) => void;
  /** Timer injection for tests. */
  every?: (fn: () => void, ms: number) => { stop(): void };
}

export interface HeldTimeline {
  /**
   * The call went on hold at audio time `audioMs` (the furthest channel's). `placed` false: no
   * channel has had a frame yet (a stream resumed on hold: CallStart, CallHold, then a frame at
   * the client's clock), so the hold's timeline starts at the first frame (`place`), not at 0.
   */
  start(audioMs: number, placed?: boolean): void;
  /** A frame was added: a hold started before any frame moves on from `audioMs`, from now. */
  place(audioMs: number): void;
  /** Off hold, or the call is over. */
  stop(): void;
  /** One fill step (the timer's; tests call it). */
  tick(): void;
  /**
   * The gateway stopped (true) or resumed (false) reading the stream (backpressure, stream-hold.ts):
   * the client's messages wait in the transport meanwhile, so the hold's clock stops with it and
   * nothing is filled. Filling on, the fill took the slots of the frames waiting (the client's
   * speech after a CallHold off among them) and they were dropped as repeats (review).
   */
  pause(paused: boolean): void;
  /**
   * A frame came (any channel): the hold limit bounds a frameless stretch of the hold only. A
   * client sending its hold music was ended HOLD_TOO_LONG an hour into a hold although sending the
   * hold's audio "works as before" (no limit) and such a call is not idle (review).
   */
  frameArrived(): void;
  /** Since when (wall clock) the call is on hold, null off hold. */
  since(): number | null;
}

const realEvery = (fn: () => void, ms: number) => {
  const timer = setInterval(fn, ms);
  timer.unref();
  return { stop: () => clearInterval(timer) };
};

/** Where the hold's timeline has reached: its wall-clock length, or the furthest channel, less the lag. */
export function heldTargetMs(
  hold: { atWallMs: number; atAudioMs: number },
  nowMs: number,
  furthestMs: number,
): number {
  return Math.max(hold.atAudioMs + (nowMs - hold.atWallMs), furthestMs) - HOLD_FILL_LAG_MS;
}

export function createHeldTimeline(deps: HeldTimelineDeps): HeldTimeline {
  const every = deps.every ?? realEvery;
  /** The hold's own clock (monotonic): every time kept below is on it, but `sinceWallMs`. */
  const clockMs = deps.monotonicNowMs ?? deps.nowMs;
  let sinceWallMs: number | null = null;
  /** On the hold clock (`clockMs`): atWallMs the hold's start (its limit); fillFromWallMs and atAudioMs: where the fill moves on from. */
  let hold: { atWallMs: number; atAudioMs: number; fillFromWallMs: number; placed: boolean } | null = null;
  let timer: { stop(): void } | null = null;
  /** Time (hold clock) the stream was not read during this hold (ended pauses), and the current pause's start. */
  let pausedMs = 0;
  let pausedAt: number | null = null;
  /** Hold clock of the stream's latest frame. */
  let lastFrameWallMs = -Infinity;

  const tick = (): void => {
    if (!hold) return;
    const now = clockMs();
    if (now - Math.max(hold.atWallMs, lastFrameWallMs) > deps.maxHoldMs) {
      const error = new IngestError(
        'HOLD_TOO_LONG',
        `on hold without audio for more than ${deps.maxHoldMs} ms`,
      );
      stop();
      deps.tooLong(error);
      return;
    }
    if (!deps.analysed() || pausedAt !== null || !hold.placed) return;
    const furthest = Math.max(0, ...[...deps.batchers.values()].map((b) => b.audioMs()));
    const target = heldTargetMs(
      { atAudioMs: hold.atAudioMs, atWallMs: hold.fillFromWallMs + pausedMs },
      now,
      furthest,
    );
    for (const [channel, batcher] of deps.batchers) {
      const chunks = batcher.fillHold(
        Math.min(target, deps.fillLimitMs?.(channel) ?? Infinity),
        deps.nowMs(),
      );
      if (chunks.length > 0) deps.filled(channel, chunks);
    }
  };

  const stop = (): void => {
    hold = null;
    sinceWallMs = null;
    timer?.stop();
    timer = null;
  };

  return {
    start(audioMs, placed = true) {
      stop();
      const now = clockMs();
      sinceWallMs = deps.nowMs();
      hold = { atWallMs: now, atAudioMs: audioMs, fillFromWallMs: now, placed };
      pausedMs = 0;
      if (pausedAt !== null) pausedAt = hold.atWallMs;
      timer = every(tick, HOLD_FILL_INTERVAL_MS);
    },
    stop,
    tick,
    place(audioMs) {
      if (!hold || hold.placed) return;
      const now = clockMs();
      hold = { ...hold, atAudioMs: audioMs, fillFromWallMs: now, placed: true };
      pausedMs = 0;
      if (pausedAt !== null) pausedAt = now;
    },
    frameArrived() {
      lastFrameWallMs = clockMs();
    },
    pause(paused) {
      if (paused && pausedAt === null) pausedAt = clockMs();
      else if (!paused && pausedAt !== null) {
        if (hold) pausedMs += clockMs() - Math.max(pausedAt, hold.fillFromWallMs);
        pausedAt = null;
      }
    },
    since: () => sinceWallMs,
  };
}
