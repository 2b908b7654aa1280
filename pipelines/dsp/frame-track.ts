// Offline per-frame view of the frame stage (for evaluation and tests): runs the same decoder,
// resampler and frame analyzer as a ChannelAnalyzer over a whole byte buffer and returns the
// per-frame pitch, voicing, energy and VAD with frame-centre times. Pure, no I/O.

import { createStreamDecoder } from './codecs.ts';
import { createFrameAnalyzer, frameConfigOf } from './frame-analyzer.ts';
import { createFrameStore, FRAME_FIELD, type FrameStore } from './frame-store.ts';
import { resolveOptions, type ChannelOptions } from './options.ts';
import { resample } from './resample.ts';

export interface FrameTrack {
  /** Centre time (s) of frame i = t0S + i * hopS. */
  t0S: number;
  hopS: number;
  f0Hz: Float32Array;
  voicing: Float32Array;
  energyDb: Float32Array;
  speech: Uint8Array;
}

/** Every frame of a whole byte buffer in one store (capacity = frame count), as the product computes them. */
export function frameStoreOf(
  bytes: Uint8Array,
  options: ChannelOptions,
): { store: FrameStore; frames: number; t0S: number; hopS: number } {
  const o = resolveOptions(options);
  const rate = o.analysisRateHz;
  const decoded = createStreamDecoder(o.format.codec).decode(bytes).slice();
  const samples = o.format.sampleRateHz === rate ? decoded : resample(decoded, o.format.sampleRateHz, rate);
  const hop = Math.max(1, Math.round((rate * o.hopMs) / 1000));
  const frames = Math.ceil(samples.length / hop);
  const store = createFrameStore(Math.max(1, frames));
  const fa = createFrameAnalyzer(frameConfigOf(o), store, () => {});
  fa.push(samples);
  fa.flush();
  return { store, frames, t0S: fa.span / 2 / rate, hopS: hop / rate };
}

export function frameTrack(bytes: Uint8Array, options: ChannelOptions): FrameTrack {
  const { store, frames, t0S, hopS } = frameStoreOf(bytes, options);
  const get = (field: number): Float32Array => {
    const out = new Float32Array(frames);
    for (let i = 0; i < frames; i++) out[i] = store.data[store.at(i, field)];
    return out;
  };
  return {
    t0S,
    hopS,
    f0Hz: get(FRAME_FIELD.f0),
    voicing: get(FRAME_FIELD.voicing),
    energyDb: get(FRAME_FIELD.energyDb),
    speech: Uint8Array.from(get(FRAME_FIELD.speech)),
  };
}
