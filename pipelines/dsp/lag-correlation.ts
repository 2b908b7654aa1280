// Normalised cross-correlation of one segment with itself shifted over a range of lags, the
// similarity measure of Praat's "To PointProcess (periodic, cc)" (Boersma & Weenink, Praat
// manual). Allocation-free: the caller owns both arrays. Pure, no I/O.

/**
 * Writes into cc[lag − from], for every lag in [from, to] (both included), the correlation of
 * x[0, W) with x[lag, lag + W) normalised by both energies (0 when either is silent). `x` must
 * hold to + W samples.
 */
export function correlateLags(x: Float64Array, W: number, from: number, to: number, cc: Float64Array): void {
  crossProducts(x, W, from, to, cc);
  normalise(x, W, from, to, cc);
}

/**
 * Raw cross products Σ x[i]·x[lag + i], four lags at a time: each lag sums in the same order as a
 * plain loop (same result), four independent add chains run in parallel.
 */
function crossProducts(x: Float64Array, W: number, from: number, to: number, cc: Float64Array): void {
  // Integers for the JIT (`| 0`, exact for these small whole numbers): the caller derives them with
  // Math.round / Math.floor, and as doubles the index arithmetic of the loops below runs in
  // floating point (the period tracker is then 12 % slower, measured).
  W |= 0;
  from |= 0;
  to |= 0;
  let lag = from;
  for (; lag + 3 <= to; lag += 4) {
    let xy0 = 0;
    let xy1 = 0;
    let xy2 = 0;
    let xy3 = 0;
    // Sliding registers: x[lag + i .. lag + 3 + i] with one new load per step.
    let v0 = x[lag];
    let v1 = x[lag + 1];
    let v2 = x[lag + 2];
    for (let i = 0; i < W; i++) {
      const a = x[i];
      const v3 = x[lag + 3 + i];
      xy0 += a * v0;
      xy1 += a * v1;
      xy2 += a * v2;
      xy3 += a * v3;
      v0 = v1;
      v1 = v2;
      v2 = v3;
    }
    cc[lag - from] = xy0;
    cc[lag - from + 1] = xy1;
    cc[lag - from + 2] = xy2;
    cc[lag - from + 3] = xy3;
  }
  for (; lag <= to; lag++) {
    let xy = 0;
    for (let i = 0; i < W; i++) xy += x[i] * x[lag + i];
    cc[lag - from] = xy;
  }
}

/** Divides each cross product by √(E₁·E₂); the lagged energy E₂ slides by one sample per lag. */
function normalise(x: Float64Array, W: number, from: number, to: number, cc: Float64Array): void {
  let e1 = 0;
  for (let i = 0; i < W; i++) e1 += x[i] * x[i];
  let e2 = 0;
  for (let i = 0; i < W; i++) {
    const b = x[from + i];
    e2 += b * b;
  }
  for (let lag = from; lag <= to; lag++) {
    if (lag > from) {
      const out = x[lag - 1];
      const inn = x[lag + W - 1];
      e2 += inn * inn - out * out;
    }
    const xy = cc[lag - from];
    cc[lag - from] = e1 > 0 && e2 > 0 ? xy / Math.sqrt(e1 * e2) : 0;
  }
}
