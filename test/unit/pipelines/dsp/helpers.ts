// Test helpers for pipelines/dsp: run a channel analyzer over bytes in given chunk sizes and
// serialise its windows for exact comparison; synthetic frame stores with syllable-like bumps. No I/O.
import {
  createChannelAnalyzer,
  type ChannelOptions,
  type SpeakerWindow,
} from '../../../../pipelines/dsp/index.ts';
import { createFrameStore, FRAME_FIELD } from '../../../../pipelines/dsp/frame-store.ts';

export function runChunked(
  bytes: Uint8Array,
  options: ChannelOptions,
  sizes: (i: number) => number,
): SpeakerWindow[] {
  const a = createChannelAnalyzer(options);
  const out: SpeakerWindow[] = [];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = Math.max(1, sizes(k));
    out.push(...a.push(bytes.subarray(i, i + n)));
    i += n;
  }
  out.push(...a.flush());
  return out;
}

/** JSON with NaN kept distinguishable and the functionals as a plain array. */
export function serialise(windows: SpeakerWindow[]): string {
  return JSON.stringify(
    windows.map((w) => ({ ...w, functionals: Array.from(w.functionals) })),
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
  );
}

export function floatBytes(x: Float32Array): Uint8Array {
  return new Uint8Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength));
}

/** A window of n frames with `bumps` voiced intensity bumps of random width at random places. */
export function bumpWindow(
  n: number,
  bumps: number,
  rand: () => number,
): ReturnType<typeof createFrameStore> {
  const store = createFrameStore(n);
  for (let i = 0; i < n; i++) {
    store.data[store.at(i, FRAME_FIELD.energyDb)] = -55;
    store.data[store.at(i, FRAME_FIELD.alphaDb)] = 0;
  }
  const slot = n / bumps;
  for (let b = 0; b < bumps; b++) {
    const width = 6 + Math.floor(rand() * 8);
    const start = Math.floor(b * slot + rand() * Math.max(1, slot - width));
    for (let i = start; i < Math.min(n, start + width); i++) {
      const t = (i - start) / width;
      store.data[store.at(i, FRAME_FIELD.energyDb)] = -20 - 20 * Math.abs(t - 0.5);
      store.data[store.at(i, FRAME_FIELD.f0)] = 150;
      store.data[store.at(i, FRAME_FIELD.voicing)] = 0.9;
      store.data[store.at(i, FRAME_FIELD.speech)] = 1;
    }
  }
  return store;
}
