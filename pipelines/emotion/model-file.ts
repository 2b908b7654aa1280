// The versioned emotion model file (models/emotion-v2.json): its shape and a validating parser
// that rejects bad files with a typed EmotionError code. Pure, no I/O (callers read the file).
import { z } from 'zod';
import { FUNCTIONAL_NAMES } from '../dsp/functionals.ts';
import { EmotionError } from './errors.ts';
import { EMOTION_LABELS } from './types.ts';
import type { EmotionLabel } from './types.ts';

export const MODEL_FORMAT = 'voice-analytics/emotion-model';
/** 2: call-shaped training, calm-start baseline, separate arousal and valence heads. */
export const MODEL_VERSION = 2;

const finite = z.number();
const vector = z.array(finite);
const matrix = z.array(vector);

const linearMember = z.object({ kind: z.literal('linear'), weights: matrix, bias: vector });
const mlpMember = z.object({
  kind: z.literal('mlp'),
  hiddenWeights: matrix,
  hiddenBias: vector,
  outputWeights: matrix,
  outputBias: vector,
});

const binaryHead = z.object({ weights: vector, bias: finite, temperature: finite });

const schema = z.object({
  format: z.string(),
  version: z.number(),
  name: z.string().min(1),
  labels: z.array(z.string()),
  /** Names of SpeakerWindow.functionals at training time (FUNCTIONAL_NAMES); windows must match. */
  featureNames: z.array(z.string()).min(1),
  /**
   * The call's calm-start baseline (call-baseline.ts): population prior of calm speech over every
   * functional, its weight in windows, std floor, how many speech windows it learns.
   */
  baseline: z.object({
    priorMean: vector,
    priorStd: vector,
    priorWeight: finite,
    minStd: vector,
    learnWindows: z.number().int().min(0),
    learnMinSpeech: finite,
  }),
  /** Baseline prior of the evidence measures (see evidence.ts EVIDENCE_MEASURES order). */
  evidenceBaseline: z.object({ priorMean: vector, priorStd: vector }),
  /**
   * Model inputs: functionals used (indices), clip of the speaker z-scores, then standardisation;
   * with `context`, the same inputs' mean over the last `windows` speech windows follows them
   * (recent-mean.ts), standardised by its own mean and std: the heads then have 2 × index inputs.
   */
  inputs: z.object({
    index: z.array(z.number().int()),
    clip: finite,
    mean: vector,
    std: vector,
    context: z.object({ windows: z.number().int().min(1).max(600), mean: vector, std: vector }).optional(),
  }),
  /** The 7-class head: ensemble members (logits averaged), divided by the temperature. */
  emotion: z.object({
    members: z.array(z.discriminatedUnion('kind', [linearMember, mlpMember])).min(1),
    temperature: finite,
  }),
  /** Binary heads: P(high arousal), P(positive valence) = sigmoid((w·x + b) / temperature). */
  arousal: binaryHead,
  valence: binaryHead,
  thresholds: z.object({
    minSpeechFraction: finite,
    enterConfidence: finite,
    stayConfidence: finite,
    dwellWindows: z.number().int().min(1),
    /**
     * Weight of the newest speech window in the exponential average of the class probabilities
     * the state rests on (1 = each window alone; absent in older files = 1).
     */
    probabilitySmoothing: z.number().gt(0).lte(1).optional(),
  }),
  training: z.record(z.string(), z.unknown()),
});

export type EmotionModel = z.infer<typeof schema> & { labels: EmotionLabel[] };
export type ModelMember = EmotionModel['emotion']['members'][number];
export type BinaryHead = z.infer<typeof binaryHead>;

function fail(code: 'MODEL_DIMENSIONS' | 'MODEL_NOT_FINITE' | 'MODEL_FEATURES', message: string): never {
  throw new EmotionError(code, message);
}

function checkLength(what: string, got: number, want: number): void {
  if (got !== want) fail('MODEL_DIMENSIONS', `${what} has length ${got}, expected ${want}`);
}

function checkMatrix(what: string, m: number[][], rows: number, cols: number): void {
  checkLength(what, m.length, rows);
  m.forEach((row, i) => checkLength(`${what}[${i}]`, row.length, cols));
}

function checkFinite(value: unknown, path: string): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail('MODEL_NOT_FINITE', `${path} is not a finite number`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkFinite(v, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== 'training') checkFinite(v, `${path}.${k}`);
  }
}

/**
 * The model was trained on the functionals this DSP computes, in its order: a model with the same
 * count but other names (or another order) was taken, and read every window wrong without a word.
 */
export function checkFeatureNames(names: readonly string[]): void {
  if (names.length !== FUNCTIONAL_NAMES.length)
    fail(
      'MODEL_FEATURES',
      `model has ${names.length} featureNames, this release's DSP computes ${FUNCTIONAL_NAMES.length}`,
    );
  const i = names.findIndex((name, k) => name !== FUNCTIONAL_NAMES[k]);
  if (i >= 0)
    fail(
      'MODEL_FEATURES',
      `model featureNames[${i}] is "${names[i]}", this release's DSP computes "${FUNCTIONAL_NAMES[i]}" there`,
    );
}

/** Validates a parsed JSON model file; throws EmotionError with a stable code on any defect. */
export function parseEmotionModel(json: unknown): EmotionModel {
  if (json === null || typeof json !== 'object')
    throw new EmotionError('MODEL_SHAPE', 'model is not an object');
  const head = json as { format?: unknown; version?: unknown };
  if (head.format !== MODEL_FORMAT)
    throw new EmotionError('MODEL_FORMAT', `model format is not ${MODEL_FORMAT}`);
  if (head.version !== MODEL_VERSION) {
    throw new EmotionError('MODEL_VERSION', `model version ${String(head.version)} is not supported`);
  }
  // JSON cannot carry NaN/Infinity, but an in-memory object can: check before zod (which rejects them).
  checkFinite(json, 'model');
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EmotionError('MODEL_SHAPE', `model ${issue.path.join('.')}: ${issue.message}`, {
      cause: parsed.error,
    });
  }
  const m = parsed.data;
  if (m.labels.length !== EMOTION_LABELS.length || m.labels.some((l, i) => l !== EMOTION_LABELS[i])) {
    throw new EmotionError('MODEL_LABELS', `model labels must be ${EMOTION_LABELS.join(',')}`);
  }
  const nf = m.featureNames.length;
  for (const key of ['priorMean', 'priorStd', 'minStd'] as const)
    checkLength(`baseline.${key}`, m.baseline[key].length, nf);
  checkLength(
    'evidenceBaseline.priorStd',
    m.evidenceBaseline.priorStd.length,
    m.evidenceBaseline.priorMean.length,
  );
  const ni = m.inputs.index.length;
  if (ni === 0) fail('MODEL_DIMENSIONS', 'inputs.index is empty');
  for (const i of m.inputs.index)
    if (i < 0 || i >= nf) fail('MODEL_DIMENSIONS', `inputs.index ${i} out of range`);
  checkLength('inputs.mean', m.inputs.mean.length, ni);
  checkLength('inputs.std', m.inputs.std.length, ni);
  const context = m.inputs.context;
  if (context) {
    checkLength('inputs.context.mean', context.mean.length, ni);
    checkLength('inputs.context.std', context.std.length, ni);
  }
  const stds = [...m.inputs.std, ...(context?.std ?? []), ...m.baseline.priorStd];
  if (stds.some((s) => s <= 0)) fail('MODEL_DIMENSIONS', 'standard deviations must be positive');
  // The heads' inputs: the window's own, then (with context) the recent means.
  const dims = context ? 2 * ni : ni;
  for (const t of [m.emotion.temperature, m.arousal.temperature, m.valence.temperature])
    if (!(t > 0)) fail('MODEL_DIMENSIONS', 'temperatures must be positive');
  checkLength('arousal.weights', m.arousal.weights.length, dims);
  checkLength('valence.weights', m.valence.weights.length, dims);
  const nc = EMOTION_LABELS.length;
  m.emotion.members.forEach((member, j) => {
    if (member.kind === 'linear') {
      checkMatrix(`emotion.members[${j}].weights`, member.weights, nc, dims);
      checkLength(`emotion.members[${j}].bias`, member.bias.length, nc);
    } else {
      const nh = member.hiddenBias.length;
      checkMatrix(`emotion.members[${j}].hiddenWeights`, member.hiddenWeights, nh, dims);
      checkMatrix(`emotion.members[${j}].outputWeights`, member.outputWeights, nc, nh);
      checkLength(`emotion.members[${j}].outputBias`, member.outputBias.length, nc);
    }
  });
  return m as EmotionModel;
}

/** A model file for this release's DSP: parseEmotionModel, then its featureNames against FUNCTIONAL_NAMES. */
export function parseDspEmotionModel(json: unknown): EmotionModel {
  const model = parseEmotionModel(json);
  checkFeatureNames(model.featureNames);
  return model;
}
