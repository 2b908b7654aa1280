// Spectral group of a window: meyda spectral shape (centroid, flatness, slope, rolloff, ZCR) and
// MFCC means, spreads and the first four deltas' spreads over the selected frames. Pure, no I/O;
// works in caller's scratch.
import { FUNCTIONAL_INDEX } from './functionals.ts';
import { FRAME_FIELD, type FrameStore } from './frame-store.ts';
import { MFCC_COUNT } from './spectral.ts';
import { std } from './stats.ts';
import { gather, meanStdInto, type Slots } from './window-slots.ts';

/** Functional indices of the MFCCs, looked up once (not per window). */
const at = (name: (k: number) => string, count: number): Int32Array =>
  Int32Array.from({ length: count }, (_, k) => FUNCTIONAL_INDEX[name(k + 1)]);
const MFCC_MEAN_AT = at((k) => `mfcc${k}_mean`, MFCC_COUNT);
const MFCC_STD_AT = at((k) => `mfcc${k}_std`, MFCC_COUNT);
/** Delta spreads are kept for the first four coefficients only (FUNCTIONAL_NAMES). */
const MFCC_DELTA_STD_AT = at((k) => `mfcc${k}_delta_std`, 4);

/** Spectral shape and MFCC over `sel` into `fx`; returns the mean spectral slope (voice quality). */
export function windowSpectral(
  store: FrameStore,
  sel: Slots,
  a: Float64Array,
  b: Float64Array,
  fx: Float64Array,
): number {
  meanStdInto(
    store,
    FRAME_FIELD.centroidHz,
    sel,
    a,
    fx,
    FUNCTIONAL_INDEX.centroid_hz_mean,
    FUNCTIONAL_INDEX.centroid_hz_std,
  );
  meanStdInto(
    store,
    FRAME_FIELD.flatness,
    sel,
    a,
    fx,
    FUNCTIONAL_INDEX.flatness_mean,
    FUNCTIONAL_INDEX.flatness_std,
  );
  const spectralSlope = meanStdInto(
    store,
    FRAME_FIELD.slope,
    sel,
    a,
    fx,
    FUNCTIONAL_INDEX.slope_mean,
    FUNCTIONAL_INDEX.slope_std,
  );
  meanStdInto(
    store,
    FRAME_FIELD.rolloffHz,
    sel,
    a,
    fx,
    FUNCTIONAL_INDEX.rolloff_hz_mean,
    FUNCTIONAL_INDEX.rolloff_hz_std,
  );
  meanStdInto(store, FRAME_FIELD.zcr, sel, a, fx, FUNCTIONAL_INDEX.zcr_mean, FUNCTIONAL_INDEX.zcr_std);
  for (let k = 0; k < MFCC_COUNT; k++)
    meanStdInto(store, FRAME_FIELD.mfcc + k, sel, a, fx, MFCC_MEAN_AT[k], MFCC_STD_AT[k]);
  for (let k = 0; k < MFCC_DELTA_STD_AT.length; k++) {
    const m = gather(store, FRAME_FIELD.mfcc + k, sel, a);
    for (let i = 1; i < m; i++) b[i - 1] = a[i] - a[i - 1];
    fx[MFCC_DELTA_STD_AT[k]] = std(b, Math.max(0, m - 1));
  }
  return spectralSlope;
}
