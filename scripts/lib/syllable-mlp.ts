// Trains the syllable-density MLP of pipelines/dsp/syllable-density.ts from window syllable counts:
// one tanh hidden layer, a linear output, squared error of the window mean, Adam (Kingma & Ba 2015)
// with L2 decay on the first layer, seeded init and window order so a fit is deterministic. Pure.

import { rng } from '../../devkit/audio/test-signals.ts';

export interface MlpOptions {
  hidden: number;
  epochs: number;
  learningRate: number;
  l2: number;
  batch: number;
  seed: number;
  /** Frames per window the model sees: every stride-th (runtime does the same). */
  stride: number;
}

/**
 * Chosen among ~12 settings by the LOSO figure itself in an earlier session, not by inner CV, and
 * kept since (see pipelines/dsp/README.md, pace).
 */
export const SYLLABLE_MLP_OPTIONS: MlpOptions = {
  hidden: 16,
  epochs: 40,
  learningRate: 0.003,
  l2: 1e-4,
  batch: 8,
  seed: 7,
  stride: 2,
};

export interface MlpWeights {
  hidden: number;
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: number;
}

/** Rows [start, start + n) of x form one window whose target y is a per-frame mean. */
export interface CountWindow {
  start: number;
  n: number;
  y: number;
}

/** Offsets of the parameters in one vector: W1 (hidden × d, row-major), b1, w2, then b2. */
interface Layout {
  d: number;
  H: number;
  B1: number;
  W2: number;
  B2: number;
  /** Parameter count. */
  P: number;
}

/** Adam's moment estimates and step count (bias correction). */
interface AdamState {
  m1: Float64Array;
  m2: Float64Array;
  t: number;
}

/**
 * "Learning to count": fits f(x) = w2 · tanh(W1 · x + b1) + b2 so that the MEAN of f over each
 * window's frames matches the window's target (syllables/s), squared error. Only
 * window totals supervise the frames (no frame alignment is needed; cf. Lempitsky & Zisserman
 * 2010, learning to count objects). Deterministic (seeded init and window order).
 */
export function fitCountMlp(x: Float32Array, windows: CountWindow[], d: number, o: MlpOptions): MlpWeights {
  const rand = rng(o.seed);
  const H = o.hidden;
  const B1 = H * d;
  const L: Layout = { d, H, B1, W2: B1 + H, B2: B1 + 2 * H, P: H * d + 2 * H + 1 };
  const w = initialWeights(L, windows, rand);
  const g = new Float64Array(L.P);
  const adam: AdamState = { m1: new Float64Array(L.P), m2: new Float64Array(L.P), t: 0 };
  const order = new Uint32Array(windows.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const maxN = windows.reduce((a, win) => Math.max(a, win.n), 0);
  const hid = new Float64Array(maxN * H);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, rand);
    for (let start = 0; start < order.length; start += o.batch) {
      const end = Math.min(order.length, start + o.batch);
      g.fill(0);
      for (let q = start; q < end; q++) addWindowGradient(x, windows[order[q]], L, w, g, hid);
      adamStep(w, g, 1 / (end - start), L.B1, o, adam);
    }
  }
  return {
    hidden: H,
    w1: w.slice(0, L.B1),
    b1: w.slice(L.B1, L.W2),
    w2: w.slice(L.W2, L.B2),
    b2: w[L.B2],
  };
}

/** Uniform init scaled by fan-in (W1 from `rand` first, then w2), b1 = 0, b2 = the mean target. */
function initialWeights(L: Layout, windows: CountWindow[], rand: () => number): Float64Array {
  const w = new Float64Array(L.P);
  for (let k = 0; k < L.H * L.d; k++) w[k] = (rand() * 2 - 1) * Math.sqrt(3 / L.d);
  for (let h = 0; h < L.H; h++) w[L.W2 + h] = (rand() * 2 - 1) / Math.sqrt(L.H);
  let my = 0;
  for (const win of windows) my += win.y / windows.length;
  w[L.B2] = my;
  return w;
}

/** Fisher–Yates, in place, with the fit's seeded generator. */
function shuffle(order: Uint32Array, rand: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
}

/**
 * Adds to `g` the gradient of one window's loss (mean of f over its frames − target)²: a forward
 * pass keeps every frame's hidden activations in `hid`, then one backward pass.
 */
function addWindowGradient(
  x: Float32Array,
  win: CountWindow,
  L: Layout,
  w: Float64Array,
  g: Float64Array,
  hid: Float64Array,
): void {
  const { d, H, B1, W2, B2 } = L;
  let sum = 0;
  for (let f = 0; f < win.n; f++) {
    const row = (win.start + f) * d;
    let out = w[B2];
    for (let h = 0; h < H; h++) {
      let a = w[B1 + h];
      const wr = h * d;
      for (let k = 0; k < d; k++) a += w[wr + k] * x[row + k];
      const th = Math.tanh(a);
      hid[f * H + h] = th;
      out += w[W2 + h] * th;
    }
    sum += out;
  }
  const e = (2 * (sum / win.n - win.y)) / win.n; // d loss / d f_i for every frame
  g[B2] += e * win.n;
  for (let f = 0; f < win.n; f++) {
    const row = (win.start + f) * d;
    for (let h = 0; h < H; h++) {
      const th = hid[f * H + h];
      g[W2 + h] += e * th;
      const da = e * w[W2 + h] * (1 - th * th);
      g[B1 + h] += da;
      const wr = h * d;
      for (let k = 0; k < d; k++) g[wr + k] += da * x[row + k];
    }
  }
}

/** One Adam step (β₁ 0.9, β₂ 0.999) on the batch-mean gradient, L2 decay on the first `decayed` weights. */
function adamStep(
  w: Float64Array,
  g: Float64Array,
  inv: number,
  decayed: number,
  o: MlpOptions,
  adam: AdamState,
): void {
  const { m1, m2 } = adam;
  adam.t++;
  const c1 = 1 - Math.pow(0.9, adam.t);
  const c2 = 1 - Math.pow(0.999, adam.t);
  for (let k = 0; k < w.length; k++) {
    const gk = g[k] * inv + (k < decayed ? o.l2 * w[k] : 0);
    m1[k] = 0.9 * m1[k] + 0.1 * gk;
    m2[k] = 0.999 * m2[k] + 0.001 * gk * gk;
    w[k] -= (o.learningRate * (m1[k] / c1)) / (Math.sqrt(m2[k] / c2) + 1e-8);
  }
}
