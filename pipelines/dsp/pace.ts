// Pace of one window: syllable nuclei after de Jong & Wempe (2009), "Praat script to detect
// syllable nuclei and measure speech rate automatically", Behavior Research Methods 41(2):
// peaks of a smoothed intensity contour above a threshold (0.99 quantile − 25 dB), separated
// from the preceding peak by a dip of at least 2 dB, and voiced. Pauses are VAD gaps between
// speech. Pure, no I/O; scratch arrays come from the caller.

import { F, type FrameStore } from './frame-store.ts';
import { percentile, sortPrefix } from './stats.ts';
import type { PaceFeatures } from './types.ts';

/** de Jong & Wempe defaults: silence threshold −25 dB re the 0.99 quantile, minimum dip 2 dB. */
export const SILENCE_DB = -25;
export const MIN_DIP_DB = 2;
/** Shortest gap between speech that counts as a pause (Goldman-Eisler's 250 ms is common; 150 ms here). */
export const MIN_PAUSE_FRAMES = 15;

export interface PaceScratch {
  contour: Float64Array;
  sorted: Float64Array;
}

export function createPaceScratch(frames: number): PaceScratch {
  return { contour: new Float64Array(frames), sorted: new Float64Array(frames) };
}

/** Smoothed intensity (dB) of frames [first, end) into scratch.contour: 5-tap triangular kernel on power. */
function smoothIntensity(store: FrameStore, first: number, end: number, out: Float64Array): void {
  const d = store.data;
  const n = end - first;
  for (let i = 0; i < n; i++) {
    let p = 0;
    let w = 0;
    for (let k = -2; k <= 2; k++) {
      const j = i + k;
      if (j < 0 || j >= n) continue;
      const wk = 3 - Math.abs(k);
      p += wk * Math.pow(10, d[store.at(first + j, F.sylDb)] / 10);
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
    const voiced =
      d[store.at(first + i, F.f0)] > 0 ||
      (i > 0 && d[store.at(first + i - 1, F.f0)] > 0) ||
      (i + 1 < n && d[store.at(first + i + 1, F.f0)] > 0);
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
