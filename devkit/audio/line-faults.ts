// Telephone line faults applied to a call's float audio, for tests and measurements: one-way
// audio (a channel that carries digital silence or line noise only, from some point), swapped
// channels, and mains hum (50/60 Hz and its odd harmonics, as a ground loop on an analogue line
// couples it). Deterministic (seeded); pure, no I/O. The pipeline never imports devkit/.
import { telephoneBandPass } from '../../pipelines/dsp/filters.ts';
import { gauss, rng } from './test-signals.ts';

/** The channel from `fromS` on replaced by white noise at `noiseDbfs` (null: digital silence). */
export function deadFrom(
  x: Float32Array,
  sampleRateHz: number,
  fromS: number,
  noiseDbfs: number | null,
  seed = 11,
): Float32Array {
  const out = Float32Array.from(x);
  const rand = rng(seed);
  const amp = noiseDbfs === null ? 0 : 10 ** (noiseDbfs / 20);
  for (let i = Math.max(0, Math.round(fromS * sampleRateHz)); i < out.length; i++) out[i] = amp * gauss(rand);
  return out;
}

export interface MainsHum {
  /** Mains frequency: 50 (Europe, most of Asia) or 60 Hz (the Americas). */
  mainsHz: 50 | 60;
  /** RMS level of the whole hum (dBFS). */
  levelDbfs: number;
  /** Highest harmonic number (odd harmonics 1, 3, 5, ... up to it). */
  harmonics?: number;
  /** The grid off its nominal frequency (Hz): within ±0.2 Hz (Europe), mostly ±0.05. */
  offHz?: number;
  /** Through the telephone band (300-3400 Hz) as a line passes it: the fundamental gone. */
  banded?: boolean;
}

/**
 * Mains hum: the fundamental and its odd harmonics at 1/k amplitude (a ground loop's hum is rich
 * in odd harmonics: a transformer core's saturation), with fixed phases. Its RMS is `levelDbfs`
 * (before the telephone band, when `banded`).
 */
export function mainsHum(hum: MainsHum, sampleRateHz: number, length: number): Float32Array {
  const out = new Float32Array(length);
  const top = hum.harmonics ?? 15;
  let power = 0;
  for (let k = 1; k <= top; k += 2) power += 1 / (k * k) / 2;
  const scale = 10 ** (hum.levelDbfs / 20) / Math.sqrt(power);
  for (let k = 1; k <= top; k += 2) {
    const w = (2 * Math.PI * k * (hum.mainsHz + (hum.offHz ?? 0))) / sampleRateHz;
    const phase = k * 0.7;
    for (let i = 0; i < length; i++) out[i] += (scale / k) * Math.sin(w * i + phase);
  }
  return hum.banded === true ? telephoneBandPass(out, sampleRateHz) : out;
}

/** `x` with `hum` added. */
export function withHum(x: Float32Array, hum: MainsHum, sampleRateHz: number): Float32Array {
  const h = mainsHum(hum, sampleRateHz, x.length);
  return x.map((v, i) => v + h[i]);
}
