// Synthetic test signals whose truth is known: harmonic voiced sounds built cycle by cycle
// (F0 contour 80-400 Hz, jitter, shimmer, vowel formant envelope), additive white noise at a
// given SNR, 300-3400 Hz band-pass. Used by unit tests and eval:dsp. Pure computation, no I/O.

import { telephoneBandPass } from '../../pipelines/dsp/filters.ts';
import { mulberry32 as rng, standardNormal as gauss } from '../../pipelines/emotion/train/rng.ts';

/** The project's PRNG (mulberry32) and its Box-Muller deviate, so every run sees the same signals. */
export { rng, gauss };

/** Formants of the vowel /a/ (Peterson & Barney 1952, male): centre and bandwidth, Hz. */
const VOWEL_A: readonly [number, number][] = [
  [730, 90],
  [1090, 110],
  [2440, 170],
  [3400, 250],
];

/** Magnitude of an all-pole formant envelope at frequency f (Klatt 1980 cascade resonators). */
function formantGain(f: number, formants: readonly [number, number][]): number {
  let g = 1;
  for (const [fc, bw] of formants) {
    const num = fc * fc + (bw / 2) * (bw / 2);
    const den =
      Math.sqrt((fc - f) * (fc - f) + (bw / 2) * (bw / 2)) *
      Math.sqrt((fc + f) * (fc + f) + (bw / 2) * (bw / 2));
    g *= num / den;
  }
  return g;
}

export interface VoicedSpec {
  sampleRateHz: number;
  durationS: number;
  /** F0 contour (Hz) as a function of time (s). */
  f0: (tS: number) => number;
  /** Voiced where true (default: everywhere). */
  voiced?: (tS: number) => boolean;
  /** Cycle-to-cycle period perturbation: T_i = T(t)(1 + jitter·N(0,1)) (relative, e.g. 0.01). */
  jitter?: number;
  /** Cycle amplitude perturbation: A_i = 1 + shimmer·N(0,1) (relative). */
  shimmer?: number;
  /** Spectral tilt of the source, dB per octave (default −12, a typical glottal source). */
  tiltDbPerOctave?: number;
  amplitude?: number;
  seed?: number;
}

export interface VoicedSignal {
  samples: Float32Array;
  /** Start times (s) and lengths (s) and amplitudes of the generated glottal cycles. */
  cycleStartS: number[];
  /** Pulse (epoch) instants, the centre of each cycle: their spacing is the measurable period. */
  epochS: number[];
  cyclePeriodS: number[];
  cycleAmplitude: number[];
}

/** Sum of harmonics up to Nyquist per glottal cycle, phases restarting at each cycle. */
export function synthVoiced(spec: VoicedSpec): VoicedSignal {
  const sr = spec.sampleRateHz;
  const n = Math.round(spec.durationS * sr);
  const x = new Float32Array(n);
  const rand = rng(spec.seed ?? 1);
  const tilt = spec.tiltDbPerOctave ?? -12;
  const amp = spec.amplitude ?? 0.3;
  const cycleStartS: number[] = [];
  const cyclePeriodS: number[] = [];
  const cycleAmplitude: number[] = [];
  const epochS: number[] = [];
  let t = 0;
  while (t < spec.durationS) {
    const f0 = spec.f0(t);
    const voiced = spec.voiced ? spec.voiced(t) : true;
    if (!voiced) {
      t += 0.005;
      continue;
    }
    const T = (1 / f0) * (1 + (spec.jitter ?? 0) * gauss(rand));
    const A = Math.max(0.05, 1 + (spec.shimmer ?? 0) * gauss(rand));
    cycleStartS.push(t);
    cyclePeriodS.push(T);
    cycleAmplitude.push(A);
    epochS.push(t + T / 2);
    const i0 = Math.ceil(t * sr);
    const i1 = Math.min(n, Math.ceil((t + T) * sr));
    const H = Math.floor(sr / 2 / (1 / T)) - 1;
    for (let h = 1; h <= H; h++) {
      const fh = h / T;
      // Harmonic weights from the contour F0, not the jittered period: each cycle is the same
      // waveform stretched in time, so jitter does not leak into cycle amplitudes (and vice versa).
      const g = Math.pow(10, (tilt * Math.log2(h)) / 20) * formantGain(h * f0, VOWEL_A) * 0.05;
      // Phase re the cycle centre: each cycle is one period of a band-limited pulse centred in the
      // cycle (a glottal excitation), continuous at cycle edges, so cycle amplitudes stay separable.
      for (let i = i0; i < i1; i++) x[i] += amp * A * g * Math.sin(2 * Math.PI * fh * (i / sr - t - T / 2));
    }
    t += T;
  }
  return { samples: x, cycleStartS, epochS, cyclePeriodS, cycleAmplitude };
}

export function power(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s / Math.max(1, x.length);
}

export function whiteNoise(n: number, seed: number): Float32Array {
  const rand = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = gauss(rand);
  return out;
}

/** Adds white noise so that power(signal)/power(noise) = snrDb (powers over the whole signal). */
export function addNoise(signal: Float32Array, snrDb: number, seed: number): Float32Array {
  const noise = whiteNoise(signal.length, seed);
  const k = Math.sqrt(power(signal) / (power(noise) * Math.pow(10, snrDb / 10)));
  const out = new Float32Array(signal.length);
  for (let i = 0; i < signal.length; i++) out[i] = signal[i] + k * noise[i];
  return out;
}

export function bandPass(x: Float32Array, sampleRateHz: number): Float32Array {
  return telephoneBandPass(x, sampleRateHz);
}

/** Praat-style local jitter (%) of a period sequence: mean |T_i − T_{i−1}| / mean T. */
export function localJitterPct(periods: number[]): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < periods.length; i++) {
    s += periods[i];
    if (i > 0) d += Math.abs(periods[i] - periods[i - 1]);
  }
  return (100 * (d / (periods.length - 1))) / (s / periods.length);
}

/** Periods between consecutive epochs (pulse instants), skipping gaps longer than 1.5 periods. */
export function epochPeriods(epochS: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < epochS.length; i++) {
    const p = epochS[i] - epochS[i - 1];
    if (out.length === 0 || p < 1.5 * out[out.length - 1]) out.push(p);
  }
  return out;
}

/** Local shimmer (%) of an amplitude sequence: mean |A_i − A_{i−1}| / mean A. */
export function localShimmerPct(amps: number[]): number {
  return localJitterPct(amps);
}

/** Sine tone. */
export function tone(freqHz: number, sampleRateHz: number, durationS: number, amplitude = 0.5): Float32Array {
  const n = Math.round(durationS * sampleRateHz);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRateHz);
  return out;
}
