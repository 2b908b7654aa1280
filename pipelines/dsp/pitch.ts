// Per-frame pitch candidates by the autocorrelation method of Boersma (1993), "Accurate
// short-term analysis of the fundamental frequency and the harmonics-to-noise ratio of a sampled
// sound", IFA Proceedings 17 (Praat's To Pitch (ac)): Hann window of 3 periods of the lowest
// pitch, autocorrelation via one forward + one inverse real FFT, divided by the window's own
// autocorrelation, parabolic peak interpolation, values > 1 reflected, octave cost.
// Telephone band: the fundamental (< 300 Hz) is missing and formants dominate the power
// spectrum, so candidates come from the autocorrelation of the MAGNITUDE spectrum (compression
// exponent 1/2 of the power, Tolonen & Karjalainen 2000, IEEE TSAP 8(6)), which flattens
// formants and keeps the harmonic comb. Pure, no I/O, no allocation per frame.

import { createRealFft, type RealFft } from './fft.ts';
import { shared } from './scratch.ts';

/** Maximum candidates kept per frame. */
export const MAX_CANDIDATES = 6;
/** Praat's default octave cost per octave (favours higher F0 among equal peaks). */
const OCTAVE_COST = 0.01;
/** Candidate peaks below this normalised autocorrelation are ignored. */
const MIN_CANDIDATE_R = 0.2;
/** Praat's AC window: 3 periods of the lowest pitch. */
export const PERIODS_PER_WINDOW = 3;

export interface PitchCandidates {
  count: number;
  /** Candidate frequencies (Hz) and normalised ACF heights r (0..1), strongest first. */
  freqHz: Float64Array;
  r: Float64Array;
  /** r − octave cost: Praat's candidate strength. */
  strength: Float64Array;
  /** Peak absolute amplitude of the frame (Praat's silence criterion). */
  peak: number;
  /**
   * Strength of the unvoiced candidate (Praat's voicing and silence criteria), set by the frame
   * analyzer: a field, not an argument of PitchPath.add, whose double argument was boxed per frame.
   */
  unvoicedStrength: number;
}

export function createPitchCandidates(): PitchCandidates {
  return {
    count: 0,
    freqHz: new Float64Array(MAX_CANDIDATES),
    r: new Float64Array(MAX_CANDIDATES),
    strength: new Float64Array(MAX_CANDIDATES),
    peak: 0,
    unvoicedStrength: 0,
  };
}

export function pitchFrameLength(sampleRateHz: number, minHz: number): number {
  return Math.round((PERIODS_PER_WINDOW * sampleRateHz) / minHz);
}

/** Hann window of 3 periods of the lowest pitch and its normalised autocorrelation (Boersma 1993, eq. 9). */
export interface WindowTables {
  readonly frameLength: number;
  readonly window: Float64Array;
  readonly windowAcf: Float64Array;
  /** Per-frame scratch of frameLength values (shared, see scratch.ts). */
  readonly scratch: Float64Array;
}

export function windowTables(sampleRateHz: number, minHz: number, maxLag: number): WindowTables {
  return shared(`pitch-window:${sampleRateHz}:${minHz}:${maxLag}`, () => {
    const L = pitchFrameLength(sampleRateHz, minHz);
    const win = new Float64Array(L);
    for (let i = 0; i < L; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / L);
    const rw = new Float64Array(maxLag + 2);
    let w0 = 0;
    for (let i = 0; i < L; i++) w0 += win[i] * win[i];
    for (let lag = 0; lag < rw.length; lag++) {
      let s = 0;
      for (let i = 0; i + lag < L; i++) s += win[i] * win[i + lag];
      rw[lag] = s / w0;
    }
    return { frameLength: L, window: win, windowAcf: rw, scratch: new Float64Array(L) };
  });
}

export interface PitchAnalyzer extends WindowTables {
  /**
   * Fills `out` from ring samples [start, start + frameLength) (absolute, masked). Frames whose
   * peak is below `minPeak` get no candidates (their autocorrelation is not computed).
   */
  analyze(ring: Float32Array, mask: number, start: number, minPeak: number, out: PitchCandidates): void;
}

/** Shared per configuration: holds only tables and per-frame scratch (see scratch.ts). */
export function createPitchAnalyzer(sampleRateHz: number, minHz: number, maxHz: number): PitchAnalyzer {
  return shared(`pitch:${sampleRateHz}:${minHz}:${maxHz}`, () =>
    makePitchAnalyzer(sampleRateHz, minHz, maxHz),
  );
}

function makePitchAnalyzer(sampleRateHz: number, minHz: number, maxHz: number): PitchAnalyzer {
  const L = pitchFrameLength(sampleRateHz, minHz);
  const minLag = Math.max(2, Math.floor(sampleRateHz / maxHz));
  const maxLag = Math.min(Math.floor(L / 2), Math.ceil(sampleRateHz / minHz));
  // Circular wrap adds ac(n − lag); negligible once n − lag is near L (Hann tails).
  let n = 4;
  while (n < L + maxLag / 4) n <<= 1;
  const fft: RealFft = createRealFft(n);
  const { window: winArr, windowAcf: rwArr } = windowTables(sampleRateHz, minHz, maxLag);
  const bufArr = new Float64Array(n);
  const reArr = new Float64Array(n / 2 + 1);
  const imArr = new Float64Array(n / 2 + 1);
  const acArr = new Float64Array(n);
  const frameLength = L;

  function analyze(
    ring: Float32Array,
    mask: number,
    start: number,
    minPeak: number,
    out: PitchCandidates,
  ): void {
    // Locals, not closure slots (the JIT keeps them in registers).
    const buf = bufArr;
    const re = reArr;
    const im = imArr;
    const ac = acArr;
    const win = winArr;
    const rw = rwArr;
    const L = frameLength;
    // One masked pass out of the ring, then the windowing on the flat copy.
    let mean = 0;
    for (let i = 0; i < L; i++) {
      const v = ring[(start + i) & mask];
      buf[i] = v;
      mean += v;
    }
    mean /= L;
    let peak = 0;
    for (let i = 0; i < L; i++) {
      const v = buf[i] - mean;
      const a = v < 0 ? -v : v;
      if (a > peak) peak = a;
      buf[i] = v * win[i];
    }
    out.peak = peak;
    out.count = 0;
    if (peak < minPeak) return;
    buf.fill(0, L);
    fft.forward(buf, re, im);
    for (let k = 0; k <= n / 2; k++) re[k] = Math.sqrt(re[k] * re[k] + im[k] * im[k]);
    fft.inverseEvenReal(re, ac, maxLag + 2);
    const a0 = ac[0];
    if (!(a0 > 1e-12)) return;
    const inv = 1 / a0;
    let r1 = (ac[minLag - 1] * inv) / rw[minLag - 1];
    let r2 = (ac[minLag] * inv) / rw[minLag];
    for (let lag = minLag; lag <= maxLag; lag++) {
      const r0 = r1;
      const c = r2;
      r1 = r2;
      r2 = (ac[lag + 1] * inv) / rw[lag + 1];
      if (c < MIN_CANDIDATE_R || c < r0 || c <= r2) continue;
      // Parabolic interpolation of the peak (position and height).
      const den = r0 - 2 * c + r2;
      const d = den < 0 ? (0.5 * (r0 - r2)) / den : 0;
      let height = c - 0.25 * (r0 - r2) * d;
      // Praat: values above 1 (short-window artefacts at long lags) are reflected around 1.
      if (height > 1) height = 1 / height;
      const tau = lag + d;
      const strength = height - OCTAVE_COST * Math.log2((minHz * tau) / sampleRateHz);
      // Insert into the candidate list, strongest first (inline: no boxed arguments).
      let pos = out.count;
      if (pos === MAX_CANDIDATES) {
        if (strength <= out.strength[MAX_CANDIDATES - 1]) continue;
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
      out.freqHz[pos] = sampleRateHz / tau;
      out.r[pos] = height;
      out.strength[pos] = strength;
    }
  }

  return { frameLength: L, window: winArr, windowAcf: rwArr, scratch: bufArr, analyze };
}

/**
 * Harmonics-to-noise ratio (dB) of the ring frame at `start` for period `periodSamples`, from the
 * POWER autocorrelation (Boersma 1993: HNR = 10·log10(r / (1 − r))), computed in the time domain
 * at the three lags around the period only.
 */
export function hnrAt(
  p: WindowTables,
  ring: Float32Array,
  mask: number,
  start: number,
  periodSamples: number,
): number {
  const L = p.frameLength;
  const win = p.window;
  const lag0 = Math.round(periodSamples);
  if (lag0 < 2 || lag0 + 1 >= p.windowAcf.length || lag0 + 1 >= L) return NaN;
  const x = p.scratch;
  let mean = 0;
  for (let i = 0; i < L; i++) {
    const a = ring[(start + i) & mask];
    x[i] = a;
    mean += a;
  }
  mean /= L;
  let e = 0;
  for (let i = 0; i < L; i++) {
    const v = (x[i] - mean) * win[i];
    x[i] = v;
    e += v * v;
  }
  if (!(e > 1e-12)) return NaN;
  let rm = 0;
  let rc = 0;
  let rp = 0;
  const n = L - lag0 - 1;
  // Sliding registers over x[i + lag0 − 1 .. i + lag0 + 1]: one new load per step.
  let u0 = x[lag0 - 1];
  let u1 = x[lag0];
  for (let i = 0; i < n; i++) {
    const a = x[i];
    const u2 = x[i + lag0 + 1];
    rm += a * u0;
    rc += a * u1;
    rp += a * u2;
    u0 = u1;
    u1 = u2;
  }
  rm /= e * p.windowAcf[lag0 - 1];
  rc /= e * p.windowAcf[lag0];
  rp /= e * p.windowAcf[lag0 + 1];
  const den = rm - 2 * rc + rp;
  const d = den < 0 ? Math.max(-1, Math.min(1, (0.5 * (rm - rp)) / den)) : 0;
  let r = rc - 0.25 * (rm - rp) * d;
  if (r > 1) r = 1 / r;
  r = Math.min(0.99999, Math.max(1e-5, r));
  return 10 * Math.log10(r / (1 - r));
}
