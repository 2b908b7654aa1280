// One-hidden-layer ReLU network with softmax output, trained by minibatch Adam (Kingma & Ba 2015)
// with weighted cross-entropy and L2 weight decay. Seeded init (He et al. 2015) and seeded batch
// order, so training is reproducible. Pure, no I/O.
import { createRng } from './rng.ts';
import type { Dataset } from './softmax-regression.ts';

export interface MlpParams {
  hidden: number;
  /** hidden × dims */
  w1: Float64Array;
  b1: Float64Array;
  /** classes × hidden */
  w2: Float64Array;
  b2: Float64Array;
}

export interface MlpOptions {
  hidden: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** Gaussian input noise std (a cheap regulariser for small data). */
  inputNoise?: number;
}

export function trainMlp(data: Dataset, o: MlpOptions): MlpParams {
  const { x, rows, dims, y, weight, classes } = data;
  const H = o.hidden;
  const rng = createRng(o.seed);
  const p: MlpParams = {
    hidden: H,
    w1: Float64Array.from({ length: H * dims }, () => rng.normal() * Math.sqrt(2 / dims)),
    b1: new Float64Array(H),
    w2: Float64Array.from({ length: classes * H }, () => rng.normal() * Math.sqrt(1 / H)),
    b2: new Float64Array(classes),
  };
  const tensors = [p.w1, p.b1, p.w2, p.b2];
  const grads = tensors.map((t) => new Float64Array(t.length));
  const m1 = tensors.map((t) => new Float64Array(t.length));
  const m2 = tensors.map((t) => new Float64Array(t.length));
  const [g1, gb1, g2, gb2] = grads;
  const xin = new Float64Array(dims);
  const h = new Float64Array(H);
  const dh = new Float64Array(H);
  const out = new Float64Array(classes);
  let meanWeight = 0;
  for (let i = 0; i < rows; i++) meanWeight += weight[i] / rows;
  const order = Array.from({ length: rows }, (_, i) => i);
  const beta1 = 0.9;
  const beta2 = 0.999;
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < rows; start += o.batchSize) {
      const end = Math.min(rows, start + o.batchSize);
      for (const g of grads) g.fill(0);
      const scale = 1 / ((end - start) * meanWeight);
      for (let b = start; b < end; b++) {
        const i = order[b];
        for (let d = 0; d < dims; d++)
          xin[d] = x[i * dims + d] + (o.inputNoise ? o.inputNoise * rng.normal() : 0);
        for (let u = 0; u < H; u++) {
          let s = p.b1[u];
          for (let d = 0; d < dims; d++) s += p.w1[u * dims + d] * xin[d];
          h[u] = s > 0 ? s : 0;
        }
        let max = -Infinity;
        for (let k = 0; k < classes; k++) {
          let s = p.b2[k];
          for (let u = 0; u < H; u++) s += p.w2[k * H + u] * h[u];
          out[k] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let k = 0; k < classes; k++) sum += out[k] = Math.exp(out[k] - max);
        dh.fill(0);
        const wi = weight[i] * scale;
        for (let k = 0; k < classes; k++) {
          const r = wi * (out[k] / sum - (k === y[i] ? 1 : 0));
          gb2[k] += r;
          for (let u = 0; u < H; u++) {
            g2[k * H + u] += r * h[u];
            dh[u] += r * p.w2[k * H + u];
          }
        }
        for (let u = 0; u < H; u++) {
          if (h[u] <= 0) continue;
          gb1[u] += dh[u];
          for (let d = 0; d < dims; d++) g1[u * dims + d] += dh[u] * xin[d];
        }
      }
      for (let j = 0; j < p.w1.length; j++) g1[j] += o.l2 * p.w1[j];
      for (let j = 0; j < p.w2.length; j++) g2[j] += o.l2 * p.w2[j];
      step++;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      tensors.forEach((t, ti) => {
        const g = grads[ti];
        const a = m1[ti];
        const v = m2[ti];
        for (let j = 0; j < t.length; j++) {
          a[j] = beta1 * a[j] + (1 - beta1) * g[j];
          v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
          t[j] -= (o.learningRate * (a[j] / c1)) / (Math.sqrt(v[j] / c2) + 1e-8);
        }
      });
    }
  }
  return p;
}

/** Logits of every row: rows × classes. */
export function mlpLogits(p: MlpParams, x: Float64Array, rows: number, dims: number): Float64Array {
  const classes = p.b2.length;
  const H = p.hidden;
  const h = new Float64Array(H);
  const outAll = new Float64Array(rows * classes);
  for (let i = 0; i < rows; i++) {
    for (let u = 0; u < H; u++) {
      let s = p.b1[u];
      for (let d = 0; d < dims; d++) s += p.w1[u * dims + d] * x[i * dims + d];
      h[u] = s > 0 ? s : 0;
    }
    for (let k = 0; k < classes; k++) {
      let s = p.b2[k];
      for (let u = 0; u < H; u++) s += p.w2[k * H + u] * h[u];
      outAll[i * classes + k] = s;
    }
  }
  return outAll;
}
