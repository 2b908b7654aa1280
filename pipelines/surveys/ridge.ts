// Ridge regression on standardised features (Hoerl & Kennard 1970; Hastie, Tibshirani & Friedman,
// "The Elements of Statistical Learning", 2nd ed., §3.4.1) and its k-fold cross-validation against
// a baseline that predicts the training mean. Missing feature values are imputed with the training
// mean (0 after standardising), so a call missing one measure still counts. Pure, no I/O.
import type { Rng } from '../emotion/train/rng.ts';

/** One row per call: feature values (null = not measured) and the target. */
export interface RegressionRow {
  features: (number | null)[];
  target: number;
}

export interface RidgeModel {
  intercept: number;
  /** Per standardised feature. */
  coefficients: number[];
  means: number[];
  scales: number[];
}

function columnStats(rows: readonly RegressionRow[], p: number) {
  const means = new Array<number>(p).fill(0);
  const scales = new Array<number>(p).fill(1);
  for (let j = 0; j < p; j++) {
    let n = 0;
    let sum = 0;
    for (const row of rows) {
      const v = row.features[j];
      if (v !== null) {
        n++;
        sum += v;
      }
    }
    means[j] = n > 0 ? sum / n : 0;
    let ss = 0;
    for (const row of rows) {
      const v = row.features[j];
      if (v !== null) ss += (v - means[j]) ** 2;
    }
    const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    // A constant column carries nothing: scale 1 keeps it at 0 instead of dividing by 0.
    scales[j] = sd > 1e-12 ? sd : 1;
  }
  return { means, scales };
}

function standardised(row: RegressionRow, means: number[], scales: number[]): number[] {
  return row.features.map((v, j) => (v === null ? 0 : (v - means[j]) / scales[j]));
}

/** Solves A x = b (A symmetric positive definite here) by Gaussian elimination with pivoting. */
export function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    const d = m[col][col];
    if (Math.abs(d) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col] / d;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row, i) => (Math.abs(row[i]) < 1e-12 ? 0 : row[n] / row[i]));
}

/** Minimises Σ(y − ŷ)² + λ‖β‖² over standardised features; the intercept is not penalised. */
export function fitRidge(rows: readonly RegressionRow[], lambda: number): RidgeModel {
  const p = rows[0]?.features.length ?? 0;
  const { means, scales } = columnStats(rows, p);
  const intercept = rows.reduce((s, r) => s + r.target, 0) / Math.max(1, rows.length);
  const xtx = Array.from({ length: p }, (_, i) =>
    new Array<number>(p).fill(0).map((_, j) => (i === j ? lambda : 0)),
  );
  const xty = new Array<number>(p).fill(0);
  for (const row of rows) {
    const z = standardised(row, means, scales);
    const y = row.target - intercept;
    for (let i = 0; i < p; i++) {
      xty[i] += z[i] * y;
      for (let j = 0; j < p; j++) xtx[i][j] += z[i] * z[j];
    }
  }
  return { intercept, coefficients: p > 0 ? solve(xtx, xty) : [], means, scales };
}

export function predict(model: RidgeModel, row: RegressionRow): number {
  const z = standardised(row, model.means, model.scales);
  return z.reduce((s, v, j) => s + v * model.coefficients[j], model.intercept);
}

export interface CrossValidation {
  /** Per row, the squared error of the model and of the mean baseline, each trained without it. */
  modelSquaredErrors: Float64Array;
  baselineSquaredErrors: Float64Array;
  rmse: number;
  baselineRmse: number;
}

/** k-fold cross-validation over a seeded shuffle; every row is predicted by a model that never saw it. */
export function crossValidateRidge(
  rows: readonly RegressionRow[],
  folds: number,
  lambda: number,
  rng: Rng,
): CrossValidation {
  const n = rows.length;
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const fold = new Int32Array(n);
  order.forEach((row, k) => (fold[row] = k % folds));
  const modelSquaredErrors = new Float64Array(n);
  const baselineSquaredErrors = new Float64Array(n);
  for (let f = 0; f < folds; f++) {
    const train = rows.filter((_, i) => fold[i] !== f);
    if (train.length === 0) continue;
    const model = fitRidge(train, lambda);
    for (let i = 0; i < n; i++) {
      if (fold[i] !== f) continue;
      modelSquaredErrors[i] = (predict(model, rows[i]) - rows[i].target) ** 2;
      baselineSquaredErrors[i] = (model.intercept - rows[i].target) ** 2;
    }
  }
  const rms = (errors: Float64Array) => Math.sqrt(errors.reduce((s, e) => s + e, 0) / Math.max(1, n));
  return {
    modelSquaredErrors,
    baselineSquaredErrors,
    rmse: rms(modelSquaredErrors),
    baselineRmse: rms(baselineSquaredErrors),
  };
}
