// Per-frame spectral features from ONE shared amplitude spectrum: meyda's extractors
// (spectralCentroid, spectralFlatness, spectralSlope, spectralRolloff, loudness, mfcc) with
// meyda's exact formulas and tables, fused into allocation-free loops; plus alpha ratio and
// Hammarberg index for the telephone band. Pure, no I/O.
//
// Why not call meyda's functions per frame: its mfcc allocates 26 arrays per call (59 µs per
// frame measured, alone 3x the whole budget) and slope/loudness allocate too. test/unit/dsp
// checks every value here against meyda's own extractor functions on the same spectrum.
//
// Telephone-band voice-quality measures (eGeMAPS, Eyben et al. 2016, IEEE TAC 7(2), adapted):
// - alpha ratio  = 10·log10( E[1000, 3400) / E[300, 1000) ) dB (eGeMAPS: 1-5 kHz over 50-1000 Hz);
// - Hammarberg   = max dB in [300, 2000) − max dB in [2000, 3400) (Hammarberg et al. 1980:
//   0-2 kHz peak vs 2-5 kHz peak). Below 300 Hz and above 3400 Hz the telephone channel has no energy.

import { meydaTables, type MeydaTables, MEL_FILTERS, BARK_BANDS } from './meyda-tables.ts';
import { MFCC_COUNT, mfccInto } from './mfcc.ts';

export { MFCC_COUNT } from './mfcc.ts';
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

/** meyda spectralRolloff: the last bin index before 99 % of the amplitude sum (-1 when none). */
function rolloffBin(amp: Float64Array, bins: number, sum: number): number {
  let ec = sum;
  const threshold = 0.99 * sum;
  let n = bins - 1;
  while (ec > threshold && n >= 0) {
    ec -= amp[n];
    --n;
  }
  return n;
}

/** meyda loudness: Bark band sums^0.23, totalled. */
function barkLoudness(amp: Float64Array, barkLimits: MeydaTables['barkLimits']): number {
  let loud = 0;
  for (let b = 0; b < BARK_BANDS; b++) {
    let s = 0;
    for (let j = barkLimits[b]; j < barkLimits[b + 1]; j++) s += amp[j];
    loud += Math.pow(s, 0.23);
  }
  return loud;
}

/** Alpha ratio: power of bins [mid, hi) over power of bins [lo, mid), in dB. */
function bandEnergyRatioDb(pw: Float64Array, lo: number, mid: number, hi: number): number {
  let eLow = 1e-20;
  let eHigh = 1e-20;
  for (let j = lo; j < mid; j++) eLow += pw[j];
  for (let j = mid; j < hi; j++) eHigh += pw[j];
  return 10 * Math.log10(eHigh / eLow);
}

/** Hammarberg index: peak amplitude of bins [lo, mid) over peak of bins [mid, hi), in dB. */
function bandPeakRatioDb(amp: Float64Array, lo: number, mid: number, hi: number): number {
  let mLow = 1e-20;
  let mHigh = 1e-20;
  for (let j = lo; j < mid; j++) if (amp[j] > mLow) mLow = amp[j];
  for (let j = mid; j < hi; j++) if (amp[j] > mHigh) mHigh = amp[j];
  return 20 * Math.log10(mLow / mHigh);
}

export function createSpectralExtractor(sampleRateHz: number, fftSize: number): SpectralExtractor {
  const bins = fftSize / 2;
  const t: MeydaTables = meydaTables(sampleRateHz, fftSize);
  const melLogBuf = new Float64Array(MEL_FILTERS);
  const pwBuf = new Float64Array(bins);
  const binCount = bins;
  const binWidthHz = sampleRateHz / fftSize;
  const binHz = binWidthHz;
  // Slope regression constants (meyda spectralSlope: frequencies i·sr/bufferSize).
  let freqSum = 0;
  let powFreqSum = 0;
  for (let i = 0; i < bins; i++) {
    freqSum += i * binHz;
    powFreqSum += i * binHz * i * binHz;
  }
  const slopeDen = powFreqSum - freqSum * freqSum;
  const nyqBin = sampleRateHz / (2 * (bins - 1)); // meyda spectralRolloff
  const aL0 = binOf(ALPHA_LOW_HZ[0], sampleRateHz, fftSize, bins);
  const aL1 = binOf(ALPHA_LOW_HZ[1], sampleRateHz, fftSize, bins);
  const aH1 = binOf(ALPHA_HIGH_HZ[1], sampleRateHz, fftSize, bins);
  const hL0 = binOf(HAMMARBERG_LOW_HZ[0], sampleRateHz, fftSize, bins);
  const hL1 = binOf(HAMMARBERG_LOW_HZ[1], sampleRateHz, fftSize, bins);
  const hH1 = binOf(HAMMARBERG_HIGH_HZ[1], sampleRateHz, fftSize, bins);

  function compute(amp: Float64Array, out: SpectralResult): void {
    // Locals, not closure slots: several extractors (one per rate) share this code, so the JIT
    // cannot fold the captured tables into constants; locals stay in registers.
    const bins = binCount;
    const binHz = binWidthHz;
    const pw = pwBuf;
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
    out.slope = sum > 0 ? (bins * ampFreq - freqSum * sum) / (sum * slopeDen) : 0;
    out.rolloffHz = (rolloffBin(amp, bins, sum) + 1) * nyqBin;
    out.loudness = barkLoudness(amp, t.barkLimits);
    mfccInto(pw, t, melLogBuf, out.mfcc);
    out.alphaRatioDb = bandEnergyRatioDb(pw, aL0, aL1, aH1);
    out.hammarbergDb = bandPeakRatioDb(amp, hL0, hL1, hH1);
  }

  return { bins, compute };
}
