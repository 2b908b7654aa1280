// Peak counting over a window's frame contours for the pace features (pace-features.ts): the
// smoothed intensity and the de Jong & Wempe (2009) nucleus rule (a peak over a floor, a dip
// since the previous peak, voiced nearby). Pure, no I/O, no allocation.

import { FRAME_FIELD, type FrameStore } from './frame-store.ts';

/** Voiced within ±40 ms of an intensity peak (de Jong & Wempe require voicing at the peak). */
const VOICED_REACH_FRAMES = 4;

/** Smoothed intensity (dB): 3-tap triangular kernel on power (≈30 ms at a 10 ms hop). */
export function smoothIntensity(raw: Float64Array, n: number, out: Float64Array): void {
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
  for (let k = lo; k <= hi; k++) if (d[store.at(first + k, FRAME_FIELD.f0)] > 0) return true;
  return false;
}

/**
 * Peaks of contour c above `threshold`, each at least `minDip` dB above the lowest point since the
 * previous accepted peak (else the higher of the two is kept), and voiced within ±40 ms when
 * `needVoiced`.
 */
export function countPeaks(
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
