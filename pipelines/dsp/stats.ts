// Small statistics over preallocated scratch arrays (mean, std, percentiles, regression slope).
// Pure, no I/O; callers pass the scratch, so nothing allocates per window except a view.

export function mean(x: Float64Array, n: number): number {
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  return s / n;
}

/** Population standard deviation. */
export function std(x: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const m = mean(x, n);
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i] - m) * (x[i] - m);
  return Math.sqrt(s / n);
}

/** Sorts the first n values in place (call before `percentile`). */
export function sortPrefix(x: Float64Array, n: number): void {
  x.subarray(0, n).sort();
}

/** Percentile p (0..100) of the sorted first n values, linear interpolation (Hyndman & Fan type 7). */
export function percentile(sorted: Float64Array, n: number, p: number): number {
  if (n === 0) return NaN;
  const pos = ((n - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Least-squares slope of y over t (first n pairs). */
export function slope(t: Float64Array, y: Float64Array, n: number): number {
  if (n < 2) return NaN;
  const mt = mean(t, n);
  const my = mean(y, n);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (t[i] - mt) * (y[i] - my);
    den += (t[i] - mt) * (t[i] - mt);
  }
  return den > 0 ? num / den : NaN;
}

/** Mean absolute difference of consecutive values. */
export function meanAbsDelta(x: Float64Array, n: number): number {
  if (n < 2) return NaN;
  let s = 0;
  for (let i = 1; i < n; i++) s += Math.abs(x[i] - x[i - 1]);
  return s / (n - 1);
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
