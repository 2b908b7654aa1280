// Multinomial logistic regression with L2 and per-sample weights, fitted by L-BFGS.
// Deterministic (zero start, no randomness). Pure, no I/O.
import { minimizeLbfgs } from './lbfgs.ts';

/** Row-major design matrix with labels and sample weights. */
export interface Dataset {
  x: Float64Array;
  rows: number;
  dims: number;
  y: Int32Array;
  weight: Float64Array;
  classes: number;
}

export interface LinearParams {
  /** classes × dims, row-major. */
  weights: Float64Array;
  bias: Float64Array;
  /** Weights then biases, as L-BFGS sees them (for warm starts). */
  flat?: Float64Array;
}

export interface SoftmaxRegressionOptions {
  l2: number;
  maxIterations?: number;
  /** Start point (weights then biases), e.g. the solution at a neighbouring L2; default zeros. */
  init?: Float64Array;
}

/** Sample weights that give every class the same total weight (for unweighted average recall). */
export function balancedWeights(y: Int32Array, classes: number): Float64Array {
  const counts = new Float64Array(classes);
  for (const c of y) counts[c]++;
  const w = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) w[i] = y.length / (classes * counts[y[i]]);
  return w;
}

export function trainSoftmaxRegression(data: Dataset, options: SoftmaxRegressionOptions): LinearParams {
  const { x, rows, dims, y, weight, classes } = data;
  const nParams = classes * dims + classes;
  let totalWeight = 0;
  for (let i = 0; i < rows; i++) totalWeight += weight[i];
  const logits = new Float64Array(classes);
  const objective = (p: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const biasOff = classes * dims;
    for (let i = 0; i < rows; i++) {
      const row = i * dims;
      let max = -Infinity;
      for (let k = 0; k < classes; k++) {
        let s = p[biasOff + k];
        const wk = k * dims;
        for (let d = 0; d < dims; d++) s += p[wk + d] * x[row + d];
        logits[k] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let k = 0; k < classes; k++) {
        logits[k] = Math.exp(logits[k] - max);
        sum += logits[k];
      }
      const wi = weight[i] / totalWeight;
      loss -= wi * Math.log(Math.max(logits[y[i]] / sum, 1e-300));
      for (let k = 0; k < classes; k++) {
        const r = wi * (logits[k] / sum - (k === y[i] ? 1 : 0));
        if (r === 0) continue;
        const wk = k * dims;
        for (let d = 0; d < dims; d++) grad[wk + d] += r * x[row + d];
        grad[biasOff + k] += r;
      }
    }
    for (let j = 0; j < classes * dims; j++) {
      loss += 0.5 * options.l2 * p[j] * p[j];
      grad[j] += options.l2 * p[j];
    }
    return loss;
  };
  const p = minimizeLbfgs(objective, options.init ?? new Float64Array(nParams), {
    maxIterations: options.maxIterations ?? 400,
    gradTolerance: 1e-7,
  });
  return { weights: p.slice(0, classes * dims), bias: p.slice(classes * dims), flat: p };
}

/** Logits of every row: rows × classes. */
export function linearLogits(
  params: LinearParams,
  x: Float64Array,
  rows: number,
  dims: number,
): Float64Array {
  const classes = params.bias.length;
  const out = new Float64Array(rows * classes);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < classes; k++) {
      let s = params.bias[k];
      for (let d = 0; d < dims; d++) s += params.weights[k * dims + d] * x[i * dims + d];
      out[i * classes + k] = s;
    }
  }
  return out;
}
