// Fits the syllable-density model of pipelines/dsp/syllable-density.ts on EmoDB windows: z-scoring
// statistics of the base fields over all training frames, then the count-supervised MLP
// (syllable-mlp.ts) on every stride-th frame of each window. Pure (the windows come in).

import type { FrameStore } from '../../pipelines/dsp/frame-store.ts';
import { createPaceFeatureScratch, intensityReference } from '../../pipelines/dsp/pace-features.ts';
import {
  createSyllableScratch,
  syllableBase,
  syllableInput,
  syllableRawBase,
  SYLLABLE_BASE,
  SYLLABLE_BASE_NAMES,
  SYLLABLE_INPUTS,
  type SyllableModel,
} from '../../pipelines/dsp/syllable-density.ts';
import { fitCountMlp, SYLLABLE_MLP_OPTIONS, type CountWindow, type MlpOptions } from './syllable-mlp.ts';

/** One analysis window (frames [0, n) of its store) with its labelled syllable rate. */
export interface SyllableWindow {
  store: FrameStore;
  n: number;
  rate: number;
}

export function fitSyllableModel(
  windows: SyllableWindow[],
  o: MlpOptions = SYLLABLE_MLP_OPTIONS,
): SyllableModel {
  const stride = o.stride;
  const maxN = windows.reduce((a, w) => Math.max(a, w.n), 0);
  const ps = createPaceFeatureScratch(maxN);
  const refs = windows.map((w) => intensityReference(w.store, 0, w.n, ps));
  const mean = new Float64Array(SYLLABLE_BASE);
  const sq = new Float64Array(SYLLABLE_BASE);
  const raw = new Float64Array(maxN * SYLLABLE_BASE);
  let count = 0;
  windows.forEach((w, k) => {
    syllableRawBase(w.store, 0, w.n, refs[k], raw);
    for (let i = 0; i < w.n * SYLLABLE_BASE; i++) {
      mean[i % SYLLABLE_BASE] += raw[i];
      sq[i % SYLLABLE_BASE] += raw[i] * raw[i];
    }
    count += w.n;
  });
  const scale = new Float64Array(SYLLABLE_BASE);
  for (let j = 0; j < SYLLABLE_BASE; j++) {
    mean[j] /= count;
    scale[j] = Math.sqrt(Math.max(0, sq[j] / count - mean[j] * mean[j])) || 1;
  }
  const model: SyllableModel = {
    stride,
    base: SYLLABLE_BASE_NAMES.join(','),
    hidden: 0,
    mean,
    scale,
    w1: [],
    b1: [],
    w2: [],
    b2: 0,
  };
  const s = createSyllableScratch(maxN);
  const rowsPerWindow = (n: number): number => Math.ceil(n / stride);
  const total = windows.reduce((a, w) => a + rowsPerWindow(w.n), 0);
  const x = new Float32Array(total * SYLLABLE_INPUTS);
  const targets: CountWindow[] = [];
  let r = 0;
  windows.forEach((w, k) => {
    syllableBase(w.store, 0, w.n, refs[k], model, s);
    targets.push({ start: r, n: rowsPerWindow(w.n), y: w.rate });
    for (let i = 0; i < w.n; i += stride) {
      syllableInput(s, w.n, i, s.input);
      x.set(s.input, r * SYLLABLE_INPUTS);
      r++;
    }
  });
  const fit = fitCountMlp(x, targets, SYLLABLE_INPUTS, o);
  return { ...model, hidden: fit.hidden, w1: fit.w1, b1: fit.b1, w2: fit.w2, b2: fit.b2 };
}
