// Per-frame spectral features from ONE shared amplitude spectrum: meyda's extractors
// (spectralCentroid, spectralFlatness, spectralSlope, spectralRolloff, loudness, mfcc) with
// meyda's exact formulas and tables, fused into allocation-free loops; plus alpha ratio and
// Hammarberg index for the telephone band. Pure, no I/O.
//
// Why not call meyda's functions per frame: its mfcc allocates 26 arrays per call (59 µs per
// frame measured, alone 3x the whole budget) and slope/loudness allocate too.
// test/unit/pipelines/dsp checks every value here against meyda's own extractor functions on the
// same spectrum.
//
// Telephone-band voice-quality measures (eGeMAPS, Eyben et al. 2016, IEEE TAC 7(2), adapted):
// - alpha ratio  = 10·log10( E[1000, 3400) / E[300, 1000) ) dB (eGeMAPS: 1-5 kHz over 50-1000 Hz);
// - Hammarberg   = max dB in [300, 2000) − max dB in [2000, 3400) (Hammarberg et al. 1980:
//   0-2 kHz peak vs 2-5 kHz peak). Below 300 Hz and above 3400 Hz the telephone channel has no energy.

import { meydaTables, type MeydaTables, MEL_FILTERS, BARK_BANDS } from './meyda-tables.ts';

export const MFCC_COUNT = 13;
export const ALPHA_LOW_HZ: readonly [number, number] = [300, 1000];
export const ALPHA_HIGH_HZ: readonly [number, number] = [1000, 3400];
export const HAMMARBERG_LOW_HZ: readonly [number, number] = [300, 2000];
export const HAMMARBERG_HIGH_HZ: readonly [number, number] = [2000, 3400];

export interface SpectralResult {
  centroidHz: number;
  flatness: number;
  slope: number;
  rolloffHz: number;
  loudness: number;
  alphaRatioDb: number;
  hammarbergDb: number;
  /** MFCC 0..12 in meyda's convention (index 0 is the log-energy term). */
  mfcc: Float64Array;
}

export interface SpectralExtractor {
  readonly bins: number;
  /** Computes every spectral feature of `amp` (length fftSize/2, meyda's ampSpectrum). */
  compute(amp: Float64Array, out: SpectralResult): void;
}

function binOf(hz: number, sampleRateHz: number, fftSize: number, bins: number): number {
  return Math.min(bins, Math.max(0, Math.round((hz * fftSize) / sampleRateHz)));
}

export function createSpectralResult(): SpectralResult {
  return {
    centroidHz: 0,
    flatness: 0,
    slope: 0,
    rolloffHz: 0,
    loudness: 0,
    alphaRatioDb: 0,
    hammarbergDb: 0,
    mfcc: new Float64Array(MFCC_COUNT),
  };
}

/** Per-extractor constants: bin geometry, slope regression sums and band edges (bins). */
interface SpectralGeometry {
  bins: number;
  binHz: number;
  /** Σ f and Σ f² − (Σ f)² over the bin frequencies (meyda spectralSlope). */
  freqSum: number;
  slopeDen: number;
  /** Hz per rolloff bin (meyda spectralRolloff: nyquist / (bins − 1)). */
  nyqBin: number;
  alphaLow0: number;
  alphaLow1: number;
  alphaHigh1: number;
  hammarbergLow0: number;
  hammarbergLow1: number;
  hammarbergHigh1: number;
}

function spectralGeometry(sampleRateHz: number, fftSize: number): SpectralGeometry {
  const bins = fftSize / 2;
  const binHz = sampleRateHz / fftSize;
  // Slope regression constants (meyda spectralSlope: frequencies i·sr/bufferSize).
  let freqSum = 0;
  let powFreqSum = 0;
  for (let i = 0; i < bins; i++) {
    freqSum += i * binHz;
    powFreqSum += i * binHz * i * binHz;
  }
  const bin = (hz: number): number => binOf(hz, sampleRateHz, fftSize, bins);
  return {
    bins,
    binHz,
    freqSum,
    slopeDen: powFreqSum - freqSum * freqSum,
    nyqBin: sampleRateHz / (2 * (bins - 1)),
    alphaLow0: bin(ALPHA_LOW_HZ[0]),
    alphaLow1: bin(ALPHA_LOW_HZ[1]),
    alphaHigh1: bin(ALPHA_HIGH_HZ[1]),
    hammarbergLow0: bin(HAMMARBERG_LOW_HZ[0]),
    hammarbergLow1: bin(HAMMARBERG_LOW_HZ[1]),
    hammarbergHigh1: bin(HAMMARBERG_HIGH_HZ[1]),
  };
}

export function createSpectralExtractor(sampleRateHz: number, fftSize: number): SpectralExtractor {
  const g = spectralGeometry(sampleRateHz, fftSize);
  const t: MeydaTables = meydaTables(sampleRateHz, fftSize);
  const melLog = new Float64Array(MEL_FILTERS);
  const pw = new Float64Array(g.bins);

  // Module-level helpers with everything passed in, not closures: several extractors (one per
  // rate) share this code, so the JIT cannot fold captured tables into constants; arguments
  // stay in registers.
  function compute(amp: Float64Array, out: SpectralResult): void {
    shapeFeatures(amp, g, pw, out);
    out.loudness = barkLoudness(amp, t.barkLimits);
    melLogEnergies(pw, t, melLog);
    melCepstrum(melLog, t.dctCos, out.mfcc);
    voiceQuality(amp, pw, g, out);
  }

  return { bins: g.bins, compute };
}

/**
 * Centroid, flatness, slope and rolloff from the amplitude moments, in one pass that also
 * leaves the power spectrum in `pw`.
 */
function shapeFeatures(amp: Float64Array, g: SpectralGeometry, pw: Float64Array, out: SpectralResult): void {
  const bins = g.bins;
  const binHz = g.binHz;
  let sum = 0;
  let weighted = 0;
  let logSum = 0;
  let ampFreq = 0;
  // Σ log a as log of products of 16 (a ∈ [1e-10, ~3e2]: no under/overflow), 16× fewer logs.
  for (let b = 0; b < bins; b += 16) {
    const e = b + 16 < bins ? b + 16 : bins;
    let prod = 1;
    for (let i = b; i < e; i++) {
      const a = amp[i];
      sum += a;
      weighted += i * a;
      prod *= a;
      ampFreq += i * binHz * a;
      pw[i] = a * a;
    }
    logSum += Math.log(prod);
  }
  // meyda spectralCentroid returns a bin index (mu(1)); converted to Hz here.
  out.centroidHz = sum > 0 ? (weighted / sum) * binHz : 0;
  out.flatness = sum > 0 ? (Math.exp(logSum / bins) * bins) / sum : 0;
  out.slope = sum > 0 ? (bins * ampFreq - g.freqSum * sum) / (sum * g.slopeDen) : 0;
  // meyda spectralRolloff: 99 % of the amplitude sum.
  let ec = sum;
  const threshold = 0.99 * sum;
  let n = bins - 1;
  while (ec > threshold && n >= 0) {
    ec -= amp[n];
    --n;
  }
  out.rolloffHz = (n + 1) * g.nyqBin;
}

/** meyda loudness: Σ over Bark bands of (band amplitude sum)^0.23. */
function barkLoudness(amp: Float64Array, barkLimits: MeydaTables['barkLimits']): number {
  let loud = 0;
  for (let b = 0; b < BARK_BANDS; b++) {
    let s = 0;
    for (let j = barkLimits[b]; j < barkLimits[b + 1]; j++) s += amp[j];
    loud += Math.pow(s, 0.23);
  }
  return loud;
}

/** meyda mfcc, first half: log(1 + mel-weighted power) per mel filter. */
function melLogEnergies(pw: Float64Array, t: MeydaTables, melLog: Float64Array): void {
  const { melStart, melFrom, melTo, melWeights } = t;
  for (let f = 0; f < MEL_FILTERS; f++) {
    let e = 0;
    let w = melStart[f];
    const to = melTo[f];
    for (let j = melFrom[f]; j < to; j++) e += melWeights[w++] * pw[j];
    melLog[f] = Math.log(e + 1);
  }
}

/**
 * meyda mfcc, second half: DCT-II with scale 2, first MFCC_COUNT rows. Rows four at a time: each
 * row sums in the same order as a plain loop (same result), but four independent accumulators
 * hide the floating-point add latency.
 */
function melCepstrum(melLog: Float64Array, dctCos: MeydaTables['dctCos'], mfcc: Float64Array): void {
  let k = 0;
  for (; k + 4 <= MFCC_COUNT; k += 4) {
    const r0 = k * MEL_FILTERS;
    const r1 = r0 + MEL_FILTERS;
    const r2 = r1 + MEL_FILTERS;
    const r3 = r2 + MEL_FILTERS;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    for (let m = 0; m < MEL_FILTERS; m++) {
      const v = melLog[m];
      c0 += v * dctCos[r0 + m];
      c1 += v * dctCos[r1 + m];
      c2 += v * dctCos[r2 + m];
      c3 += v * dctCos[r3 + m];
    }
    mfcc[k] = 2 * c0;
    mfcc[k + 1] = 2 * c1;
    mfcc[k + 2] = 2 * c2;
    mfcc[k + 3] = 2 * c3;
  }
  for (; k < MFCC_COUNT; k++) {
    let c = 0;
    const row = k * MEL_FILTERS;
    for (let m = 0; m < MEL_FILTERS; m++) c += melLog[m] * dctCos[row + m];
    mfcc[k] = 2 * c;
  }
}

/** Alpha ratio (power, dB) and Hammarberg index (peak amplitude, dB), telephone band edges. */
function voiceQuality(amp: Float64Array, pw: Float64Array, g: SpectralGeometry, out: SpectralResult): void {
  let eLow = 1e-20;
  let eHigh = 1e-20;
  for (let j = g.alphaLow0; j < g.alphaLow1; j++) eLow += pw[j];
  for (let j = g.alphaLow1; j < g.alphaHigh1; j++) eHigh += pw[j];
  out.alphaRatioDb = 10 * Math.log10(eHigh / eLow);
  let mLow = 1e-20;
  let mHigh = 1e-20;
  for (let j = g.hammarbergLow0; j < g.hammarbergLow1; j++) if (amp[j] > mLow) mLow = amp[j];
  for (let j = g.hammarbergLow1; j < g.hammarbergHigh1; j++) if (amp[j] > mHigh) mHigh = amp[j];
  out.hammarbergDb = 20 * Math.log10(mLow / mHigh);
}
