// Per-window rhythm statistics that the learned syllable-rate estimator (pace-model.ts) combines:
// syllable-nucleus counts at several dip / floor thresholds (de Jong & Wempe 2009), voicing
// onsets, F0 turning points, energy and spectral-change peak rates, voiced and speech fractions,
// and the learned frame syllable density (syllable-density.ts). Pure, no I/O; every array comes
// from the caller's scratch (nothing allocates per window).

import { F, type FrameStore } from './frame-store.ts';
import { MFCC_COUNT } from './spectral.ts';
import { percentile, sortPrefix } from './stats.ts';
import {
  createSyllableScratch,
  syllableDensity,
  syllableOutlier,
  type SyllableModel,
  type SyllableScratch,
} from './syllable-density.ts';
import { SYLLABLE_MODEL } from './syllable-model.ts';

/** Names of the entries of a pace feature vector, in order (rates are per second of window). */
export const PACE_FEATURE_NAMES = [
  'nuclei_30db_dip1', // de Jong & Wempe style count, the former estimator
  'nuclei_30db_dip0.5',
  'nuclei_30db_dip2',
  'nuclei_25db_dip3',
  'nuclei_20db_dip1',
  'energy_peaks_unsmoothed',
  'voicing_onsets',
  'f0_turning_points',
  'spectral_change_peaks',
  'voiced_fraction',
  'speech_fraction',
  'energy_mod_crossings',
  'loudness_peaks',
  'periodicity_peaks',
  'voiced_energy_peaks',
  'long_voiced_runs',
  'lowband_nuclei_30db_dip1',
  'lowband_nuclei_30db_dip2',
  'lowband_nuclei_25db_dip3',
  'mean_log2_f0',
  'voiced_run_units_150ms',
  'voiced_run_units_250ms',
  'mlp_syllable_density',
] as const;

export const PACE_FEATURE_COUNT = PACE_FEATURE_NAMES.length;

/** Voiced within ±40 ms of an intensity peak (de Jong & Wempe require voicing at the peak). */
const VOICED_REACH_FRAMES = 4;

export interface PaceFeatureScratch {
  contour: Float64Array;
  raw: Float64Array;
  sorted: Float64Array;
  change: Float64Array;
  syllable: SyllableScratch;
}

export function createPaceFeatureScratch(frames: number): PaceFeatureScratch {
  return {
    contour: new Float64Array(frames),
    raw: new Float64Array(frames),
    sorted: new Float64Array(frames),
    change: new Float64Array(frames),
    syllable: createSyllableScratch(frames),
  };
}

/** Smoothed intensity (dB): 3-tap triangular kernel on power (≈30 ms at a 10 ms hop). */
function smoothIntensity(raw: Float64Array, n: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let p = 0;
    let w = 0;
    for (let k = -1; k <= 1; k++) {
      const j = i + k;
      if (j < 0 || j >= n) continue;
      const wk = 2 - Math.abs(k);
      p += wk * Math.pow(10, raw[j] / 10);
      w += wk;
    }
    out[i] = 10 * Math.log10(p / w + 1e-12);
  }
}

function voicedNear(store: FrameStore, first: number, n: number, i: number): boolean {
  const d = store.data;
  const lo = Math.max(0, i - VOICED_REACH_FRAMES);
  const hi = Math.min(n - 1, i + VOICED_REACH_FRAMES);
  for (let k = lo; k <= hi; k++) if (d[store.at(first + k, F.f0)] > 0) return true;
  return false;
}

/**
 * Peaks of contour c above `threshold`, each at least `minDip` dB above the lowest point since the
 * previous accepted peak (else the higher of the two is kept), and voiced within ±40 ms when
 * `needVoiced`.
 */
function countPeaks(
  c: Float64Array,
  n: number,
  threshold: number,
  minDip: number,
  store: FrameStore,
  first: number,
  needVoiced: boolean,
): number {
  let count = 0;
  let lastPeak = -1;
  for (let i = 1; i < n - 1; i++) {
    if (!(c[i] > threshold && c[i] > c[i - 1] && c[i] >= c[i + 1])) continue;
    if (lastPeak >= 0) {
      let dip = Infinity;
      for (let k = lastPeak; k <= i; k++) if (c[k] < dip) dip = c[k];
      if (c[i] - dip < minDip) {
        if (c[i] > c[lastPeak]) lastPeak = i;
        continue;
      }
    }
    lastPeak = i;
    if (!needVoiced || voicedNear(store, first, n, i)) count++;
  }
  return count;
}

/**
 * Window reference level (dB): 99th percentile of the smoothed intensity of frames [first, first + n).
 * Leaves the raw intensity in s.raw and the smoothed one in s.contour.
 */
export function intensityReference(
  store: FrameStore,
  first: number,
  n: number,
  s: PaceFeatureScratch,
): number {
  const d = store.data;
  for (let i = 0; i < n; i++) s.raw[i] = d[store.at(first + i, F.energyDb)];
  smoothIntensity(s.raw, n, s.contour);
  s.sorted.set(s.contour.subarray(0, n));
  sortPrefix(s.sorted, n);
  return percentile(s.sorted, n, 99);
}

/**
 * Writes the PACE_FEATURE_COUNT features of frames [first, end) into out. Counts are divided by
 * the window duration (s) so that windows of any length give rates. `syllable` is the density
 * MLP (the committed one at runtime; the eval passes fold models fitted without the test speaker).
 * Returns how far the window's frames lie from the MLP's training frames (syllableOutlier; 0 for
 * windows under 3 frames).
 */
export function paceFeatures(
  store: FrameStore,
  first: number,
  end: number,
  hopMs: number,
  s: PaceFeatureScratch,
  out: Float64Array,
  syllable: SyllableModel = SYLLABLE_MODEL,
): number {
  const n = end - first;
  out.fill(0);
  if (n < 3) return 0;
  const d = store.data;
  const durS = (n * hopMs) / 1000;
  const top = intensityReference(store, first, n, s);
  const c = s.contour;
  const floor = (db: number): number => Math.max(top + db, -60);
  out[22] = syllableDensity(store, first, n, top, syllable, s.syllable);
  out[0] = countPeaks(c, n, floor(-30), 1, store, first, true) / durS;
  out[1] = countPeaks(c, n, floor(-30), 0.5, store, first, true) / durS;
  out[2] = countPeaks(c, n, floor(-30), 2, store, first, true) / durS;
  out[3] = countPeaks(c, n, floor(-25), 3, store, first, true) / durS;
  out[4] = countPeaks(c, n, floor(-20), 1, store, first, true) / durS;
  out[5] = countPeaks(s.raw, n, floor(-30), 1, store, first, true) / durS;

  // Voicing onsets, F0 turning points within voiced runs, voiced and speech fractions.
  let onsets = 0;
  let turns = 0;
  let voiced = 0;
  let speech = 0;
  let prevF0 = 0;
  let prevDir = 0;
  for (let i = 0; i < n; i++) {
    const f0 = d[store.at(first + i, F.f0)];
    if (d[store.at(first + i, F.speech)] > 0) speech++;
    if (f0 > 0) {
      voiced++;
      if (prevF0 <= 0) {
        onsets++;
        prevDir = 0;
      } else {
        // Direction changes of more than half a semitone per frame pair count as turning points.
        const st = 12 * Math.log2(f0 / prevF0);
        const dir = st > 0.5 ? 1 : st < -0.5 ? -1 : 0;
        if (dir !== 0) {
          if (prevDir !== 0 && dir !== prevDir) turns++;
          prevDir = dir;
        }
      }
    }
    prevF0 = f0;
  }
  out[6] = onsets / durS;
  out[7] = turns / durS;

  // Spectral change: Euclidean MFCC distance between frames two hops apart, peaks above the median.
  const ch = s.change;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - 1);
    const b = Math.min(n - 1, i + 1);
    let sum = 0;
    for (let k = 1; k < MFCC_COUNT; k++) {
      const diff = d[store.at(first + b, F.mfcc + k)] - d[store.at(first + a, F.mfcc + k)];
      sum += diff * diff;
    }
    ch[i] = Number.isFinite(sum) ? Math.sqrt(sum) : 0;
  }
  s.sorted.set(ch.subarray(0, n));
  sortPrefix(s.sorted, n);
  const med = percentile(s.sorted, n, 50);
  out[8] = countPeaks(ch, n, med, 0, store, first, false) / durS;
  out[9] = voiced / n;
  out[10] = speech / n;

  // Crossings of the smoothed intensity through its speech-level mean (a 2-8 Hz modulation proxy).
  let m = 0;
  let k = 0;
  const fl = floor(-30);
  for (let i = 0; i < n; i++) {
    if (c[i] > fl) {
      m += c[i];
      k++;
    }
  }
  m = k > 0 ? m / k : 0;
  let crossings = 0;
  for (let i = 1; i < n; i++) if (c[i - 1] < m !== c[i] < m) crossings++;
  out[11] = crossings / 2 / durS;

  // Loudness (meyda, log scale), periodicity (best ACF peak) and voicing-weighted energy contours.
  for (let i = 0; i < n; i++) s.raw[i] = 10 * Math.log10(d[store.at(first + i, F.loudness)] + 1e-6);
  smoothIntensity(s.raw, n, ch);
  s.sorted.set(ch.subarray(0, n));
  sortPrefix(s.sorted, n);
  out[12] = countPeaks(ch, n, percentile(s.sorted, n, 99) - 20, 1, store, first, true) / durS;
  for (let i = 0; i < n; i++) s.raw[i] = d[store.at(first + i, F.bestR)];
  out[13] = countPeaks(s.raw, n, 0.5, 0.1, store, first, false) / durS;
  for (let i = 0; i < n; i++) s.raw[i] = c[i] + 20 * d[store.at(first + i, F.voicing)];
  out[14] = countPeaks(s.raw, n, fl + 10, 2, store, first, false) / durS;
  // Voiced runs ≥ 50 ms, and the runs cut into syllable-sized units (a long run holds several).
  let runs = 0;
  let run = 0;
  let units150 = 0;
  let units250 = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && d[store.at(first + i, F.f0)] > 0) run++;
    else {
      if (run >= 5) runs++;
      if (run > 0) {
        units150 += Math.ceil((run * hopMs) / 150);
        units250 += Math.ceil((run * hopMs) / 250);
      }
      run = 0;
    }
  }
  out[20] = units150 / durS;
  out[21] = units250 / durS;
  out[15] = runs / durS;

  // Low-band (300-1000 Hz) intensity: vowels carry most of it, fricatives little. From the frame's
  // alpha ratio a = 10·log10(E_high / E_low): E_low = E / (1 + 10^(a/10)).
  for (let i = 0; i < n; i++) {
    const a = d[store.at(first + i, F.alphaDb)];
    s.raw[i] =
      d[store.at(first + i, F.energyDb)] -
      (Number.isFinite(a) ? 10 * Math.log10(1 + Math.pow(10, a / 10)) : 0);
  }
  smoothIntensity(s.raw, n, s.contour);
  s.sorted.set(s.contour.subarray(0, n));
  sortPrefix(s.sorted, n);
  const lowTop = percentile(s.sorted, n, 99);
  out[16] = countPeaks(s.contour, n, Math.max(lowTop - 30, -60), 1, store, first, true) / durS;
  out[17] = countPeaks(s.contour, n, Math.max(lowTop - 30, -60), 2, store, first, true) / durS;
  out[18] = countPeaks(s.contour, n, Math.max(lowTop - 25, -60), 3, store, first, true) / durS;
  let lf = 0;
  for (let i = 0; i < n; i++) {
    const f0 = d[store.at(first + i, F.f0)];
    if (f0 > 0) lf += Math.log2(f0);
  }
  out[19] = voiced > 0 ? lf / voiced : 0;
  return syllableOutlier(s.syllable);
}
