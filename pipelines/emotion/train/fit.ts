// Fits the emotion model from feature rows: population prior of the speaker baseline, speaker
// normalisation, input selection and standardisation, L2 strength chosen by inner
// leave-speakers-out cross-validation, temperature scaling on the inner out-of-fold predictions.
// Deterministic for given rows and options. Pure, no I/O.
import { EVIDENCE_MEASURES } from '../evidence.ts';
import { MODEL_FORMAT, MODEL_VERSION } from '../model-file.ts';
import type { EmotionModel } from '../model-file.ts';
import { EMOTION_LABELS } from '../types.ts';
import { unweightedAverageRecall } from './metrics.ts';
import { ensembleLogits, trainMember } from './members.ts';
import type { MemberSpec } from './members.ts';
import { balancedWeights } from './softmax-regression.ts';
import type { Dataset } from './softmax-regression.ts';
import { columnStats, speakerNormalise } from './speaker-norm.ts';
import type { FeatureRow } from './speaker-norm.ts';
import { fitTemperature } from './temperature.ts';

export interface FitOptions {
  name: string;
  featureNames: readonly string[];
  /** Condition whose rows define the population prior and the inner-CV score. */
  primaryCondition: string;
  l2Grid: readonly number[];
  /** Ensemble members; linear members use the L2 chosen by inner CV, MLPs their own settings. */
  members: readonly MemberSpec[];
  innerFolds: number;
  priorWeight: number;
  clip: number;
  thresholds: EmotionModel['thresholds'];
  training: Record<string, unknown>;
  log?: (message: string) => void;
}

const CLASSES = EMOTION_LABELS.length;

interface Prepared {
  x: Float64Array;
  rows: number;
  dims: number;
  y: Int32Array;
}

function prepare(
  z: readonly Float64Array[],
  index: readonly number[],
  clip: number,
  mean: number[],
  std: number[],
): Prepared {
  const dims = index.length;
  const x = new Float64Array(z.length * dims);
  z.forEach((v, i) => {
    for (let j = 0; j < dims; j++) {
      let t = v[index[j]];
      if (!Number.isFinite(t)) t = 0;
      t = Math.max(-clip, Math.min(clip, t));
      x[i * dims + j] = (t - mean[j]) / std[j];
    }
  });
  return { x, rows: z.length, dims, y: new Int32Array(z.length) };
}

/** Selected inputs and their standardisation, from training z-scores only. */
function inputTransform(z: readonly Float64Array[], nf: number, clip: number) {
  const finite = columnStats(z, nf).finiteShare;
  const index: number[] = [];
  for (let d = 0; d < nf; d++) if (finite[d] >= 0.5) index.push(d);
  const clipped = z.map((v) =>
    Float64Array.from(index, (d) => (Number.isFinite(v[d]) ? Math.max(-clip, Math.min(clip, v[d])) : 0)),
  );
  const { mean, std } = columnStats(clipped, index.length);
  return { index, mean, std };
}

function dataset(p: Prepared, labels: Int32Array): Dataset {
  return {
    x: p.x,
    rows: p.rows,
    dims: p.dims,
    y: labels,
    weight: balancedWeights(labels, CLASSES),
    classes: CLASSES,
  };
}

const argmaxRows = (logits: Float64Array, rows: number): Int32Array => {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let k = 1; k < CLASSES; k++) if (logits[i * CLASSES + k] > logits[i * CLASSES + best]) best = k;
    out[i] = best;
  }
  return out;
};

const round = (v: number): number => Number(v.toPrecision(7));

interface Normalised {
  baseline: { priorMean: number[]; priorStd: number[]; priorWeight: number; minStd: number[] };
  evidencePop: { mean: number[]; std: number[] };
  z: Float64Array[];
  labels: Int32Array;
}

/** Population prior (primary condition) and leave-one-out speaker z-scores of every row. */
function normaliseRows(rows: readonly FeatureRow[], options: FitOptions): Normalised {
  const nf = options.featureNames.length;
  const primary = rows.filter((r) => r.condition === options.primaryCondition);
  const pop = columnStats(
    primary.map((r) => r.functionals),
    nf,
  );
  const baseline = {
    priorMean: pop.mean,
    priorStd: pop.std,
    priorWeight: options.priorWeight,
    minStd: pop.std.map((s) => 0.1 * s),
  };
  const evidencePop = columnStats(
    primary.map((r) => r.measures),
    EVIDENCE_MEASURES.length,
  );
  return {
    baseline,
    evidencePop,
    z: speakerNormalise(rows, baseline),
    labels: Int32Array.from(rows, (r) => r.label),
  };
}

export interface Hyperparameters {
  l2: number;
  temperature: number;
  innerCvUar: number;
}

/** L2 by inner cross-validation over the training speakers, temperature on its out-of-fold logits. */
export function chooseHyperparameters(
  rows: readonly FeatureRow[],
  options: FitOptions,
  n: Normalised = normaliseRows(rows, options),
): Hyperparameters {
  const log = options.log ?? (() => {});
  const nf = options.featureNames.length;
  const { z, labels } = n;
  // Inner CV over the training speakers (round-robin folds of the sorted speaker list, fixed in
  // advance): pick L2 by the ensemble's UAR on the primary condition; keep its out-of-fold logits
  // to fit the temperature.
  const speakers = [...new Set(rows.map((r) => r.speaker))].sort();
  const foldOf = new Map(speakers.map((s, i) => [s, i % options.innerFolds]));
  const oofLogits = options.l2Grid.map(() => new Float64Array(rows.length * CLASSES));
  const pick = (idx: number[]): Float64Array[] => idx.map((i) => z[i]);
  for (let f = 0; f < options.innerFolds; f++) {
    const trainIdx = rows.flatMap((r, i) => (foldOf.get(r.speaker) !== f ? [i] : []));
    const testIdx = rows.flatMap((r, i) => (foldOf.get(r.speaker) === f ? [i] : []));
    if (testIdx.length === 0) continue;
    const t = inputTransform(pick(trainIdx), nf, options.clip);
    const [train, test] = [trainIdx, testIdx].map((idx) =>
      prepare(pick(idx), t.index, options.clip, t.mean, t.std),
    );
    const trainSet = dataset(
      train,
      Int32Array.from(trainIdx, (i) => labels[i]),
    );
    const fixed = options.members.filter((m) => m.kind !== 'linear').map((m) => trainMember(trainSet, m, 0));
    // Warm start along the grid (strongest L2 first): same optimum, far fewer L-BFGS iterations.
    const warm = options.members.map(() => ({}) as { flat?: Float64Array });
    const byStrength = options.l2Grid.map((l2, g) => ({ l2, g })).sort((a, b) => b.l2 - a.l2);
    byStrength.forEach(({ l2, g }) => {
      const linear = options.members
        .filter((m) => m.kind === 'linear')
        .map((m, j) => trainMember(trainSet, m, l2, warm[j]));
      const logits = ensembleLogits([...linear, ...fixed], test.x, test.rows);
      testIdx.forEach((row, i) =>
        oofLogits[g].set(logits.subarray(i * CLASSES, (i + 1) * CLASSES), row * CLASSES),
      );
    });
    log(`  inner fold ${f + 1}/${options.innerFolds} done`);
  }
  const primaryIdx = rows.flatMap((r, i) => (r.condition === options.primaryCondition ? [i] : []));
  const primaryY = Int32Array.from(primaryIdx, (i) => labels[i]);
  const primaryLogits = (g: number): Float64Array => {
    const sub = new Float64Array(primaryIdx.length * CLASSES);
    primaryIdx.forEach((row, i) =>
      sub.set(oofLogits[g].subarray(row * CLASSES, (row + 1) * CLASSES), i * CLASSES),
    );
    return sub;
  };
  let bestG = 0;
  let bestUar = -1;
  options.l2Grid.forEach((l2, g) => {
    const uar = unweightedAverageRecall(primaryY, argmaxRows(primaryLogits(g), primaryIdx.length), CLASSES);
    log(`  inner CV l2=${l2}: UAR ${uar.toFixed(3)}`);
    if (uar > bestUar + 1e-9) {
      bestUar = uar;
      bestG = g;
    }
  });
  return {
    l2: options.l2Grid[bestG],
    temperature: round(fitTemperature(primaryLogits(bestG), primaryY, CLASSES)),
    innerCvUar: round(bestUar),
  };
}

/**
 * Calm-start correction (README "Speaker baseline"): per training speaker (primary condition),
 * offset of the neutral mean from the all-utterance mean in all-utterance std units, and the ratio
 * of the stds; averaged over speakers. Uses the training speakers' labels only.
 */
function calmStart(
  rows: readonly FeatureRow[],
  options: FitOptions,
): { offset: number[]; stdRatio: number[] } {
  const nf = options.featureNames.length;
  const neutral = EMOTION_LABELS.indexOf('neutral');
  const primary = rows.filter((r) => r.condition === options.primaryCondition);
  const speakers = [...new Set(primary.map((r) => r.speaker))].sort();
  const offset = new Array<number>(nf).fill(0);
  const stdRatio = new Array<number>(nf).fill(0);
  for (const s of speakers) {
    const mine = primary.filter((r) => r.speaker === s);
    const all = columnStats(
      mine.map((r) => r.functionals),
      nf,
    );
    const calm = columnStats(
      mine.filter((r) => r.label === neutral).map((r) => r.functionals),
      nf,
    );
    for (let d = 0; d < nf; d++) {
      offset[d] += (calm.mean[d] - all.mean[d]) / all.std[d] / speakers.length;
      stdRatio[d] += Math.min(1.5, Math.max(0.3, calm.std[d] / all.std[d])) / speakers.length;
    }
  }
  return { offset: offset.map(round), stdRatio: stdRatio.map(round) };
}

/** The model trained on all `rows` with given hyperparameters. */
export function fitFinal(
  rows: readonly FeatureRow[],
  options: FitOptions,
  hp: Hyperparameters,
  n: Normalised = normaliseRows(rows, options),
): EmotionModel {
  const { z, labels, baseline, evidencePop } = n;
  const { l2, temperature, innerCvUar } = hp;
  const nf = options.featureNames.length;
  const t = inputTransform(z, nf, options.clip);
  const all = dataset(prepare(z, t.index, options.clip, t.mean, t.std), labels);
  const members = options.members.map((m) => trainMember(all, m, l2).json);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: options.name,
    labels: [...EMOTION_LABELS],
    featureNames: [...options.featureNames],
    baseline: {
      priorMean: baseline.priorMean.map(round),
      priorStd: baseline.priorStd.map(round),
      priorWeight: baseline.priorWeight,
      minStd: baseline.minStd.map(round),
    },
    evidenceBaseline: { priorMean: evidencePop.mean.map(round), priorStd: evidencePop.std.map(round) },
    inputs: { index: t.index, clip: options.clip, mean: t.mean.map(round), std: t.std.map(round) },
    members,
    temperature,
    thresholds: options.thresholds,
    calmStart: calmStart(rows, options),
    training: {
      ...options.training,
      l2,
      innerCvUar,
      rows: rows.length,
      speakers: [...new Set(rows.map((r) => r.speaker))].sort(),
    },
  };
}

/** Hyperparameters by inner CV, then the final fit: the whole training recipe. */
export function fitEmotionModel(rows: readonly FeatureRow[], options: FitOptions): EmotionModel {
  const n = normaliseRows(rows, options);
  return fitFinal(rows, options, chooseHyperparameters(rows, options, n), n);
}
