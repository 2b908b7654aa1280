// Training utilities: softmax regression, temperature scaling and the metrics are correct and
// deterministic on small synthetic data.
import { describe, expect, it } from 'vitest';
import {
  confusionMatrix,
  expectedCalibrationError,
  unweightedAverageRecall,
} from '../../../../../pipelines/emotion/train/metrics.ts';
import { createRng } from '../../../../../pipelines/emotion/train/rng.ts';
import {
  balancedWeights,
  linearLogits,
  trainSoftmaxRegression,
} from '../../../../../pipelines/emotion/train/softmax-regression.ts';
import { fitTemperature } from '../../../../../pipelines/emotion/train/temperature.ts';

function blobs(seed: number, perClass: number, classes: number, spread: number) {
  const rng = createRng(seed);
  const dims = 4;
  const rows = perClass * classes;
  const x = new Float64Array(rows * dims);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    y[i] = i % classes;
    for (let d = 0; d < dims; d++) x[i * dims + d] = (d === y[i] % dims ? 3 : 0) + spread * rng.normal();
  }
  return { x, y, rows, dims, classes, weight: balancedWeights(y, classes) };
}

describe('softmax regression', () => {
  it('separates well-separated classes and is deterministic', () => {
    const data = blobs(1, 40, 3, 0.5);
    const a = trainSoftmaxRegression(data, { l2: 0.01 });
    const b = trainSoftmaxRegression(data, { l2: 0.01 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    const logits = linearLogits(a, data.x, data.rows, data.dims);
    const pred = Array.from(data.y, (_, i) =>
      [0, 1, 2].reduce((best, k) => (logits[i * 3 + k] > logits[i * 3 + best] ? k : best), 0),
    );
    expect(unweightedAverageRecall(data.y, pred, 3)).toBeGreaterThan(0.95);
  });

  it('balanced weights give every class the same total weight', () => {
    const w = balancedWeights(Int32Array.from([0, 0, 0, 1]), 2);
    expect(w[0] * 3).toBeCloseTo(w[3]);
  });
});

describe('temperature scaling', () => {
  it('cools over-confident logits (T > 1)', () => {
    const rng = createRng(3);
    const n = 400;
    const logits = new Float64Array(n * 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      const right = rng.next() < 0.7; // 70 % accurate...
      logits[i * 2 + (right ? y[i] : 1 - y[i])] = 10; // ...but ~100 % confident
    }
    expect(fitTemperature(logits, y, 2)).toBeGreaterThan(5);
  });
});

describe('metrics', () => {
  it('UAR is the mean of per-class recalls, not accuracy', () => {
    const truth = [0, 0, 0, 0, 1];
    const pred = [0, 0, 0, 0, 0];
    expect(unweightedAverageRecall(truth, pred, 2)).toBeCloseTo(0.5);
    expect(confusionMatrix(truth, pred, 2)).toEqual([
      [4, 0],
      [1, 0],
    ]);
  });

  it('ECE is 0 for perfectly calibrated bins and |acc - conf| otherwise', () => {
    expect(expectedCalibrationError([0.75, 0.75, 0.75, 0.75], [true, true, true, false])).toBeCloseTo(0);
    expect(expectedCalibrationError([0.95, 0.95], [true, false])).toBeCloseTo(0.45);
  });
});

describe('MLP member', () => {
  it('learns the blobs, is reproducible for a seed, and the scorer agrees with the trainer', async () => {
    const { trainMlp, mlpLogits } = await import('../../../../../pipelines/emotion/train/mlp.ts');
    const { trainMember } = await import('../../../../../pipelines/emotion/train/members.ts');
    const data = blobs(5, 30, 3, 0.5);
    const spec = { hidden: 8, epochs: 40, batchSize: 16, learningRate: 0.01, l2: 1e-4, seed: 7 };
    const a = trainMlp(data, spec);
    expect(Array.from(trainMlp(data, spec).w1)).toEqual(Array.from(a.w1));
    const logits = mlpLogits(a, data.x, data.rows, data.dims);
    const pred = Array.from(data.y, (_, i) =>
      [0, 1, 2].reduce((best, k) => (logits[i * 3 + k] > logits[i * 3 + best] ? k : best), 0),
    );
    expect(unweightedAverageRecall(data.y, pred, 3)).toBeGreaterThan(0.9);
    const member = trainMember(data, { kind: 'mlp', ...spec }, 0);
    expect(member.json.kind).toBe('mlp');
    expect(Array.from(member.logits(data.x, 1))).toEqual(Array.from(logits.subarray(0, 3)));
  });
});
