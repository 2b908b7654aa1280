// Pace of one window: syllable rate from a learned estimator (ridge regression, pace-model.ts)
// over a learned frame syllable density (syllable-density.ts), syllable-nucleus counts after
// de Jong & Wempe (2009) and other rhythm statistics (pace-features.ts); articulation rate over
// speech time; pauses are VAD gaps between speech. Pure, no I/O; scratch arrays come from the caller.

import { FRAME_FIELD, type FrameStore } from './frame-store.ts';
import {
  createPaceFeatureScratch,
  paceFeatures,
  PACE_FEATURE_COUNT,
  PACE_FEATURE_NAMES,
  type PaceFeatureScratch,
} from './pace-features.ts';
import { PACE_FALLBACK_MODEL, PACE_MODEL } from './pace-model.ts';
import { SYLLABLE_OUTLIER_Z2 } from './syllable-density.ts';
import type { PaceFeatures } from './types.ts';

/** Shortest gap between speech that counts as a pause (Goldman-Eisler's 250 ms is common; 150 ms here). */
export const MIN_PAUSE_FRAMES = 15;
/** Upper bound of a plausible syllable rate (fast read speech peaks near 8-9 syllables/s). */
const MAX_RATE = 12;
/** Largest |z| of a standardised feature the model uses (≈ the 0.1 % / 99.9 % points of a normal). */
const Z_CLIP = 3;
const VOICED_FRACTION = PACE_FEATURE_NAMES.indexOf('voiced_fraction');

/** Linear model on standardised features: rate = intercept + Σ w·(x − mean)/scale. */
export interface PaceModel {
  /** Comma-separated PACE_FEATURE_NAMES the coefficients belong to (checked by the unit test). */
  features: string;
  mean: ArrayLike<number>;
  scale: ArrayLike<number>;
  weights: ArrayLike<number>;
  intercept: number;
}

export interface PaceScratch extends PaceFeatureScratch {
  features: Float64Array;
}

export function createPaceScratch(frames: number): PaceScratch {
  return { ...createPaceFeatureScratch(frames), features: new Float64Array(PACE_FEATURE_COUNT) };
}

/** Syllables/s of feature vector x under model m; 0 when the window has no voiced frame. */
export function applyPaceModel(m: PaceModel, x: Float64Array): number {
  const voicedFraction = x[VOICED_FRACTION];
  if (!(voicedFraction > 0)) return 0;
  let s = m.intercept;
  // Standardised features are clipped to ±Z_CLIP so that an unusual signal (outside what the model
  // was fitted on) cannot push the rate far through one feature.
  for (let k = 0; k < x.length; k++) {
    const z = (x[k] - m.mean[k]) / m.scale[k];
    s += m.weights[k] * Math.min(Z_CLIP, Math.max(-Z_CLIP, z));
  }
  return Number.isFinite(s) ? Math.min(MAX_RATE, Math.max(0, s)) : 0;
}

/**
 * The rate rule shared by runtime and eval: `main` (with the MLP density) unless the window is
 * unlike the MLP's training frames (outlier score from paceFeatures above SYLLABLE_OUTLIER_Z2),
 * then `fallback` (the same ridge fitted without the density).
 */
export function paceRate(main: PaceModel, fallback: PaceModel, x: Float64Array, outlier: number): number {
  return applyPaceModel(outlier > SYLLABLE_OUTLIER_Z2 ? fallback : main, x);
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
  const outlier = paceFeatures(store, first, end, hopMs, scratch, scratch.features);
  const rate = paceRate(PACE_MODEL, PACE_FALLBACK_MODEL, scratch.features, outlier);
  let speechFrames = 0;
  let pauseFrames = 0;
  let pauses = 0;
  let gap = 0;
  let seenSpeech = false;
  for (let i = 0; i < n; i++) {
    if (d[store.at(first + i, FRAME_FIELD.speech)] > 0) {
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
    syllableRate: rate,
    articulationRate: speechS > 0 ? (rate * durS) / speechS : 0,
    pauseRatio: n > 0 ? pauseFrames / n : 0,
    meanPauseMs: pauses > 0 ? (pauseFrames * hopMs) / pauses : 0,
  };
}
