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
import { readEmodbSamples, type EmodbItem } from './emodb.ts';
import { fitRidge, PACE_RIDGE_LAMBDA } from './ridge.ts';
import { fitSyllableModel } from './syllable-fit.ts';

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
}

const FORMAT = { codec: 'pcmu' as const, sampleRateHz: 8000 };

/** Features of window 0 (frames [0, windowFrames) or fewer at the end of the file). */
export function paceRows(items: EmodbItem[]): PaceRow[] {
  const o = resolveOptions({ format: FORMAT });
  const rows: PaceRow[] = [];
  for (const item of items) {
    if (item.syllablesBelow2s === null) continue;
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
 * features (with the MLP's in-sample density of the training rows, as fit-pace does) are fitted
 * on the OTHER groups' rows only; the held-out rows are scored exactly as at runtime.
 */
export function leaveOneGroupOutPace(
  rows: PaceRow[],
  groupOf: (r: PaceRow) => string,
  log: (msg: string) => void = () => {},
): FoldResult {
  const estimate = new Array<number>(rows.length).fill(NaN);
  const density = new Array<number>(rows.length).fill(NaN);
  let fallbacks = 0;
  for (const g of new Set(rows.map(groupOf))) {
    const train = rows.filter((r) => groupOf(r) !== g);
    const test = rows.filter((r) => groupOf(r) === g);
    const syllable = fitSyllableModel(train);
    const t = paceFeaturesUnder(test, syllable);
    const { main, fallback } = fitPaceRidges(train, paceFeaturesUnder(train, syllable).x);
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
