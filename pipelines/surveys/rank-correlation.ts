// Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank
// (the usual definition, e.g. Myers & Well, "Research Design and Statistical Analysis", ch. 18).
// Pure, no I/O.

/** Indices sorted by value, and where each run of equal values ends (exclusive). */
export function tieGroups(values: ArrayLike<number>): { order: Uint32Array; groupEnd: Uint32Array } {
  const n = values.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const groupEnd = new Uint32Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]] === values[order[i]]) j++;
    groupEnd.fill(j, i, j);
    i = j;
  }
  return { order, groupEnd };
}

/** 1-based ranks; tied values share the mean of the ranks they span. */
export function ranks(values: ArrayLike<number>): Float64Array {
  const { order, groupEnd } = tieGroups(values);
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i = groupEnd[i]) {
    const mean = (i + 1 + groupEnd[i]) / 2;
    for (let k = i; k < groupEnd[i]; k++) out[order[k]] = mean;
  }
  return out;
}

/** Pearson's r; null when either series is constant or shorter than 3. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  if (n < 3 || y.length !== n) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx <= 0 || syy <= 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman's rho of paired samples; null when undefined (constant series, fewer than 3 pairs). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  return pearson(ranks(x), ranks(y));
}
