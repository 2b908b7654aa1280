// Per-window rhythm statistics that the learned syllable-rate estimator (pace-model.ts) combines:
// syllable-nucleus counts at several dip / floor thresholds (de Jong & Wempe 2009), voicing
// onsets, F0 turning points, energy and spectral-change peak rates, voiced and speech fractions,
// and the learned frame syllable density (syllable-density.ts). Pure, no I/O; every array comes
// from the caller's scratch (nothing allocates per window).

import { FRAME_FIELD, type FrameStore } from './frame-store.ts';
import { MFCC_COUNT } from './spectral.ts';
import { countPeaks, smoothIntensity } from './pace-peaks.ts';
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
  for (let i = 0; i < n; i++) s.raw[i] = d[store.at(first + i, FRAME_FIELD.energyDb)];
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
  const w: PaceWindow = { store, first, n, hopMs, durS: (n * hopMs) / 1000, s, out };
  const top = intensityReference(store, first, n, s);
  out[22] = syllableDensity(store, first, n, top, syllable, s.syllable);
  // The groups share the scratch: each leaves s.raw / s.contour / s.change as the next expects.
  intensityNuclei(w, top);
  const voiced = voicingRhythm(w);
  spectralChangePeaks(w);
  intensityCrossings(w, top);
  contourPeaks(w, top);
  voicedRuns(w);
  lowBandNuclei(w);
  out[19] = voiced > 0 ? meanLog2F0Sum(w) / voiced : 0;
  return syllableOutlier(s.syllable);
}

/** One window's frames [first, first + n), its scratch and the feature vector being written. */
interface PaceWindow {
  store: FrameStore;
  first: number;
  n: number;
  hopMs: number;
  durS: number;
  s: PaceFeatureScratch;
  out: Float64Array;
}

/** Intensity floor `db` below the window's reference level, never under -60 dB. */
function floorBelow(top: number, db: number): number {
  return Math.max(top + db, -60);
}

/** Nucleus counts on the smoothed (and the raw) intensity at several floors and dips (out 0-5). */
function intensityNuclei({ store, first, n, durS, s, out }: PaceWindow, top: number): void {
  const c = s.contour;
  out[0] = countPeaks(c, n, floorBelow(top, -30), 1, store, first, true) / durS;
  out[1] = countPeaks(c, n, floorBelow(top, -30), 0.5, store, first, true) / durS;
  out[2] = countPeaks(c, n, floorBelow(top, -30), 2, store, first, true) / durS;
  out[3] = countPeaks(c, n, floorBelow(top, -25), 3, store, first, true) / durS;
  out[4] = countPeaks(c, n, floorBelow(top, -20), 1, store, first, true) / durS;
  out[5] = countPeaks(s.raw, n, floorBelow(top, -30), 1, store, first, true) / durS;
}

/** Voicing onsets, F0 turning points within voiced runs, voiced and speech fractions (out 6, 7, 9, 10). */
function voicingRhythm({ store, first, n, durS, out }: PaceWindow): number {
  const d = store.data;
  let onsets = 0;
  let turns = 0;
  let voiced = 0;
  let speech = 0;
  let prevF0 = 0;
  let prevDir = 0;
  for (let i = 0; i < n; i++) {
    const f0 = d[store.at(first + i, FRAME_FIELD.f0)];
    if (d[store.at(first + i, FRAME_FIELD.speech)] > 0) speech++;
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
  out[9] = voiced / n;
  out[10] = speech / n;
  return voiced;
}

/** Spectral change: Euclidean MFCC distance between frames two hops apart, peaks above the median (out 8). */
function spectralChangePeaks({ store, first, n, durS, s, out }: PaceWindow): void {
  const d = store.data;
  const ch = s.change;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - 1);
    const b = Math.min(n - 1, i + 1);
    let sum = 0;
    for (let k = 1; k < MFCC_COUNT; k++) {
      const diff =
        d[store.at(first + b, FRAME_FIELD.mfcc + k)] - d[store.at(first + a, FRAME_FIELD.mfcc + k)];
      sum += diff * diff;
    }
    ch[i] = Number.isFinite(sum) ? Math.sqrt(sum) : 0;
  }
  s.sorted.set(ch.subarray(0, n));
  sortPrefix(s.sorted, n);
  const med = percentile(s.sorted, n, 50);
  out[8] = countPeaks(ch, n, med, 0, store, first, false) / durS;
}

/** Crossings of the smoothed intensity through its speech-level mean, a 2-8 Hz modulation proxy (out 11). */
function intensityCrossings({ n, durS, s, out }: PaceWindow, top: number): void {
  const c = s.contour;
  let m = 0;
  let k = 0;
  const fl = floorBelow(top, -30);
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
}

/** Loudness (meyda, log scale), periodicity (best ACF peak) and voicing-weighted energy peaks (out 12-14). */
function contourPeaks({ store, first, n, durS, s, out }: PaceWindow, top: number): void {
  const d = store.data;
  const c = s.contour;
  const ch = s.change;
  for (let i = 0; i < n; i++) s.raw[i] = 10 * Math.log10(d[store.at(first + i, FRAME_FIELD.loudness)] + 1e-6);
  smoothIntensity(s.raw, n, ch);
  s.sorted.set(ch.subarray(0, n));
  sortPrefix(s.sorted, n);
  out[12] = countPeaks(ch, n, percentile(s.sorted, n, 99) - 20, 1, store, first, true) / durS;
  for (let i = 0; i < n; i++) s.raw[i] = d[store.at(first + i, FRAME_FIELD.bestR)];
  out[13] = countPeaks(s.raw, n, 0.5, 0.1, store, first, false) / durS;
  for (let i = 0; i < n; i++) s.raw[i] = c[i] + 20 * d[store.at(first + i, FRAME_FIELD.voicing)];
  out[14] = countPeaks(s.raw, n, floorBelow(top, -30) + 10, 2, store, first, false) / durS;
}

/** Voiced runs ≥ 50 ms, and the runs cut into syllable-sized units: a long run holds several (out 15, 20, 21). */
function voicedRuns({ store, first, n, hopMs, durS, out }: PaceWindow): void {
  const d = store.data;
  let runs = 0;
  let run = 0;
  let units150 = 0;
  let units250 = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && d[store.at(first + i, FRAME_FIELD.f0)] > 0) run++;
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
}

/**
 * Nuclei on the low-band (300-1000 Hz) intensity: vowels carry most of it, fricatives little
 * (out 16-18). From the frame's alpha ratio a = 10·log10(E_high / E_low): E_low = E / (1 + 10^(a/10)).
 */
function lowBandNuclei({ store, first, n, durS, s, out }: PaceWindow): void {
  const d = store.data;
  for (let i = 0; i < n; i++) {
    const a = d[store.at(first + i, FRAME_FIELD.alphaDb)];
    s.raw[i] =
      d[store.at(first + i, FRAME_FIELD.energyDb)] -
      (Number.isFinite(a) ? 10 * Math.log10(1 + Math.pow(10, a / 10)) : 0);
  }
  smoothIntensity(s.raw, n, s.contour);
  s.sorted.set(s.contour.subarray(0, n));
  sortPrefix(s.sorted, n);
  const lowTop = percentile(s.sorted, n, 99);
  out[16] = countPeaks(s.contour, n, Math.max(lowTop - 30, -60), 1, store, first, true) / durS;
  out[17] = countPeaks(s.contour, n, Math.max(lowTop - 30, -60), 2, store, first, true) / durS;
  out[18] = countPeaks(s.contour, n, Math.max(lowTop - 25, -60), 3, store, first, true) / durS;
}

/** Sum of log2 F0 over the voiced frames (their mean is feature 19). */
function meanLog2F0Sum({ store, first, n }: PaceWindow): number {
  const d = store.data;
  let lf = 0;
  for (let i = 0; i < n; i++) {
    const f0 = d[store.at(first + i, FRAME_FIELD.f0)];
    if (f0 > 0) lf += Math.log2(f0);
  }
  return lf;
}
