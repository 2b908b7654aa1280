// The bootstrap distribution of Spearman's rho in O(n) per resample instead of a sort: a resample
// is a count per original pair, so walking the ORIGINAL sort order once per series gives every
// drawn value its average rank (ties, including copies of one pair, share it). Draws the same
// indices as bootstrapDistribution, so both give the same numbers for a seed. Pure, no I/O.
import type { Rng } from '../emotion/train/rng.ts';
import { tieGroups } from './rank-correlation.ts';

function rankByCounts(
  groups: { order: Uint32Array; groupEnd: Uint32Array },
  counts: Uint32Array,
  out: Float64Array,
): void {
  const { order, groupEnd } = groups;
  let below = 0;
  let i = 0;
  while (i < order.length) {
    const end = groupEnd[i];
    let drawn = 0;
    for (let k = i; k < end; k++) drawn += counts[order[k]];
    const rank = below + (drawn + 1) / 2;
    for (let k = i; k < end; k++) out[order[k]] = rank;
    below += drawn;
    i = end;
  }
}

export function bootstrapSpearman(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  resamples: number,
  rng: Rng,
): Float64Array {
  const n = x.length;
  const gx = tieGroups(x);
  const gy = tieGroups(y);
  const counts = new Uint32Array(n);
  const rx = new Float64Array(n);
  const ry = new Float64Array(n);
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(rng.next() * n)]++;
    rankByCounts(gx, counts, rx);
    rankByCounts(gy, counts, ry);
    // Pearson of the ranks over the drawn pairs, each original pair weighted by its count.
    const mean = (n + 1) / 2;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let j = 0; j < n; j++) {
      const c = counts[j];
      if (c === 0) continue;
      const dx = rx[j] - mean;
      const dy = ry[j] - mean;
      sxy += c * dx * dy;
      sxx += c * dx * dx;
      syy += c * dy * dy;
    }
    if (sxx > 0 && syy > 0) values.push(sxy / Math.sqrt(sxx * syy));
  }
  return Float64Array.from(values).sort();
}
