// Learned frame-level syllable density: a tiny MLP (weights in syllable-model.ts) maps each frame's
// stacked features (spectral shape, MFCC, voicing, window-relative energy and its context) to that
// frame's share of a syllable, so that the mean over a window is its syllable rate. It was trained
// on window syllable counts only ("learning to count", scripts/lib/syllable-mlp.ts). Pure, no I/O;
// every array comes from the caller's scratch (nothing allocates per window).

import { FRAME_FIELD, type FrameStore } from './frame-store.ts';

/** Per-frame base fields, in order (before z-scoring with the model's mean / scale). */
export const SYLLABLE_BASE_NAMES = [
  'energy_rel_db',
  'lowband_rel_db',
  'voicing',
  'best_r',
  'voiced',
  'speech',
  'zcr',
  'centroid_hz',
  'flatness',
  'slope',
  'rolloff_hz',
  'alpha_db',
  'hammarberg_db',
  'mfcc1',
  'mfcc2',
  'mfcc3',
  'mfcc4',
  'mfcc5',
  'mfcc6',
  'mfcc7',
  'mfcc8',
  'mfcc9',
  'mfcc10',
  'mfcc11',
  'mfcc12',
] as const;
export const SYLLABLE_BASE = SYLLABLE_BASE_NAMES.length;
const BASE_FIELDS = [
  -1, // energy_rel_db: computed
  -1, // lowband_rel_db: computed
  FRAME_FIELD.voicing,
  FRAME_FIELD.bestR,
  -1, // voiced: f0 > 0
  FRAME_FIELD.speech,
  FRAME_FIELD.zcr,
  FRAME_FIELD.centroidHz,
  FRAME_FIELD.flatness,
  FRAME_FIELD.slope,
  FRAME_FIELD.rolloffHz,
  FRAME_FIELD.alphaDb,
  FRAME_FIELD.hammarbergDb,
  FRAME_FIELD.mfcc + 1,
  FRAME_FIELD.mfcc + 2,
  FRAME_FIELD.mfcc + 3,
  FRAME_FIELD.mfcc + 4,
  FRAME_FIELD.mfcc + 5,
  FRAME_FIELD.mfcc + 6,
  FRAME_FIELD.mfcc + 7,
  FRAME_FIELD.mfcc + 8,
  FRAME_FIELD.mfcc + 9,
  FRAME_FIELD.mfcc + 10,
  FRAME_FIELD.mfcc + 11,
  FRAME_FIELD.mfcc + 12,
];
/** Frame offsets of the energy / low-band energy context (relative to the frame's own value). */
export const SYLLABLE_CONTEXT = [-10, -6, -3, 3, 6, 10] as const;
/** Half-span (frames) of the base-field delta x[i+D] − x[i−D] (≈ ±20 ms, a consonant-vowel edge). */
const DELTA = 2;
/** MLP input width: base, deltas, energy and low-band energy context. */
export const SYLLABLE_INPUTS = 2 * SYLLABLE_BASE + 2 * SYLLABLE_CONTEXT.length;
/** Energy below the window's reference by more than this (dB) is treated as this (silence floor). */
const FLOOR_DB = 50;

/** One-hidden-layer MLP: f = w2 · tanh(W1 · x + b1) + b2 (syllables/s), x from z-scored base fields. */
export interface SyllableModel {
  /** Frames evaluated: every `stride`-th of the window (the mean needs no more; halves the cost). */
  stride: number;
  /** SYLLABLE_BASE_NAMES joined by ',' (checked by the unit test). */
  base: string;
  hidden: number;
  mean: ArrayLike<number>;
  scale: ArrayLike<number>;
  /** hidden × SYLLABLE_INPUTS, row-major. */
  w1: ArrayLike<number>;
  b1: ArrayLike<number>;
  w2: ArrayLike<number>;
  b2: number;
}

export interface SyllableScratch {
  /** frames × SYLLABLE_BASE z-scored base fields. */
  base: Float64Array;
  input: Float64Array;
  /** Per base field: mean z² over the last window's frames (see syllableOutlier). */
  fieldZ2: Float64Array;
}

/**
 * A window whose frames sit on average more than 3 standard deviations (of the training frames)
 * away in some base field (mean z² > 9) is unlike the speech the MLP was fitted on: e.g. a
 * synthetic harmonic buzz has roll-off and Hammarberg z² ≈ 15 / 7, while no EmoDB window exceeds
 * 7. The pace estimator then falls back to a model without the density (pace.ts).
 */
export const SYLLABLE_OUTLIER_Z2 = 9;

export function createSyllableScratch(frames: number): SyllableScratch {
  return {
    base: new Float64Array(frames * SYLLABLE_BASE),
    input: new Float64Array(SYLLABLE_INPUTS),
    fieldZ2: new Float64Array(SYLLABLE_BASE),
  };
}

/**
 * Writes the raw base fields of frames [first, first + n) into out (frames × SYLLABLE_BASE).
 * `refDb` is the window's reference level (99th percentile of smoothed intensity) so that
 * energies are gain-independent.
 */
export function syllableRawBase(
  store: FrameStore,
  first: number,
  n: number,
  refDb: number,
  out: Float64Array,
): void {
  const d = store.data;
  // The store is a struct of arrays: at(frame, f) − at(frame, 0) does not depend on the frame, so
  // one at() per frame plus these offsets replaces 25 at() calls (a third of this stage's time).
  const off = FIELD_OFFSET;
  const f0 = store.at(0, 0);
  for (let k = 0; k < SYLLABLE_BASE; k++) off[k] = BASE_FIELDS[k] >= 0 ? store.at(0, BASE_FIELDS[k]) - f0 : 0;
  const offE = store.at(0, FRAME_FIELD.energyDb) - f0;
  const offA = store.at(0, FRAME_FIELD.alphaDb) - f0;
  const offF0 = store.at(0, FRAME_FIELD.f0) - f0;
  for (let i = 0; i < n; i++) {
    const row = i * SYLLABLE_BASE;
    const at = store.at(first + i, 0);
    const e = d[at + offE];
    const a = d[at + offA];
    // Low band (300-1000 Hz) energy from the alpha ratio a = 10·log10(E_high / E_low) (see pace-features).
    const low = e - (Number.isFinite(a) ? 10 * Math.log10(1 + Math.pow(10, a / 10)) : 0);
    out[row] = Math.max(-FLOOR_DB, e - refDb);
    out[row + 1] = Math.max(-FLOOR_DB, low - refDb);
    out[row + 4] = d[at + offF0] > 0 ? 1 : 0;
    for (let k = 2; k < SYLLABLE_BASE; k++) if (k !== 4) out[row + k] = d[at + off[k]];
  }
}

/** Scratch of syllableRawBase (module level: filled and used within one synchronous call). */
const FIELD_OFFSET = new Int32Array(SYLLABLE_BASE);

/** Raw base fields, then z-scored with the model's mean / scale and clipped to ±6 (into s.base). */
export function syllableBase(
  store: FrameStore,
  first: number,
  n: number,
  refDb: number,
  m: SyllableModel,
  s: SyllableScratch,
): void {
  const b = s.base;
  const z2 = s.fieldZ2;
  z2.fill(0);
  syllableRawBase(store, first, n, refDb, b);
  const mean = MEAN;
  const inv = INV_SCALE;
  for (let k = 0; k < SYLLABLE_BASE; k++) {
    mean[k] = m.mean[k];
    inv[k] = 1 / m.scale[k];
  }
  for (let i = 0, row = 0; i < n; i++, row += SYLLABLE_BASE) {
    for (let k = 0; k < SYLLABLE_BASE; k++) {
      const z = (b[row + k] - mean[k]) * inv[k];
      // z − z is 0 exactly when z is finite (NaN / ±Infinity from a non-finite field give 0).
      const c = z - z === 0 ? (z > 6 ? 6 : z < -6 ? -6 : z) : 0;
      b[row + k] = c;
      z2[k] += c * c;
    }
  }
  for (let k = 0; k < SYLLABLE_BASE; k++) z2[k] /= n;
}

/** Model mean and 1 / scale as typed arrays (module-level scratch of syllableBase). */
const MEAN = new Float64Array(SYLLABLE_BASE);
const INV_SCALE = new Float64Array(SYLLABLE_BASE);

/** Largest per-field mean z² of the last window syllableBase / syllableDensity saw. */
export function syllableOutlier(s: SyllableScratch): number {
  let mx = 0;
  for (let k = 0; k < SYLLABLE_BASE; k++) if (s.fieldZ2[k] > mx) mx = s.fieldZ2[k];
  return mx;
}

/** Offset in the base matrix of frame j clamped to [0, n). */
function rowOf(j: number, n: number): number {
  return (j < 0 ? 0 : j >= n ? n - 1 : j) * SYLLABLE_BASE;
}

/** Writes the MLP input of frame i (indices clamped to the window) into x. */
export function syllableInput(s: SyllableScratch, n: number, i: number, x: Float64Array): void {
  const b = s.base;
  const row = i * SYLLABLE_BASE;
  const lo = rowOf(i - DELTA, n);
  const hi = rowOf(i + DELTA, n);
  for (let k = 0; k < SYLLABLE_BASE; k++) {
    x[k] = b[row + k];
    x[SYLLABLE_BASE + k] = b[hi + k] - b[lo + k];
  }
  let o = 2 * SYLLABLE_BASE;
  for (let c = 0; c < SYLLABLE_CONTEXT.length; c++) {
    const r = rowOf(i + SYLLABLE_CONTEXT[c], n);
    x[o++] = b[r] - b[row];
    x[o++] = b[r + 1] - b[row + 1];
  }
}

/** Syllables/s contributed by a frame with input x under m. */
export function frameDensity(m: SyllableModel, x: Float64Array): number {
  // Locals: V8 does not hoist the property loads out of the inner loop on its own.
  const w1 = m.w1;
  const b1 = m.b1;
  const w2 = m.w2;
  const inputs = SYLLABLE_INPUTS;
  let out = m.b2;
  for (let h = 0, row = 0; h < m.hidden; h++, row += inputs) {
    let a0 = b1[h];
    let a1 = 0;
    // Two accumulators: shorter dependency chain of floating-point adds.
    let k = 0;
    for (; k + 1 < inputs; k += 2) {
      a0 += w1[row + k] * x[k];
      a1 += w1[row + k + 1] * x[k + 1];
    }
    if (k < inputs) a0 += w1[row + k] * x[k];
    out += w2[h] * Math.tanh(a0 + a1);
  }
  return out;
}

/**
 * Syllable rate of frames [first, first + n) as the mean frame density (every m.stride-th frame).
 * `refDb`: the window's reference level (see syllableRawBase).
 */
export function syllableDensity(
  store: FrameStore,
  first: number,
  n: number,
  refDb: number,
  m: SyllableModel,
  s: SyllableScratch,
): number {
  if (n <= 0) return 0;
  syllableBase(store, first, n, refDb, m, s);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i += m.stride) {
    syllableInput(s, n, i, s.input);
    sum += frameDensity(m, s.input);
    count++;
  }
  return sum / count;
}
