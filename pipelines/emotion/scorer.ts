// Forward pass of the emotion model: speaker z-scores -> selected, clipped, standardised inputs ->
// emotion head (ensemble of linear / one-hidden-layer members, logits averaged, temperature,
// softmax) and the arousal and valence heads (one calibrated logistic each).
// Pure, no I/O; all buffers preallocated, nothing allocated per window.
import type { EmotionModel } from './model-file.ts';
import { RecentMean } from './recent-mean.ts';

interface FlatMember {
  hidden: number;
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: Float64Array;
}

export interface Scorer {
  readonly classes: number;
  /**
   * Writes class probabilities into `probs` from the speaker z-scores of every functional. A
   * `speech` window (enough speech to be judged) joins the model's context inputs; others do not.
   */
  score(z: ArrayLike<number>, probs: Float64Array, speech: boolean): void;
  /** P(high arousal) of the inputs of the last `score` call. */
  arousal(): number;
  /** P(positive valence) of the inputs of the last `score` call. */
  valence(): number;
}

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

export function createScorer(model: EmotionModel): Scorer {
  const classes = model.labels.length;
  const index = Int32Array.from(model.inputs.index);
  const ni = index.length;
  const context = model.inputs.context;
  const dims = context ? 2 * ni : ni;
  const mean = Float64Array.from(model.inputs.mean);
  const invStd = Float64Array.from(model.inputs.std, (s) => 1 / s);
  const clip = model.inputs.clip;
  const recent = context ? new RecentMean(ni, context.windows) : null;
  const clipped = new Float64Array(ni);
  const contextMean = Float64Array.from(context?.mean ?? []);
  const contextInvStd = Float64Array.from(context?.std ?? [], (s) => 1 / s);
  const invT = 1 / model.emotion.temperature;
  const members: FlatMember[] = model.emotion.members.map((m) =>
    m.kind === 'linear'
      ? {
          hidden: 0,
          w1: new Float64Array(0),
          b1: new Float64Array(0),
          w2: Float64Array.from(m.weights.flat()),
          b2: Float64Array.from(m.bias),
        }
      : {
          hidden: m.hiddenBias.length,
          w1: Float64Array.from(m.hiddenWeights.flat()),
          b1: Float64Array.from(m.hiddenBias),
          w2: Float64Array.from(m.outputWeights.flat()),
          b2: Float64Array.from(m.outputBias),
        },
  );
  const x = new Float64Array(dims);
  const h = new Float64Array(Math.max(1, ...members.map((m) => m.hidden)));
  const logits = new Float64Array(classes);
  const binary = (head: EmotionModel['arousal']) => ({
    w: Float64Array.from(head.weights),
    b: head.bias,
    invT: 1 / head.temperature,
  });
  const heads = [binary(model.arousal), binary(model.valence)];
  const headOut = (k: number): number => {
    const h = heads[k];
    let s = h.b;
    for (let j = 0; j < dims; j++) s += h.w[j] * x[j];
    return sigmoid(s * h.invT);
  };
  return {
    classes,
    arousal: () => headOut(0),
    valence: () => headOut(1),
    score(z, probs, speech) {
      for (let j = 0; j < ni; j++) {
        let v = z[index[j]];
        if (!Number.isFinite(v)) v = 0; // undefined measure: assume the speaker's baseline
        v = v > clip ? clip : v < -clip ? -clip : v;
        clipped[j] = v;
        x[j] = (v - mean[j]) * invStd[j];
      }
      if (recent) {
        if (speech) recent.push(clipped);
        recent.mean(x, ni, clipped);
        for (let j = 0; j < ni; j++) x[ni + j] = (x[ni + j] - contextMean[j]) * contextInvStd[j];
      }
      logits.fill(0);
      for (const m of members) {
        let src = x;
        let n = dims;
        if (m.hidden > 0) {
          for (let u = 0; u < m.hidden; u++) {
            let s = m.b1[u];
            const off = u * dims;
            for (let j = 0; j < dims; j++) s += m.w1[off + j] * x[j];
            h[u] = s > 0 ? s : 0; // ReLU
          }
          src = h;
          n = m.hidden;
        }
        for (let k = 0; k < classes; k++) {
          let s = m.b2[k];
          const off = k * n;
          for (let j = 0; j < n; j++) s += m.w2[off + j] * src[j];
          logits[k] += s;
        }
      }
      const scale = invT / members.length;
      let max = -Infinity;
      for (let k = 0; k < classes; k++) {
        logits[k] *= scale;
        if (logits[k] > max) max = logits[k];
      }
      let sum = 0;
      for (let k = 0; k < classes; k++) {
        probs[k] = Math.exp(logits[k] - max);
        sum += probs[k];
      }
      for (let k = 0; k < classes; k++) probs[k] /= sum;
    },
  };
}
