// One-way audio with nothing on one leg: a broken RTP leg or a NAT dropping one direction sends
// no frames at all on that channel (not digital silence). The dsp-worker's two-channel windows
// need audio on both channels and a gap is only filled when the leg's next frame comes, so the
// call's dynamics (the customer-line-fault, the live talk ratio) stopped at the leg's last frame
// until hang-up. Every tick, a channel off hold that has sent no frame for SILENT_LEG_AFTER_MS
// (monotonic clock) and lags the furthest channel by more than SILENT_LEG_LAG_MS is filled with
// plain silence up to the furthest less that lag. Pure apart from the injected clocks and timer.
import type { Channel } from '../../pipelines/dsp/types.ts';
import type { AudioChunk } from '../shared/records.ts';
import type { ChannelBatcher } from './channel-batcher.ts';

/**
 * How far behind the furthest channel a silent leg's fill stays, and how long (monotonic) a leg
 * sends nothing before it is filled. A leg's frames that come later than this behind the other
 * leg's find their slots taken by the fill and are dropped as repeats: jitter buffers hold tens
 * to hundreds of ms, and both legs of a gRPC, Twilio or AudioHook stream share one connection
 * (its stalls delay both alike); a leg that keeps sending, however far behind, is never filled.
 * Small against the 20 s of the customer-line-fault rule.
 */
export const SILENT_LEG_LAG_MS = 2_000;
export const SILENT_LEG_AFTER_MS = 2_000;

/** How often the legs are looked at: dsp-worker windows are 1 s apart. */
export const SILENT_LEG_INTERVAL_MS = 1_000;

export interface SilentLegsDeps {
  batchers: ReadonlyMap<Channel, ChannelBatcher>;
  /** The wall clock: the arrival time the filled chunks carry. */
  nowMs: () => number;
  /** A monotonic clock in ms: how long a leg has sent nothing (an NTP step neither fills nor holds it). */
  monotonicNowMs: () => number;
  /** Whether audio leaves the gateway (analytics on, not withdrawn). */
  analysed: () => boolean;
  /** The call is on hold: the held timeline (held-timeline.ts) moves its channels on. */
  onHold: () => boolean;
  /** How far `channel` may be filled now (as a gap's fill: ALIGN_FILL_MAX_MS and the pace room). */
  fillLimitMs: (channel: Channel) => number;
  filled: (channel: Channel, chunks: readonly AudioChunk[]) => void;
  /** Timer injection for tests. */
  every?: (fn: () => void, ms: number) => { stop(): void };
}

export interface SilentLegs {
  /** The call's channels are open (analytics on): a leg's silence counts from now. */
  start(): void;
  /** A frame of `channel` came at audio time `audioTimeMs` (the stream's first one places every leg's start). */
  frame(channel: Channel, audioTimeMs: number): void;
  /**
   * The gateway stopped (true) or resumed (false) reading the stream (backpressure): the frames
   * wait in the transport, so nothing is filled meanwhile and silence counts from the resumption.
   */
  pause(paused: boolean): void;
  /** The call is over or handed over. */
  stop(): void;
  /** One fill step (the timer's; tests call it). */
  tick(): void;
}

const realEvery = (fn: () => void, ms: number) => {
  const timer = setInterval(fn, ms);
  timer.unref();
  return { stop: () => clearInterval(timer) };
};

export function createSilentLegs(deps: SilentLegsDeps): SilentLegs {
  const every = deps.every ?? realEvery;
  /** Monotonic time of each channel's latest frame (or the call's start). */
  const lastFrameAt = new Map<Channel, number>();
  /** Monotonic time the legs' silence last restarted: the start, a hold, a pause of reading. */
  let quietFrom = 0;
  let paused = false;
  /** Audio time of the stream's first frame: where a leg that never sent one starts (a resume's, not 0). */
  let streamStartMs: number | null = null;
  let timer: { stop(): void } | null = null;

  const tick = (): void => {
    const now = deps.monotonicNowMs();
    if (!deps.analysed() || deps.onHold() || paused || streamStartMs === null) {
      quietFrom = now;
      return;
    }
    const furthest = Math.max(...[...deps.batchers.values()].map((b) => b.audioMs()));
    for (const [channel, batcher] of deps.batchers) {
      const quietMs = now - Math.max(quietFrom, lastFrameAt.get(channel) ?? quietFrom);
      if (quietMs < SILENT_LEG_AFTER_MS || furthest - batcher.audioMs() <= SILENT_LEG_LAG_MS) continue;
      const target = Math.min(furthest - SILENT_LEG_LAG_MS, deps.fillLimitMs(channel));
      const chunks = batcher.fillSilent(target, deps.nowMs(), streamStartMs);
      if (chunks.length > 0) deps.filled(channel, chunks);
    }
  };

  return {
    start() {
      quietFrom = deps.monotonicNowMs();
      timer?.stop();
      timer = every(tick, SILENT_LEG_INTERVAL_MS);
    },
    frame(channel, audioTimeMs) {
      streamStartMs ??= audioTimeMs;
      lastFrameAt.set(channel, deps.monotonicNowMs());
    },
    pause(next) {
      paused = next;
      quietFrom = deps.monotonicNowMs();
    },
    stop() {
      timer?.stop();
      timer = null;
    },
    tick,
  };
}
