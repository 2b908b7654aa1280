// Real-time rate limit of one call: a telephony client sends audio as it is
// spoken, so a call whose audio runs ahead of its wall-clock age by more than `maxSpeed` × plus a
// burst is not a live call but a bulk upload (or an attack on the shared backpressure) and is
// ended. Counted per channel, including the silence the gateway fills into gaps. Pure.
import type { Channel } from '../../pipelines/dsp/types.ts';
import { IngestError } from './errors.ts';

export interface PaceSettings {
  /** Audio may arrive at most this many times faster than real time; 0 = no limit. */
  maxSpeed: number;
  /** Audio allowed ahead of that, e.g. a client catching up after a network stall. */
  burstMs: number;
}

export interface StreamPace {
  /** Throws FASTER_THAN_REAL_TIME when `ms` more audio on `channel` would exceed the limit. */
  check(channel: Channel, ms: number, nowMs: number): void;
  /** Counts audio the channel received (frames and filled gaps). */
  add(channel: Channel, ms: number): void;
  /** Audio the channel may still receive now without exceeding the limit (Infinity: no limit). */
  room(channel: Channel, nowMs: number): number;
}

/**
 * How far before CallStart reached the gateway the pace clock may start: the call's own start
 * time (start_time_ms), when the client gives one, up to this much earlier. A CallStart the gateway
 * read late (a broker outage, a shared HTTP/2 connection held behind it) found the audio spoken
 * meanwhile queued behind it; counted from the late CallStart, that audio arrived "faster than real
 * time" and 10 calls started around a 20 s broker outage were ended (soak probe: "5840 ms of
 * audio after 413 ms"). Bounded, so an invented start time buys at most this much more burst.
 */
export const PACE_CLOCK_BACKDATE_MS = 30_000;

/** When a call's pace clock starts: its start time, clamped to [now - PACE_CLOCK_BACKDATE_MS, now]. */
export function paceClockStart(callStartMs: number, nowMs: number): number {
  return Math.max(nowMs - PACE_CLOCK_BACKDATE_MS, Math.min(nowMs, callStartMs));
}

export function createStreamPace(settings: PaceSettings, startedAtMs: number): StreamPace {
  const audioMs = new Map<Channel, number>();
  const room = (channel: Channel, nowMs: number): number =>
    settings.maxSpeed <= 0
      ? Infinity
      : settings.maxSpeed * Math.max(0, nowMs - startedAtMs) + settings.burstMs - (audioMs.get(channel) ?? 0);
  return {
    room,
    check(channel, ms, nowMs) {
      if (room(channel, nowMs) < ms) {
        const received = (audioMs.get(channel) ?? 0) + ms;
        throw new IngestError(
          'FASTER_THAN_REAL_TIME',
          `${Math.round(received)} ms of audio after ${nowMs - startedAtMs} ms: more than ` +
            `${settings.maxSpeed}x real time plus ${settings.burstMs} ms (MAX_STREAM_SPEED, STREAM_BURST_MS)`,
        );
      }
    },
    add(channel, ms) {
      audioMs.set(channel, (audioMs.get(channel) ?? 0) + ms);
    },
  };
}
