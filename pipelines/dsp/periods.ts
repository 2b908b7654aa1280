// Streaming glottal period marks for local jitter and shimmer. Each next period is the lag that
// maximises the normalised cross-correlation of one period with the next (as Praat's
// "To PointProcess (periodic, cc)", Boersma & Weenink, Praat manual), searched within ±10 % of the
// frame's F0 period and refined by parabolic interpolation; the amplitude of a period is its peak
// |x| around the mark (Praat: Voice report, shimmer from peak amplitudes). Pure, no I/O.

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
  const cc = new Float64Array(Math.ceil(0.3 * maxPeriodSamples) + 8);

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
    const oldest = available - mask; // oldest sample still in the ring
    const W = Math.round(period);
    const lo = Math.max(2, Math.floor(0.9 * period));
    const hi = Math.ceil(1.1 * period);
    const quarter = Math.max(1, Math.round(period / 4));
    if (hi - lo + 3 > cc.length) return; // period beyond the configured pitch range
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
      let e1 = 0;
      for (let i = 0; i < W; i++) {
        const v = ring[(m0 + i) & mask];
        e1 += v * v;
      }
      // Normalised cross-correlation for lags lo-1 .. hi+1 (neighbours for interpolation).
      // Energy of the lagged segment slides by one sample per lag.
      let e2 = 0;
      for (let i = 0; i < W; i++) {
        const b = ring[(m0 + lo - 1 + i) & mask];
        e2 += b * b;
      }
      for (let lag = lo - 1; lag <= hi + 1; lag++) {
        if (lag > lo - 1) {
          const out = ring[(m0 + lag - 1) & mask];
          const inn = ring[(m0 + lag + W - 1) & mask];
          e2 += inn * inn - out * out;
        }
        let xy = 0;
        for (let i = 0; i < W; i++) xy += ring[(m0 + i) & mask] * ring[(m0 + lag + i) & mask];
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
