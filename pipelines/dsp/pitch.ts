// Per-frame pitch candidates by the autocorrelation method of Boersma (1993), "Accurate
// short-term analysis of the fundamental frequency and the harmonics-to-noise ratio of a sampled
// sound", IFA Proceedings 17 (the algorithm of Praat's To Pitch (ac)): Hann window, ACF via one
// forward + one inverse real FFT, divided by the window's own ACF, parabolic peak interpolation,
// octave cost. Works from the harmonic structure, so a missing fundamental (telephone band,
// < 300 Hz removed) still gives the period. Pure, no I/O, no allocation per frame.

import { createRealFft, type RealFft } from './fft.ts';

/** Maximum candidates kept per frame. */
export const MAX_CANDIDATES = 6;
/** Praat's default octave cost per octave (favours higher F0 among equal peaks). */
const OCTAVE_COST = 0.01;
/** Candidate peaks below this normalised autocorrelation are ignored. */
const MIN_CANDIDATE_R = 0.25;

export interface PitchCandidates {
  count: number;
  /** Candidate frequencies (Hz) and normalised ACF heights r (0..1). */
  freqHz: Float64Array;
  r: Float64Array;
  /** r − octave cost: Praat's candidate strength. */
  strength: Float64Array;
  /** Peak absolute amplitude of the frame (for Praat's silence criterion). */
  peak: number;
}

export function createPitchCandidates(): PitchCandidates {
  return {
    count: 0,
    freqHz: new Float64Array(MAX_CANDIDATES),
    r: new Float64Array(MAX_CANDIDATES),
    strength: new Float64Array(MAX_CANDIDATES),
    peak: 0,
  };
}

export interface PitchAnalyzer {
  /** Analysis frame length in samples (2.5 periods of the lowest pitch). */
  readonly frameLength: number;
  /** Fills `out` from `frame` (length frameLength). `frame` is overwritten. */
  analyze(frame: Float64Array, out: PitchCandidates): void;
}

export function pitchFrameLength(sampleRateHz: number, minHz: number): number {
  return Math.round((2.5 * sampleRateHz) / minHz);
}

export function createPitchAnalyzer(sampleRateHz: number, minHz: number, maxHz: number): PitchAnalyzer {
  const L = pitchFrameLength(sampleRateHz, minHz);
  const minLag = Math.max(2, Math.floor(sampleRateHz / maxHz));
  const maxLag = Math.min(L - 2, Math.ceil(sampleRateHz / minHz));
  let n = 4;
  while (n < L + maxLag + 2) n <<= 1;
  const fft: RealFft = createRealFft(n);
  const win = new Float64Array(L);
  for (let i = 0; i < L; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / L);
  const buf = new Float64Array(n);
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  const ac = new Float64Array(n);
  // Normalised autocorrelation of the window itself (Boersma 1993, eq. 9).
  const rw = new Float64Array(maxLag + 2);
  {
    let w0 = 0;
    for (let i = 0; i < L; i++) w0 += win[i] * win[i];
    for (let lag = 0; lag < rw.length; lag++) {
      let s = 0;
      for (let i = 0; i + lag < L; i++) s += win[i] * win[i + lag];
      rw[lag] = s / w0;
    }
  }
  const r = new Float64Array(maxLag + 2);

  function analyze(frame: Float64Array, out: PitchCandidates): void {
    let mean = 0;
    let peak = 0;
    for (let i = 0; i < L; i++) mean += frame[i];
    mean /= L;
    for (let i = 0; i < L; i++) {
      const v = frame[i] - mean;
      const a = v < 0 ? -v : v;
      if (a > peak) peak = a;
      buf[i] = v * win[i];
    }
    buf.fill(0, L);
    out.peak = peak;
    out.count = 0;
    fft.forward(buf, re, im);
    for (let k = 0; k <= n / 2; k++) re[k] = re[k] * re[k] + im[k] * im[k];
    fft.inverseEvenReal(re, ac);
    const a0 = ac[0];
    if (!(a0 > 1e-12)) return;
    for (let lag = minLag - 1; lag <= maxLag + 1; lag++) r[lag] = ac[lag] / (a0 * rw[lag]);
    for (let lag = minLag; lag <= maxLag; lag++) {
      const c = r[lag];
      if (c < MIN_CANDIDATE_R || c < r[lag - 1] || c <= r[lag + 1]) continue;
      // Parabolic interpolation of the peak (position and height).
      const a = r[lag - 1];
      const b = r[lag + 1];
      const den = a - 2 * c + b;
      const d = den < 0 ? (0.5 * (a - b)) / den : 0;
      const height = Math.min(1, c - 0.25 * (a - b) * d);
      const tau = lag + d;
      const f = sampleRateHz / tau;
      const strength = height - OCTAVE_COST * Math.log2((minHz * tau) / sampleRateHz);
      insertCandidate(out, f, height, strength);
    }
  }

  return { frameLength: L, analyze };
}

function insertCandidate(out: PitchCandidates, f: number, r: number, strength: number): void {
  let pos = out.count;
  if (pos === MAX_CANDIDATES) {
    if (strength <= out.strength[MAX_CANDIDATES - 1]) return;
    pos = MAX_CANDIDATES - 1;
  } else {
    out.count++;
  }
  while (pos > 0 && out.strength[pos - 1] < strength) {
    out.freqHz[pos] = out.freqHz[pos - 1];
    out.r[pos] = out.r[pos - 1];
    out.strength[pos] = out.strength[pos - 1];
    pos--;
  }
  out.freqHz[pos] = f;
  out.r[pos] = r;
  out.strength[pos] = strength;
}
