// Pace training / evaluation data: for each EmoDB file with syllable labels, the frames and the
// pace feature vector (pipelines/dsp/pace-features.ts) of the first 2-s window at 8 kHz µ-law,
// computed by the same frame analyzer as the product, plus the labelled syllable rate; features
// can be recomputed under another syllable-density model (a fold's). Reads EmoDB (file I/O).

import type { FrameStore } from '../../pipelines/dsp/frame-store.ts';
import { frameStoreOf } from '../../pipelines/dsp/frame-track.ts';
import { resolveOptions } from '../../pipelines/dsp/options.ts';
import { toTelephoneBand } from '../../pipelines/dsp/index.ts';
import {
  createPaceFeatureScratch,
  paceFeatures,
  PACE_FEATURE_COUNT,
  PACE_FEATURE_NAMES,
} from '../../pipelines/dsp/pace-features.ts';
import { paceRate, type PaceModel } from '../../pipelines/dsp/pace.ts';
import { SYLLABLE_OUTLIER_Z2, type SyllableModel } from '../../pipelines/dsp/syllable-density.ts';
import { readEmodbSamples, type EmodbItem } from '../../devkit/audio/emodb.ts';
import { fitRidge, PACE_RIDGE_LAMBDA } from './ridge.ts';
import { fitSyllableModel, type SyllableWindow } from './syllable-fit.ts';

export interface PaceRow {
  id: string;
  speaker: string;
  text: string;
  features: Float64Array;
  /** paceFeatures' outlier score under the committed syllable model. */
  outlier: number;
  /** Labelled syllables with onset below 2.0 s, per second. */
  rate: number;
  /** The 8 kHz µ-law bytes the features were computed from (to re-run the streaming analyzer). */
  bytes: Uint8Array;
  /** Frames [0, n) of the window (whole file in one store). */
  store: FrameStore;
  n: number;
  hopMs: number;
  /** The same file speed-perturbed (SPEED_FACTORS), as MLP training windows with their rates. */
  perturbed: SyllableWindow[];
}

/**
 * Speed perturbation of the MLP's training audio (Ko et al. 2015, "Audio augmentation for speech
 * recognition"): the file is resampled as if recorded at factor × its rate, so it plays factor
 * times faster, with pitch and formants shifted alike, and the labelled rate scales exactly.
 * Factors as in that paper, fixed a priori. Only the MLP trains on these; the ridge and every
 * figure use the unperturbed files.
 */
export const SPEED_FACTORS = [0.9, 1.1];

/**
 * The first window of `samples` played `factor` times faster, with its labelled rate: output time
 * u shows original time factor·u, so a syllable with onset t is at t / factor. The 2-s file holds
 * 2 / factor s of output when factor > 1 (a shorter window; the MLP's target is a per-frame mean).
 */
export function speedPerturbed(
  samples: Float32Array,
  sampleRateHz: number,
  onsets: readonly number[],
  factor: number,
  windowMs: number,
): SyllableWindow {
  const bytes = toTelephoneBand(samples, sampleRateHz * factor, 'pcmu');
  const { store, frames, hopS } = frameStoreOf(bytes, { format: FORMAT });
  const n = Math.min(frames, Math.max(1, Math.round(windowMs / (hopS * 1000))));
  const windowS = Math.min(windowMs / 1000, 2.0 / factor);
  const count = onsets.filter((t) => t / factor < windowS).length;
  return { store, n, rate: count / windowS };
}

/** Every row and its speed-perturbed copies: the syllable-density MLP's training windows. */
export function mlpTrainingWindows(rows: PaceRow[]): SyllableWindow[] {
  return rows.flatMap((r) => [r, ...r.perturbed]);
}

const FORMAT = { codec: 'pcmu' as const, sampleRateHz: 8000 };

/** Features of window 0 (frames [0, windowFrames) or fewer at the end of the file), with speed-perturbed copies. */
export function paceRows(items: EmodbItem[], speedFactors: readonly number[] = SPEED_FACTORS): PaceRow[] {
  const o = resolveOptions({ format: FORMAT });
  const rows: PaceRow[] = [];
  for (const item of items) {
    if (item.syllablesBelow2s === null || item.syllableOnsets === null) continue;
    const { samples, sampleRateHz } = readEmodbSamples(item);
    const bytes = toTelephoneBand(samples, sampleRateHz, 'pcmu');
    const { store, frames, hopS } = frameStoreOf(bytes, { format: FORMAT });
    const hopMs = hopS * 1000;
    const end = Math.min(frames, Math.max(1, Math.round(o.windowMs / hopMs)));
    const features = new Float64Array(PACE_FEATURE_COUNT);
    const outlier = paceFeatures(store, 0, end, hopMs, createPaceFeatureScratch(end), features);
    rows.push({
      id: item.id,
      speaker: item.speaker,
      text: item.text,
      features,
      outlier,
      rate: item.syllablesBelow2s / 2.0,
      bytes,
      store,
      n: end,
      hopMs,
      perturbed: speedFactors.map((f) =>
        speedPerturbed(samples, sampleRateHz, item.syllableOnsets ?? [], f, o.windowMs),
      ),
    });
  }
  return rows;
}

/** The rows' pace feature vectors and outlier scores under syllable-density model m. */
export function paceFeaturesUnder(
  rows: PaceRow[],
  m: SyllableModel,
): { x: Float64Array[]; outlier: number[] } {
  const scratch = createPaceFeatureScratch(rows.reduce((a, r) => Math.max(a, r.n), 1));
  const outlier: number[] = [];
  const x = rows.map((r) => {
    const out = new Float64Array(PACE_FEATURE_COUNT);
    outlier.push(paceFeatures(r.store, 0, r.n, r.hopMs, scratch, out, m));
    return out;
  });
  return { x, outlier };
}

const DENSITY = PACE_FEATURE_NAMES.indexOf('mlp_syllable_density');

/**
 * Ridge of the rows' rates on x (the main model) and on x without the density (the fallback for
 * windows unlike the MLP's training frames, see paceRate).
 */
export function fitPaceRidges(rows: PaceRow[], x: Float64Array[]): { main: PaceModel; fallback: PaceModel } {
  const y = rows.map((r) => r.rate);
  const features = PACE_FEATURE_NAMES.join(',');
  const noDensity = x.map((v) => {
    const c = Float64Array.from(v);
    c[DENSITY] = 0; // constant column: the ridge gives it weight 0
    return c;
  });
  return {
    main: { ...fitRidge(x, y, PACE_RIDGE_LAMBDA), features },
    fallback: { ...fitRidge(noDensity, y, PACE_RIDGE_LAMBDA), features },
  };
}

/** Speaker folds of the stacking below; fixed a priori (each inner MLP sees 4/5 of the speakers). */
export const STACKING_FOLDS = 5;

/**
 * The rows' pace features with the density column replaced by OUT-OF-FOLD densities (stacking,
 * Wolpert 1992): speakers are split into STACKING_FOLDS groups, an MLP is fitted without each group
 * and scores it. The ridge then learns how far to trust the density on speakers the MLP has not
 * seen, which is the runtime case; the MLP's in-sample density of its own training windows is
 * overfitted and made the ridge lean on it too much.
 */
export function stackedFeatures(rows: PaceRow[], fit = fitSyllableModel): Float64Array[] {
  const speakers = [...new Set(rows.map((r) => r.speaker))].sort();
  const foldOf = new Map(speakers.map((s, i) => [s, i % STACKING_FOLDS]));
  const x: Float64Array[] = rows.map((r) => Float64Array.from(r.features));
  for (let f = 0; f < Math.min(STACKING_FOLDS, speakers.length); f++) {
    const inFold = (r: PaceRow): boolean => foldOf.get(r.speaker) === f;
    const held = rows.filter(inFold);
    const scored = paceFeaturesUnder(held, fit(mlpTrainingWindows(rows.filter((r) => !inFold(r))))).x;
    let k = 0;
    rows.forEach((r, i) => {
      if (inFold(r)) x[i] = scored[k++];
    });
  }
  return x;
}

export interface FoldResult {
  /** Rate estimate per row, scored by a model that never saw the row's group. */
  estimate: number[];
  /** The fold's syllable-density feature alone (MLP window mean, syllables/s). */
  density: number[];
  /** Rows scored by the fallback model (outlier windows). */
  fallbacks: number;
}

/**
 * Leave-one-group-out: for each group, the syllable-density MLP and then the ridge over the pace
 * features (with out-of-fold densities of the training rows, stackedFeatures, as fit-pace does)
 * are fitted on the OTHER groups' rows only; the held-out rows are scored exactly as at runtime.
 */
export function leaveOneGroupOutPace(
  rows: PaceRow[],
  groupOf: (r: PaceRow) => string,
  log: (msg: string) => void = () => {},
  only: (group: string) => boolean = () => true,
): FoldResult {
  const estimate = new Array<number>(rows.length).fill(NaN);
  const density = new Array<number>(rows.length).fill(NaN);
  let fallbacks = 0;
  for (const g of new Set(rows.map(groupOf))) {
    if (!only(g)) continue;
    const train = rows.filter((r) => groupOf(r) !== g);
    const test = rows.filter((r) => groupOf(r) === g);
    const syllable = fitSyllableModel(mlpTrainingWindows(train));
    const t = paceFeaturesUnder(test, syllable);
    const { main, fallback } = fitPaceRidges(train, stackedFeatures(train));
    let k = 0;
    rows.forEach((r, i) => {
      if (groupOf(r) !== g) return;
      estimate[i] = paceRate(main, fallback, t.x[k], t.outlier[k]);
      density[i] = t.x[k][DENSITY];
      if (t.outlier[k] > SYLLABLE_OUTLIER_Z2) fallbacks++;
      k++;
    });
    log(`pace fold ${g} done`);
  }
  return { estimate, density, fallbacks };
}
