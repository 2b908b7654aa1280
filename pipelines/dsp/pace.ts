// Pace of one window: syllable nuclei after de Jong & Wempe (2009), "Praat script to detect
// syllable nuclei and measure speech rate automatically", Behavior Research Methods 41(2):
// peaks of a smoothed intensity contour above a threshold (0.99 quantile − 25 dB), separated
// from the preceding peak by a dip of at least 2 dB, and voiced. Pauses are VAD gaps between
// speech. Pure, no I/O; scratch arrays come from the caller.

import { F, type FrameStore } from './frame-store.ts';
import { percentile, sortPrefix } from './stats.ts';
import type { PaceFeatures } from './types.ts';

/**
 * de Jong & Wempe use −25 dB re the 0.99 quantile and a 2 dB dip on a 64-ms intensity contour;
 * on 8 kHz µ-law speech with a 30-ms smoothed contour −30 dB, 1 dB and "voiced within ±40 ms"
 * count best (calibrated on EmoDB, all speakers: see README "Pace").
 */
export const SILENCE_DB = -30;
export const MIN_DIP_DB = 1;
export const VOICED_REACH_FRAMES = 4;
/** Shortest gap between speech that counts as a pause (Goldman-Eisler's 250 ms is common; 150 ms here). */
export const MIN_PAUSE_FRAMES = 15;

export interface PaceScratch {
  contour: Float64Array;
  sorted: Float64Array;
}

export function createPaceScratch(frames: number): PaceScratch {
  return { contour: new Float64Array(frames), sorted: new Float64Array(frames) };
}

/** Smoothed intensity (dB) of frames [first, end) into scratch.contour: 3-tap triangular kernel on power. */
function smoothIntensity(store: FrameStore, first: number, end: number, out: Float64Array): void {
  const d = store.data;
  const n = end - first;
  for (let i = 0; i < n; i++) {
    let p = 0;
    let w = 0;
    for (let k = -1; k <= 1; k++) {
      const j = i + k;
      if (j < 0 || j >= n) continue;
      const wk = 2 - Math.abs(k);
      p += wk * Math.pow(10, d[store.at(first + j, F.energyDb)] / 10);
      w += wk;
    }
    out[i] = 10 * Math.log10(p / w + 1e-12);
  }
}

export function countSyllableNuclei(
  store: FrameStore,
  first: number,
  end: number,
  scratch: PaceScratch,
): number {
  const n = end - first;
  if (n < 3) return 0;
  const c = scratch.contour;
  smoothIntensity(store, first, end, c);
  scratch.sorted.set(c.subarray(0, n));
  sortPrefix(scratch.sorted, n);
  const threshold = Math.max(percentile(scratch.sorted, n, 99) + SILENCE_DB, -60);
  const d = store.data;
  let count = 0;
  let lastPeak = -1;
  for (let i = 1; i < n - 1; i++) {
    if (!(c[i] > threshold && c[i] > c[i - 1] && c[i] >= c[i + 1])) continue;
    // Dip between the previous accepted peak and this one.
    if (lastPeak >= 0) {
      let dip = Infinity;
      for (let k = lastPeak; k <= i; k++) if (c[k] < dip) dip = c[k];
      if (c[i] - dip < MIN_DIP_DB) {
        // Not separated: keep the higher of the two as the nucleus position.
        if (c[i] > c[lastPeak]) lastPeak = i;
        continue;
      }
    }
    lastPeak = i;
    let voiced = false;
    for (let k = Math.max(0, i - VOICED_REACH_FRAMES); k <= Math.min(n - 1, i + VOICED_REACH_FRAMES); k++) {
      if (d[store.at(first + k, F.f0)] > 0) voiced = true;
    }
    if (voiced) count++;
  }
  return count;
}

export function paceOf(
  store: FrameStore,
  first: number,
  end: number,
  hopMs: number,
  scratch: PaceScratch,
): PaceFeatures {
  const n = end - first;
  const d = store.data;
  const syllables = countSyllableNuclei(store, first, end, scratch);
  let speechFrames = 0;
  let pauseFrames = 0;
  let pauses = 0;
  let gap = 0;
  let seenSpeech = false;
  for (let i = 0; i < n; i++) {
    if (d[store.at(first + i, F.speech)] > 0) {
      if (seenSpeech && gap >= MIN_PAUSE_FRAMES) {
        pauseFrames += gap;
        pauses++;
      }
      gap = 0;
      seenSpeech = true;
      speechFrames++;
    } else if (seenSpeech) {
      gap++;
    }
  }
  const durS = (n * hopMs) / 1000;
  const speechS = (speechFrames * hopMs) / 1000;
  return {
    syllableRate: durS > 0 ? syllables / durS : 0,
    articulationRate: speechS > 0 ? syllables / speechS : 0,
    pauseRatio: n > 0 ? pauseFrames / n : 0,
    meanPauseMs: pauses > 0 ? (pauseFrames * hopMs) / pauses : 0,
  };
}
