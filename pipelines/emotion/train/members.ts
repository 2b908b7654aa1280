// Training of the model's ensemble members (softmax regression, small MLPs) from a prepared
// dataset, returning their model-file form and held-out logits. Pure, no I/O.
import type { ModelMember } from '../model-file.ts';
import { mlpLogits, trainMlp } from './mlp.ts';
import type { MlpOptions } from './mlp.ts';
import { linearLogits, trainSoftmaxRegression } from './softmax-regression.ts';
import type { Dataset } from './softmax-regression.ts';

export type MemberSpec = { kind: 'linear' } | ({ kind: 'mlp' } & MlpOptions);

export interface TrainedMember {
  json: ModelMember;
  logits(x: Float64Array, rows: number): Float64Array;
}

const round = (v: number): number => Number(v.toPrecision(7));
const matrix = (flat: Float64Array, rows: number, cols: number): number[][] =>
  Array.from({ length: rows }, (_, r) => Array.from(flat.subarray(r * cols, (r + 1) * cols), round));

/** Trains one member; `l2` (chosen by inner CV) applies to linear members, MLPs carry their own. */
export function trainMember(
  data: Dataset,
  spec: MemberSpec,
  l2: number,
  warm?: { flat?: Float64Array },
): TrainedMember {
  const { dims, classes } = data;
  if (spec.kind === 'linear') {
    const p = trainSoftmaxRegression(data, { l2, init: warm?.flat });
    if (warm) warm.flat = p.flat;
    return {
      json: { kind: 'linear', weights: matrix(p.weights, classes, dims), bias: Array.from(p.bias, round) },
      logits: (x, rows) => linearLogits(p, x, rows, dims),
    };
  }
  const p = trainMlp(data, spec);
  return {
    json: {
      kind: 'mlp',
      hiddenWeights: matrix(p.w1, p.hidden, dims),
      hiddenBias: Array.from(p.b1, round),
      outputWeights: matrix(p.w2, classes, p.hidden),
      outputBias: Array.from(p.b2, round),
    },
    logits: (x, rows) => mlpLogits(p, x, rows, dims),
  };
}

/** Mean of the members' logits (what the scorer computes before the temperature). */
export function ensembleLogits(
  members: readonly TrainedMember[],
  x: Float64Array,
  rows: number,
): Float64Array {
  const parts = members.map((m) => m.logits(x, rows));
  const out = new Float64Array(parts[0].length);
  for (const p of parts) for (let i = 0; i < out.length; i++) out[i] += p[i] / parts.length;
  return out;
}
