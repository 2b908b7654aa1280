// The training recipe of the emotion model (models/emotion-v2.json) from call-shaped data: the
// calm-speech population prior of the baseline, the live z-scores of every window (CallBaseline),
// input selection and standardisation, three heads (emotion, arousal, valence) whose L2 and
// temperature are chosen on inner leave-one-corpus-out predictions (so the confidence the model
// reports is calibrated on corpora it did not see), and the "uncertain" threshold at the share of
// those predictions set by the recipe. Deterministic. Pure, no I/O.
import { EVIDENCE_MEASURES } from '../evidence.ts';
import { MODEL_FORMAT, MODEL_VERSION } from '../model-file.ts';
import type { BinaryHead, EmotionModel } from '../model-file.ts';
import { EMOTION_LABELS } from '../types.ts';
import { averagedNll, forEachAveraged } from './averaged-probabilities.ts';
import { callInputRows, clippedZ } from './call-data.ts';
import type { InputRow, TrainingCall } from './call-data.ts';
import { fitHead, HEAD_CLASSES, headDataset, HEADS, labelledRows, pickRows, targetOf } from './heads.ts';
import type { DesignMatrix, FittedHead, HeadName } from './heads.ts';
import { trainMember } from './members.ts';
import type { TrainedMember } from './members.ts';
import { unweightedAverageRecall } from './metrics.ts';
import type { MlpOptions } from './mlp.ts';
import { columnStats } from './column-stats.ts';
import { fitTemperature, minimiseOverTemperature } from './temperature.ts';

export interface CallFitOptions {
  name: string;
  featureNames: readonly string[];
  l2Grid: readonly number[];
  /**
   * Functionals never used as inputs (a regular expression over their names): those that carry
   * the microphone, the room or the line level rather than the voice (README, "Inputs").
   */
  excludeInputs: string;
  priorWeight: number;
  /**
   * Context inputs: the mean of the last this-many speech windows' inputs beside the window's own
   * (recent-mean.ts); 0 = none.
   */
  contextWindows: number;
  learnWindows: number;
  learnMinSpeech: number;
  clip: number;
  minSpeechFraction: number;
  /** Share of inner out-of-corpus judged clips whose confidence falls below the "enter" threshold. */
  uncertainShare: number;
  /**
   * Hysteresis: stayConfidence = enter − stayMargin·(enter − 1/classes), a share of the way from
   * the enter threshold down to a coin toss among the classes (never below it).
   */
  stayMargin: number;
  dwellWindows: number;
  /**
   * A one-hidden-layer network beside the emotion head's softmax regression (logits averaged);
   * null = the regression alone. Its settings are fixed in advance, not chosen by the folds.
   */
  emotionMlp: MlpOptions | null;
  /** Weight of the newest speech window in the class-probability average (probability-average.ts). */
  probabilitySmoothing: number;
  training: Record<string, unknown>;
  log?: (message: string) => void;
}

const round = (v: number): number => Number(v.toPrecision(7));

/** Population prior of the baseline: calm speech (calm starts and neutral clips) of the training calls. */
export function calmPrior(calls: readonly TrainingCall[], options: CallFitOptions) {
  const neutral = EMOTION_LABELS.indexOf('neutral');
  const calm = calls.flatMap((c) =>
    c.augmented
      ? []
      : c.windows.filter(
          (w) =>
            w.speechFraction >= options.learnMinSpeech &&
            w.clip >= 0 &&
            (w.calmStart || c.clips[w.clip].label === neutral),
        ),
  );
  const nf = options.featureNames.length;
  const f = columnStats(
    calm.map((w) => w.functionals),
    nf,
  );
  const m = columnStats(
    calm.map((w) => w.measures),
    EVIDENCE_MEASURES.length,
  );
  return {
    baseline: {
      priorMean: f.mean.map(round),
      priorStd: f.std.map(round),
      priorWeight: options.priorWeight,
      minStd: f.std.map((s) => round(0.1 * s)),
      learnWindows: options.learnWindows,
      learnMinSpeech: options.learnMinSpeech,
    },
    evidenceBaseline: { priorMean: m.mean.map(round), priorStd: m.std.map(round) },
  };
}

export interface InputTransform {
  index: number[];
  clip: number;
  mean: number[];
  std: number[];
  /** Standardisation of the context inputs (same functionals, recent mean), when the recipe has them. */
  context?: { windows: number; mean: number[]; std: number[] };
}

/** Inputs kept (not excluded, defined in at least half the rows) and their standardisation. */
export function inputTransform(
  rows: readonly InputRow[],
  names: readonly string[],
  clip: number,
  exclude: RegExp,
  contextWindows = 0,
): InputTransform {
  const nf = names.length;
  const finite = columnStats(
    rows.map((r) => r.z),
    nf,
  ).finiteShare;
  const index: number[] = [];
  for (let d = 0; d < nf; d++) if (finite[d] >= 0.5 && !exclude.test(names[d])) index.push(d);
  const stats = columnStats(
    rows.map((r) => Float64Array.from(index, (d) => clippedZ(r.z[d], clip))),
    index.length,
  );
  const transform: InputTransform = { index, clip, mean: stats.mean.map(round), std: stats.std.map(round) };
  if (contextWindows > 0) {
    const c = columnStats(
      rows.map((r) => Float64Array.from(index, (d) => r.context[d])),
      index.length,
    );
    transform.context = { windows: contextWindows, mean: c.mean.map(round), std: c.std.map(round) };
  }
  return transform;
}

export function designMatrix(rows: readonly InputRow[], t: InputTransform): DesignMatrix {
  const ni = t.index.length;
  const c = t.context;
  const dims = c ? 2 * ni : ni;
  const x = new Float64Array(rows.length * dims);
  rows.forEach((r, i) => {
    for (let j = 0; j < ni; j++) x[i * dims + j] = (clippedZ(r.z[t.index[j]], t.clip) - t.mean[j]) / t.std[j];
    if (c) for (let j = 0; j < ni; j++) x[i * dims + ni + j] = (r.context[t.index[j]] - c.mean[j]) / c.std[j];
  });
  return {
    x,
    rows: rows.length,
    dims,
    corpus: rows.map((r) => r.corpus),
    targets: rows.map((r) => r.targets),
    augmented: rows.map((r) => r.augmented),
  };
}

interface HeadChoice {
  l2: number;
  temperature: number;
  innerUar: number;
}

const argmax = (v: Float64Array, off: number, n: number): number => {
  let best = 0;
  for (let k = 1; k < n; k++) if (v[off + k] > v[off + best]) best = k;
  return best;
};

/** Mean over held-out corpora of the UAR of `logits` (rows of `m`, head targets). */
function meanCorpusUar(m: DesignMatrix, head: HeadName, logits: Float64Array): number {
  const k = HEAD_CLASSES[head];
  const byCorpus = new Map<string, { t: number[]; p: number[] }>();
  for (let i = 0; i < m.rows; i++) {
    const y = targetOf(m.targets[i], head);
    if (y < 0 || m.augmented[i]) continue;
    const e = byCorpus.get(m.corpus[i]) ?? { t: [], p: [] };
    e.t.push(y);
    e.p.push(argmax(logits, i * k, k));
    byCorpus.set(m.corpus[i], e);
  }
  const uars = [...byCorpus.values()].map((e) => unweightedAverageRecall(e.t, e.p, k));
  return uars.reduce((a, b) => a + b, 0) / Math.max(1, uars.length);
}

/**
 * Inner cross-validation over the training corpora (leave one corpus out; with a single corpus,
 * 5 speaker folds): per head, L2 by the mean per-corpus UAR of the out-of-fold logits, temperature
 * by their NLL; returns the emotion head's out-of-fold calibrated confidences too.
 */
function innerChoices(
  m: DesignMatrix,
  rows: readonly InputRow[],
  options: CallFitOptions,
): { choice: Record<HeadName, HeadChoice>; confidences: number[] } {
  const corpora = [...new Set(m.corpus)].sort();
  const groupOf: string[] =
    corpora.length >= 2 ? [...m.corpus] : rows.map((r) => String(hashFold(r.speaker, 5)));
  const groups = [...new Set(groupOf)].sort();
  const log = options.log ?? (() => {});
  const choice = {} as Record<HeadName, HeadChoice>;
  let confidences: number[] = [];
  for (const head of HEADS) {
    const k = HEAD_CLASSES[head];
    const oof = options.l2Grid.map(() => new Float64Array(m.rows * k));
    for (const g of groups) {
      const trainIdx: number[] = [];
      const testIdx: number[] = [];
      for (let i = 0; i < m.rows; i++) (groupOf[i] === g ? testIdx : trainIdx).push(i);
      const train = pickRows(m, trainIdx);
      const test = pickRows(m, testIdx);
      if (labelledRows(train, head).length === 0) continue;
      let warm: Float64Array | undefined;
      // Strongest L2 first, each fit warm-started from the previous (same optimum, fewer steps).
      const order = options.l2Grid.map((l2, gi) => ({ l2, gi })).sort((a, b) => b.l2 - a.l2);
      for (const { l2, gi } of order) {
        const fitted: FittedHead = fitHead(train, head, l2, warm);
        warm = fitted.params.flat;
        const logits = fitted.logits(test.x, test.rows);
        testIdx.forEach((row, i) => oof[gi].set(logits.subarray(i * k, (i + 1) * k), row * k));
      }
    }
    let best = 0;
    let bestUar = -1;
    options.l2Grid.forEach((l2, gi) => {
      const uar = meanCorpusUar(m, head, oof[gi]);
      log(`  inner ${head} l2=${l2}: mean UAR ${uar.toFixed(3)}`);
      if (uar > bestUar + 1e-9) {
        bestUar = uar;
        best = gi;
      }
    });
    const headOof =
      head === 'emotion' && options.emotionMlp
        ? withMlp(oof[best], m, groupOf, options.emotionMlp)
        : oof[best];
    const labelled = labelledRows(m, head);
    const logits = new Float64Array(labelled.length * k);
    labelled.forEach((r, i) => logits.set(headOof.subarray(r * k, (r + 1) * k), i * k));
    const y = Int32Array.from(labelled, (r) => targetOf(m.targets[r], head));
    // The emotion head's probabilities are shown averaged over the caller's windows: its
    // temperature makes that average calibrated (the single-window temperature left it
    // underconfident: the average of several windows is right more often than one window).
    const smoothing = options.probabilitySmoothing;
    const temperature = round(
      head === 'emotion' && smoothing < 1
        ? minimiseOverTemperature((t) => averagedNll(rows, headOof, k, t, smoothing))
        : fitTemperature(logits, y, k),
    );
    choice[head] = { l2: options.l2Grid[best], temperature, innerUar: round(bestUar) };
    if (head === 'emotion')
      confidences = clipConfidences(rows, headOof, temperature, options.probabilitySmoothing);
  }
  return { choice, confidences };
}

/**
 * The emotion head's out-of-fold logits with the MLP member: per inner fold the network is trained
 * on the other groups and its logits averaged with the regression's (as the scorer does live).
 */
function withMlp(
  linearOof: Float64Array,
  m: DesignMatrix,
  groupOf: readonly string[],
  spec: MlpOptions,
): Float64Array {
  const k = HEAD_CLASSES.emotion;
  const out = Float64Array.from(linearOof);
  for (const g of [...new Set(groupOf)].sort()) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    for (let i = 0; i < m.rows; i++) (groupOf[i] === g ? testIdx : trainIdx).push(i);
    const data = headDataset(pickRows(m, trainIdx), 'emotion');
    if (data.rows === 0) continue;
    const test = pickRows(m, testIdx);
    const logits = trainMember(data, { kind: 'mlp', ...spec }, 0).logits(test.x, test.rows);
    testIdx.forEach((row, i) => {
      for (let j = 0; j < k; j++) out[row * k + j] = (linearOof[row * k + j] + logits[i * k + j]) / 2;
    });
  }
  return out;
}

function hashFold(s: string, folds: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) % folds;
}

/**
 * Out-of-fold confidence of every judged clip (after the calm start) with a class: the top of the
 * mean of the probabilities the tracker would report in the windows centred in it, as the
 * evaluation judges a clip.
 */
function clipConfidences(
  rows: readonly InputRow[],
  logits: Float64Array,
  temperature: number,
  smoothing: number,
): number[] {
  const k = HEAD_CLASSES.emotion;
  const sums = new Map<string, Float64Array>();
  forEachAveraged(rows, logits, k, temperature, smoothing, (i, mean) => {
    const r = rows[i];
    if (r.calmStart || r.targets.label < 0) return;
    const key = `${r.call}:${r.clip}`;
    const acc = sums.get(key) ?? new Float64Array(k + 1);
    for (let j = 0; j < k; j++) acc[j] += mean[j];
    acc[k] += 1;
    sums.set(key, acc);
  });
  return [...sums.values()].map((acc) => {
    let best = 0;
    for (let j = 0; j < k; j++) best = Math.max(best, acc[j] / acc[k]);
    return best;
  });
}

/** A 2-class softmax head as one logit: weight and bias differences (class 1 − class 0). */
function binaryHead(head: FittedHead, dims: number, temperature: number): BinaryHead {
  const w = head.params.weights;
  const b = head.params.bias;
  return {
    weights: Array.from({ length: dims }, (_, d) => round(w[dims + d] - w[d])),
    bias: round(b[1] - b[0]),
    temperature,
  };
}

/** The whole recipe: data in, validated-shape model out. */
export function fitCallModel(calls: readonly TrainingCall[], options: CallFitOptions): EmotionModel {
  const prior = calmPrior(calls, options);
  const rows = callInputRows(calls, prior.baseline, {
    minSpeechFraction: options.minSpeechFraction,
    contextWindows: options.contextWindows,
    clip: options.clip,
  });
  const transform = inputTransform(
    rows,
    options.featureNames,
    options.clip,
    // An empty pattern excludes nothing (new RegExp('') would match every name).
    options.excludeInputs ? new RegExp(options.excludeInputs) : /(?!)/,
    options.contextWindows,
  );
  const m = designMatrix(rows, transform);
  const { choice, confidences } = innerChoices(m, rows, options);
  const sorted = [...confidences].sort((a, b) => a - b);
  const enter = round(sorted[Math.floor(options.uncertainShare * (sorted.length - 1))] ?? 0.5);
  const fitted = Object.fromEntries(HEADS.map((h) => [h, fitHead(m, h, choice[h].l2)])) as Record<
    HeadName,
    FittedHead
  >;
  const dims = m.dims;
  const classes = EMOTION_LABELS.length;
  const ew = fitted.emotion.params.weights;
  const mlp: TrainedMember | null = options.emotionMlp
    ? trainMember(headDataset(m, 'emotion'), { kind: 'mlp', ...options.emotionMlp }, 0)
    : null;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: options.name,
    labels: [...EMOTION_LABELS],
    featureNames: [...options.featureNames],
    baseline: prior.baseline,
    evidenceBaseline: prior.evidenceBaseline,
    inputs: transform,
    emotion: {
      members: [
        {
          kind: 'linear',
          weights: Array.from({ length: classes }, (_, k) =>
            Array.from(ew.subarray(k * dims, (k + 1) * dims), round),
          ),
          bias: Array.from(fitted.emotion.params.bias, round),
        },
        ...(mlp ? [mlp.json] : []),
      ],
      temperature: choice.emotion.temperature,
    },
    arousal: binaryHead(fitted.arousal, dims, choice.arousal.temperature),
    valence: binaryHead(fitted.valence, dims, choice.valence.temperature),
    thresholds: {
      minSpeechFraction: options.minSpeechFraction,
      enterConfidence: enter,
      stayConfidence: round(enter - options.stayMargin * Math.max(0, enter - 1 / classes)),
      dwellWindows: options.dwellWindows,
      probabilitySmoothing: options.probabilitySmoothing,
    },
    training: {
      ...options.training,
      heads: choice,
      rows: rows.length,
      corpora: [...new Set(calls.map((c) => c.corpus))].sort(),
      // Speakers, not calls: the noise and quiet copies of a speaker's call are calls too.
      speakers: new Set(calls.map((c) => `${c.corpus}\u0000${c.speaker}`)).size,
    },
  };
}
