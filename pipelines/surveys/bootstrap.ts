// Percentile bootstrap intervals of a statistic of paired samples (Efron & Tibshirani, "An
// Introduction to the Bootstrap", 1993, ch. 13): resample the pairs with replacement, recompute,
// take the quantiles. Seeded, so the same data and seed give the same interval. Pure, no I/O.
import type { Rng } from '../emotion/train/rng.ts';

export type PairStatistic = (x: Float64Array, y: Float64Array) => number | null;

/** Linear interpolation between order statistics (type 7, R's default). */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The statistic over `resamples` resamples of the pairs, sorted; resamples where it is undefined
 * (e.g. all pairs drawn with one value) are left out.
 */
export function bootstrapDistribution(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  statistic: PairStatistic,
  resamples: number,
  rng: Rng,
): Float64Array {
  const n = x.length;
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rng.next() * n);
      bx[i] = x[j];
      by[i] = y[j];
    }
    const value = statistic(bx, by);
    if (value !== null && Number.isFinite(value)) values.push(value);
  }
  return Float64Array.from(values).sort();
}

/** The central interval holding `level` of the bootstrap distribution; null when it is empty. */
export function percentileInterval(sorted: Float64Array, level: number): [number, number] | null {
  if (sorted.length === 0) return null;
  const tail = (1 - level) / 2;
  return [quantile(sorted, tail), quantile(sorted, 1 - tail)];
}
