// One speaker's streaming analyzer: bytes in (any chunking) -> decode -> (resample) -> frames ->
// SpeakerWindows. Output is identical for any split of the byte stream because every stage is
// sample-sequential. Pure, no I/O. Never throws on audio content.

import { createStreamDecoder } from './codecs.ts';
import { createFrameAnalyzer, frameConfigOf } from './frame-analyzer.ts';
import { createFrameStore, FRAME_FIELD } from './frame-store.ts';
import { PATH_LAG } from './pitch-path.ts';
import { resolveOptions, type ChannelOptions, type ResolvedOptions } from './options.ts';
import { createStreamResampler, type StreamResampler } from './resample.ts';
import type { SpeakerWindow } from './types.ts';
import { none, shared } from './scratch.ts';
import { computeWindow, createWindowScratch } from './window.ts';

/** Largest slice of a chunk decoded at once. */
const SLICE_BYTES = 512;

export interface ChannelAnalyzer {
  /** The windows the chunk completed; read-only: most pushes return one shared, frozen empty list. */
  push(chunk: Uint8Array): readonly SpeakerWindow[];
  flush(): readonly SpeakerWindow[];
}

/** Internal hook for the call analyzer: VAD decision and energy (dBFS) of every frame, in order. */
export type FrameHook = (frame: number, speech: boolean, energyDb: number) => void;

/** The period-mark sums a window's jitter and shimmer are summed from (window-voice-quality.ts). */
const PERIOD_FIELDS = [
  FRAME_FIELD.pN,
  FRAME_FIELD.pSumT,
  FRAME_FIELD.pSumAbsDT,
  FRAME_FIELD.pPairs,
  FRAME_FIELD.pSumA,
  FRAME_FIELD.pSumAbsDA,
  FRAME_FIELD.pSumAbsDbA,
] as const;

/**
 * Holds final frames back from the windows until another stage has judged them (the call
 * analyzer's echo gate, echo-gate.ts). Frames are released in order; a released frame the gate
 * calls the other speaker's echo is no speech and no pitch in this speaker's windows.
 */
export interface FrameRelease {
  /** Final frames held back at most: past it they are released unjudged (the other channel's audio is missing). */
  readonly maxHeldFrames: number;
  /** Judges what it can of the first `finalFrames` frames; frames before the returned one may be released. */
  releasableUpTo(finalFrames: number): number;
  /** A released frame that is the other speaker's echo. */
  silenced(frame: number): boolean;
}

export interface ChannelAnalyzerInternal extends ChannelAnalyzer {
  readonly options: ResolvedOptions;
  /** Effective frame hop in ms (hop samples / analysis rate). */
  readonly hopMs: number;
  /** Frames released to the windows (all final frames without a FrameRelease). */
  framesReleased(): number;
  /** Releases the frames the FrameRelease allows now (the other channel moved on); the windows they complete. */
  releaseReady(): readonly SpeakerWindow[];
}

export function createChannelAnalyzer(options: ChannelOptions): ChannelAnalyzer {
  return createChannelAnalyzerWithHook(options, undefined);
}

export function createChannelAnalyzerWithHook(
  options: ChannelOptions,
  hook: FrameHook | undefined,
  release?: FrameRelease,
): ChannelAnalyzerInternal {
  const o = resolveOptions(options);
  const rate = o.analysisRateHz;
  const hop = Math.max(1, Math.round((rate * o.hopMs) / 1000));
  const hopMs = (hop * 1000) / rate;
  const windowFrames = Math.max(1, Math.round(o.windowMs / hopMs));
  const windowHopFrames = Math.max(1, Math.round(o.windowHopMs / hopMs));
  // Frames are analysed up to PATH_LAG + 1 frames before they are final (pitch decision lag), and
  // held back up to maxHeldFrames after that.
  const held = release?.maxHeldFrames ?? 0;
  const store = createFrameStore(windowFrames + PATH_LAG + 2 + held);
  // Window scratch is shared by all analyzers (each window is computed synchronously).
  const scratch = shared(`window-scratch:${windowFrames + 1}`, () => createWindowScratch(windowFrames + 1));
  const decoder = createStreamDecoder(o.format.codec);
  const resampler: StreamResampler | null =
    o.format.sampleRateHz === rate ? null : createStreamResampler(o.format.sampleRateHz, rate);
  let nextWindow = 0;
  let released = 0;
  let final = 0;
  let out: SpeakerWindow[] = [];

  function emit(w: number, end: number, audioMs: number): void {
    const first = w * windowHopFrames;
    const startMs = first * hopMs;
    // Whole milliseconds, as every record of a window carries them (the call store refuses others):
    // a stream that stops mid-millisecond (82 028.625 ms of 8 kHz audio) ends its last window at
    // the nearest one.
    const endMs = Math.min(startMs + windowFrames * hopMs, Math.max(startMs + hopMs, Math.round(audioMs)));
    out.push(computeWindow(store, { windowIndex: w, startMs, endMs, first, end }, hopMs, scratch));
  }

  /** Releases frames [released, upTo): the other's echo loses its speech and pitch; full windows are emitted. */
  function releaseTo(upTo: number): void {
    for (; released < upTo; released++) {
      const r = released;
      if (release?.silenced(r) === true) {
        store.data[store.at(r, FRAME_FIELD.speech)] = 0;
        store.data[store.at(r, FRAME_FIELD.f0)] = 0;
        store.data[store.at(r, FRAME_FIELD.voicing)] = 0;
        store.data[store.at(r, FRAME_FIELD.hnrDb)] = NaN;
        // Its glottal periods are the other speaker's too: no jitter or shimmer from them.
        for (let k = 0; k < PERIOD_FIELDS.length; k++) store.data[store.at(r, PERIOD_FIELDS[k])] = 0;
      }
      if (r === nextWindow * windowHopFrames + windowFrames - 1) {
        emit(nextWindow, r + 1, Infinity);
        nextWindow++;
      }
    }
  }

  function releaseAllowed(): void {
    if (!release) return releaseTo(final);
    // Never more than maxHeldFrames behind: the store holds no more.
    releaseTo(Math.min(final, Math.max(release.releasableUpTo(final), final - held)));
  }

  const frames = createFrameAnalyzer(frameConfigOf(o), store, (i) => {
    if (hook)
      hook(i, store.data[store.at(i, FRAME_FIELD.speech)] > 0, store.data[store.at(i, FRAME_FIELD.energyDb)]);
    final = i + 1;
    releaseAllowed();
  });

  function take(): SpeakerWindow[] {
    if (out.length === 0) return none();
    const result = out;
    out = [];
    return result;
  }

  return {
    options: o,
    hopMs,
    framesReleased: () => released,
    releaseReady() {
      releaseAllowed();
      return take();
    },
    push(chunk) {
      if (!(chunk instanceof Uint8Array) || chunk.length === 0) return none();
      // Bounded slices keep the decoder's and resampler's buffers small whatever the chunk size.
      // No typed-array views per slice: counts into the decoder's and resampler's own buffers
      // (decodeRange and pushCount first: each may replace its buffer).
      for (let o = 0; o < chunk.length; o += SLICE_BYTES) {
        const end = Math.min(chunk.length, o + SLICE_BYTES);
        const n = decoder.decodeRange(chunk, o, end);
        if (resampler) {
          const m = resampler.pushCount(decoder.samples(), n);
          frames.push(resampler.output(), m);
        } else frames.push(decoder.samples(), n);
      }
      return take();
    },
    flush() {
      if (resampler) frames.push(resampler.flush());
      const audioMs = (frames.samplesIn() * 1000) / rate;
      frames.flush();
      const total = frames.framesDone();
      // The call is over: what can be judged is, and every frame goes to the windows.
      release?.releasableUpTo(total);
      releaseTo(total);
      while (nextWindow * windowHopFrames < total) {
        emit(nextWindow, Math.min(total, nextWindow * windowHopFrames + windowFrames), audioMs);
        nextWindow++;
      }
      return take();
    },
  };
}
