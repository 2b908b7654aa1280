// Test helpers for pipelines/dsp: run a channel analyzer over bytes in given chunk sizes and
// serialise its windows for exact comparison. No I/O.
import {
  createChannelAnalyzer,
  type ChannelOptions,
  type SpeakerWindow,
} from '../../../pipelines/dsp/index.ts';

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
