// Ridge regression on standardised features (closed form, Gaussian elimination) for the pace
// estimator: fit, predict and leave-one-group-out cross-validation. Pure, no I/O.

/** Penalty per sample on standardised features; fixed a priori (not tuned on the eval). */
export const PACE_RIDGE_LAMBDA = 0.1;

export interface LinearModel {
  mean: number[];
  scale: number[];
  weights: number[];
  intercept: number;
}

/** Fits y ≈ intercept + Σ w_k (x_k − mean_k) / scale_k with an L2 penalty `lambda` on w. */
export function fitRidge(x: Float64Array[], y: number[], lambda: number): LinearModel {
  const n = x.length;
  const p = x[0].length;
  const mean = new Array<number>(p).fill(0);
  const scale = new Array<number>(p).fill(0);
  for (const r of x) for (let k = 0; k < p; k++) mean[k] += r[k] / n;
  for (const r of x) for (let k = 0; k < p; k++) scale[k] += (r[k] - mean[k]) ** 2 / n;
  for (let k = 0; k < p; k++) scale[k] = Math.sqrt(scale[k]) || 1;
  const my = y.reduce((a, b) => a + b, 0) / n;
  // Normal equations (ZᵀZ + λnI) w = Zᵀ(y − ȳ): λ is per sample so it does not depend on n.
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const zj = (x[i][j] - mean[j]) / scale[j];
      for (let k = 0; k < p; k++) a[j][k] += zj * ((x[i][k] - mean[k]) / scale[k]);
      a[j][p] += zj * (y[i] - my);
    }
  }
  for (let j = 0; j < p; j++) a[j][j] += lambda * n;
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    [a[c], a[piv]] = [a[piv], a[c]];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= p; k++) a[r][k] -= f * a[c][k];
    }
  }
  const weights = a.map((row, j) => row[p] / row[j]);
  return { mean, scale, weights, intercept: my };
}

/** One model per group, each fitted on the rows of all OTHER groups (leave-one-group-out). */
export function leaveOneGroupOut(
  x: Float64Array[],
  y: number[],
  groups: string[],
  lambda: number,
): Map<string, LinearModel> {
  const models = new Map<string, LinearModel>();
  for (const g of new Set(groups)) {
    const train = groups.map((h, i) => (h === g ? -1 : i)).filter((i) => i >= 0);
    models.set(
      g,
      fitRidge(
        train.map((i) => x[i]),
        train.map((i) => y[i]),
        lambda,
      ),
    );
  }
  return models;
}
