// Streaming glottal period marks for local jitter and shimmer. Each next period is the lag that
// maximises the normalised cross-correlation of one period with the next (as Praat's
// "To PointProcess (periodic, cc)", Boersma & Weenink, Praat manual), searched within ±10 % of the
// frame's F0 period and refined by parabolic interpolation; the amplitude of a period is its peak
// |x| around the mark (Praat: Voice report, shimmer from peak amplitudes). Pure, no I/O.

import { shared } from './scratch.ts';

export interface PeriodStats {
  /** Number of periods, sum of periods (samples), sum |T_i − T_{i−1}| and its pair count. */
  n: number;
  sumT: number;
  sumAbsDT: number;
  pairs: number;
  /** Sum of amplitudes, sum |A_i − A_{i−1}|, sum |20 log10(A_i / A_{i−1})|. */
  sumA: number;
  sumAbsDA: number;
  sumAbsDbA: number;
}

export function clearPeriodStats(s: PeriodStats): void {
  s.n = s.sumT = s.sumAbsDT = s.pairs = s.sumA = s.sumAbsDA = s.sumAbsDbA = 0;
}

/** Minimum normalised cross-correlation for two consecutive periods to count as one voiced chain. */
const MIN_PERIOD_CC = 0.6;

export interface PeriodTracker {
  /**
   * Extends the chain of period marks through [hopStart, hopEnd) using samples up to `available`
   * (absolute indices into `ring`, masked by `mask`). `period` is the frame's F0 period in
   * samples, 0 when unvoiced (breaks the chain). Adds what it finds to `stats`.
   */
  process(
    ring: Float32Array,
    mask: number,
    available: number,
    hopStart: number,
    hopEnd: number,
    period: number,
    stats: PeriodStats,
  ): void;
}

export function createPeriodTracker(maxPeriodSamples: number): PeriodTracker {
  // Double-valued state in a typed array (closure slots would box every update):
  // [mark (absolute, fractional; −1 = none), last period, last amplitude, last peak position].
  const st = Float64Array.of(-1, 0, 0, 0);
  const ccArr = new Float64Array(Math.ceil(0.3 * maxPeriodSamples) + 8);
  // Per-mark sample scratch, shared by every tracker (see scratch.ts): the guard on cc.length
  // below admits periods up to ~5·cc.length samples; a mark needs 2.1 periods + 2 samples.
  const segArr = shared(`periods-seg:${ccArr.length}`, () => new Float64Array(11 * ccArr.length + 16));

  function reset(): void {
    st[0] = -1;
    st[1] = 0;
    st[2] = 0;
  }

  /**
   * Peak |x| within ±half of centre, refined by parabolic interpolation (sample-phase
   * independent); its position is left in st[3] so marks stay on the pulse peaks.
   */
  function peakAround(ring: Float32Array, mask: number, centre: number, half: number): number {
    let m = 0;
    let at = 0;
    const c = Math.round(centre);
    for (let i = c - half; i <= c + half; i++) {
      const v = ring[i & mask];
      const a = v < 0 ? -v : v;
      if (a > m) {
        m = a;
        at = i;
      }
    }
    const a = Math.abs(ring[(at - 1) & mask]);
    const b = Math.abs(ring[(at + 1) & mask]);
    const den = a - 2 * m + b;
    st[3] = at;
    if (!(den < 0)) return m;
    const d = Math.max(-0.5, Math.min(0.5, (0.5 * (a - b)) / den));
    st[3] = at + d;
    return m - 0.25 * (a - b) * d;
  }

  function process(
    ring: Float32Array,
    mask: number,
    available: number,
    hopStart: number,
    hopEnd: number,
    period: number,
    stats: PeriodStats,
  ): void {
    if (!(period > 2)) {
      reset();
      return;
    }
    const cc = ccArr; // locals, not closure slots (kept in registers)
    const seg = segArr;
    const oldest = available - mask; // oldest sample still in the ring
    const W = Math.round(period);
    const lo = Math.max(2, Math.floor(0.9 * period));
    const hi = Math.ceil(1.1 * period);
    const quarter = Math.max(1, Math.round(period / 4));
    // Period beyond the configured pitch range.
    if (hi - lo + 3 > cc.length || hi + W + 1 > seg.length) return;
    let mark = st[0];
    if (mark < 0 || mark < hopStart - 2 * period || mark - quarter - W < oldest) {
      // Start a chain at the largest |x| of the first period of this hop.
      reset();
      mark = -1;
      let best = -1;
      for (let i = hopStart; i < hopStart + W && i < available; i++) {
        const v = ring[i & mask];
        const a = v < 0 ? -v : v;
        if (a > best) {
          best = a;
          mark = i;
        }
      }
      if (mark < 0) return;
      st[0] = mark;
    }
    while (mark < hopEnd) {
      const m0 = Math.round(mark) - (W >> 1);
      if (m0 + hi + 1 + W > available || m0 - 1 < oldest) {
        st[0] = mark;
        return; // wait for more samples
      }
      // The samples this mark needs, [m0, m0 + hi + W], copied once out of the ring: the
      // correlation loops below then index a flat array (no masking per product).
      const x = seg;
      const count = hi + W + 1;
      for (let j = 0; j < count; j++) x[j] = ring[(m0 + j) & mask];
      let e1 = 0;
      for (let i = 0; i < W; i++) e1 += x[i] * x[i];
      // Normalised cross-correlation for lags lo-1 .. hi+1 (neighbours for interpolation).
      // Energy of the lagged segment slides by one sample per lag.
      let e2 = 0;
      for (let i = 0; i < W; i++) {
        const b = x[lo - 1 + i];
        e2 += b * b;
      }
      // Cross products four lags at a time: each lag sums in the same order as a plain loop
      // (same result), four independent add chains run in parallel.
      const lagEnd = hi + 1;
      let lag = lo - 1;
      for (; lag + 3 <= lagEnd; lag += 4) {
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
        cc[lag - lo + 1] = xy0;
        cc[lag - lo + 2] = xy1;
        cc[lag - lo + 3] = xy2;
        cc[lag - lo + 4] = xy3;
      }
      for (; lag <= lagEnd; lag++) {
        let xy = 0;
        for (let i = 0; i < W; i++) xy += x[i] * x[lag + i];
        cc[lag - lo + 1] = xy;
      }
      for (lag = lo - 1; lag <= lagEnd; lag++) {
        if (lag > lo - 1) {
          const out = x[lag - 1];
          const inn = x[lag + W - 1];
          e2 += inn * inn - out * out;
        }
        const xy = cc[lag - lo + 1];
        cc[lag - lo + 1] = e1 > 0 && e2 > 0 ? xy / Math.sqrt(e1 * e2) : 0;
      }
      let bestC = -2;
      let bestLag = lo;
      for (let lag = lo; lag <= hi; lag++) {
        const c = cc[lag - lo + 1];
        if (c > bestC) {
          bestC = c;
          bestLag = lag;
        }
      }
      const cPrev = cc[bestLag - lo];
      const cBest = bestC;
      const cNext = cc[bestLag - lo + 2];
      if (bestC < MIN_PERIOD_CC) {
        reset();
        return;
      }
      const lastT = st[1];
      const lastA = st[2];
      const den = cPrev - 2 * cBest + cNext;
      const d = den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (cPrev - cNext)) / den)) : 0;
      const T = bestLag + d;
      const A = peakAround(ring, mask, mark, quarter);
      stats.n++;
      stats.sumT += T;
      stats.sumA += A;
      if (lastT > 0 && lastA > 0 && A > 0) {
        stats.pairs++;
        stats.sumAbsDT += Math.abs(T - lastT);
        stats.sumAbsDA += Math.abs(A - lastA);
        stats.sumAbsDbA += Math.abs(20 * Math.log10(A / lastA));
      }
      st[1] = T;
      st[2] = A;
      // Next mark one period after this pulse's peak (Praat's "periodic, peaks" point process).
      mark = st[3] + T;
      st[0] = mark;
    }
  }

  return { process };
}
