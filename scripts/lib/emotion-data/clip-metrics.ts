// Clip-level figures of the emotion evaluation: class UAR over the classes a corpus has (arg-max
// over all of the product's classes), arousal and valence UAR, confusion, calibration, and the
// accuracy of the confident answers. No I/O.
import {
  confusionMatrix,
  expectedCalibrationError,
  unweightedAverageRecall,
} from '../../../pipelines/emotion/train/metrics.ts';
import { EMOTION_LABELS } from '../../../pipelines/emotion/types.ts';
import type { ClipScore } from './score.ts';

const K = EMOTION_LABELS.length;
const argmax = (p: readonly number[]): number => p.reduce((b, v, k) => (v > p[b] ? k : b), 0);
const labelled = (s: readonly ClipScore[]): ClipScore[] => s.filter((x) => x.targets.label >= 0);

export function classUar(scores: readonly ClipScore[]): number | null {
  const l = labelled(scores);
  if (l.length === 0) return null;
  return unweightedAverageRecall(
    l.map((x) => x.targets.label),
    l.map((x) => argmax(x.probs)),
    K,
  );
}

export function chance(scores: readonly ClipScore[]): number | null {
  const classes = new Set(labelled(scores).map((x) => x.targets.label)).size;
  return classes === 0 ? null : 1 / classes;
}

export function binaryUar(scores: readonly ClipScore[], head: 'arousal' | 'valence'): number | null {
  const l = scores.filter((x) => x.targets[head] >= 0);
  if (l.length === 0) return null;
  return unweightedAverageRecall(
    l.map((x) => x.targets[head]),
    l.map((x) => (x[head] >= 0.5 ? 1 : 0)),
    2,
  );
}

export function confusion(scores: readonly ClipScore[]): number[][] {
  const l = labelled(scores);
  return confusionMatrix(
    l.map((x) => x.targets.label),
    l.map((x) => argmax(x.probs)),
    K,
  );
}

/** Calibration and the confident answers of the class decision (pooled clips with a class). */
export function confidenceFigures(scores: readonly ClipScore[], enterConfidence: number) {
  const l = labelled(scores);
  const conf = l.map((x) => Math.max(...x.probs));
  const right = l.map((x) => argmax(x.probs) === x.targets.label);
  const confident = l.flatMap((_, i) => (conf[i] >= enterConfidence ? [i] : []));
  return {
    ece: expectedCalibrationError(conf, right),
    uncertainShare: 1 - confident.length / Math.max(1, l.length),
    accuracyWhenConfident: confident.filter((i) => right[i]).length / Math.max(1, confident.length),
  };
}
