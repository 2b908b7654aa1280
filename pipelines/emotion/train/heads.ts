// The model's three heads fitted on input rows: emotion (7 classes), arousal (high/low), valence
// (positive/negative), each a regularised softmax regression with sample weights that give every
// (corpus, target) cell the same total weight, so no corpus or class dominates. Pure, no I/O.
import { EMOTION_LABELS } from '../types.ts';
import type { ClipTargets } from './call-data.ts';
import { linearLogits, trainSoftmaxRegression } from './softmax-regression.ts';
import type { Dataset, LinearParams } from './softmax-regression.ts';

export const HEADS = ['emotion', 'arousal', 'valence'] as const;
export type HeadName = (typeof HEADS)[number];

export const HEAD_CLASSES: Record<HeadName, number> = {
  emotion: EMOTION_LABELS.length,
  arousal: 2,
  valence: 2,
};

export interface DesignMatrix {
  x: Float64Array;
  rows: number;
  dims: number;
  corpus: readonly string[];
  targets: readonly ClipTargets[];
  /** Augmented rows (heads.ts AUGMENTED_HEADS learn from them; no head is judged on them). */
  augmented: readonly boolean[];
}

/** The heads that learn from augmented rows: arousal must hold on a noisy line. */
export const AUGMENTED_HEADS: readonly HeadName[] = ['arousal'];

/** Rows of `m` whose target of `head` is known (augmented ones only when `withAugmented`). */
export function labelledRows(m: DesignMatrix, head: HeadName, withAugmented = false): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.rows; i++) {
    if (m.augmented[i] && !withAugmented) continue;
    if (m.targets[i][head === 'emotion' ? 'label' : head] >= 0) out.push(i);
  }
  return out;
}

export function targetOf(t: ClipTargets, head: HeadName): number {
  return head === 'emotion' ? t.label : t[head];
}

/** Sub-matrix of rows `idx`. */
export function pickRows(m: DesignMatrix, idx: readonly number[]): DesignMatrix {
  const x = new Float64Array(idx.length * m.dims);
  idx.forEach((r, i) => x.set(m.x.subarray(r * m.dims, (r + 1) * m.dims), i * m.dims));
  return {
    x,
    rows: idx.length,
    dims: m.dims,
    corpus: idx.map((r) => m.corpus[r]),
    targets: idx.map((r) => m.targets[r]),
    augmented: idx.map((r) => m.augmented[r]),
  };
}

/** Weights giving each (corpus, target) cell equal total weight; mean weight 1. */
export function cellWeights(corpus: readonly string[], y: Int32Array): Float64Array {
  const counts = new Map<string, number>();
  const key = (i: number): string => `${corpus[i]}\u0000${y[i]}`;
  for (let i = 0; i < y.length; i++) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  const w = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) w[i] = y.length / (counts.size * counts.get(key(i))!);
  return w;
}

export interface FittedHead {
  params: LinearParams;
  logits(x: Float64Array, rows: number): Float64Array;
}

/** The training set of one head: the rows of `m` where its target is known, cell-weighted. */
export function headDataset(m: DesignMatrix, head: HeadName): Dataset {
  const sub = pickRows(m, labelledRows(m, head, AUGMENTED_HEADS.includes(head)));
  const y = Int32Array.from(sub.targets, (t) => targetOf(t, head));
  return {
    x: sub.x,
    rows: sub.rows,
    dims: sub.dims,
    y,
    weight: cellWeights(sub.corpus, y),
    classes: HEAD_CLASSES[head],
  };
}

/** Fits one head (softmax regression) on the rows of `m` where its target is known. */
export function fitHead(m: DesignMatrix, head: HeadName, l2: number, init?: Float64Array): FittedHead {
  const params = trainSoftmaxRegression(headDataset(m, head), { l2, init });
  return { params, logits: (x, rows) => linearLogits(params, x, rows, m.dims) };
}
