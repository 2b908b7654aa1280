// Streaming glottal period marks for local jitter and shimmer. Each next period is the lag that
// maximises the normalised cross-correlation of one period with the next (as Praat's
// "To PointProcess (periodic, cc)", Boersma & Weenink, Praat manual), searched within ±10 % of the
// frame's F0 period and refined by parabolic interpolation; the amplitude of a period is its peak
// |x| around the mark (Praat: Voice report, shimmer from peak amplitudes). Pure, no I/O.

import { correlateLags } from './lag-correlation.ts';
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

// Tracker state, one Float64Array (closure slots would box every double update).
/** Current mark: absolute sample position, fractional; −1 when no chain is open. */
const MARK = 0;
/** Period (samples) and peak amplitude of the previous mark, 0 when none. */
const LAST_PERIOD = 1;
const LAST_AMPLITUDE = 2;
/** Position of the peak peakAround last found. */
const PEAK_AT = 3;

export function createPeriodTracker(maxPeriodSamples: number): PeriodTracker {
  const st = Float64Array.of(-1, 0, 0, 0);
  const ccArr = new Float64Array(Math.ceil(0.3 * maxPeriodSamples) + 8);
  // Per-mark sample scratch, shared by every tracker (see scratch.ts): the guard on cc.length
  // below admits periods up to ~5·cc.length samples; a mark needs 2.1 periods + 2 samples.
  const segArr = shared(`periods-seg:${ccArr.length}`, () => new Float64Array(11 * ccArr.length + 16));

  return {
    process(ring, mask, available, hopStart, hopEnd, period, stats) {
      if (!(period > 2)) {
        breakChain(st);
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
      let mark = st[MARK];
      if (mark < 0 || mark < hopStart - 2 * period || mark - quarter - W < oldest) {
        // Start a chain at the largest |x| of the first period of this hop.
        breakChain(st);
        mark = loudestSample(ring, mask, hopStart, Math.min(hopStart + W, available));
        if (mark < 0) return;
        st[MARK] = mark;
      }
      while (mark < hopEnd) {
        const m0 = Math.round(mark) - (W >> 1);
        if (m0 + hi + 1 + W > available || m0 - 1 < oldest) {
          st[MARK] = mark;
          return; // wait for more samples
        }
        // The samples this mark needs, [m0, m0 + hi + W], copied once out of the ring: the
        // correlation loops then index a flat array (no masking per product).
        for (let j = 0; j <= hi + W; j++) seg[j] = ring[(m0 + j) & mask];
        // Lags lo−1 .. hi+1: the outer two are the neighbours for interpolation.
        correlateLags(seg, W, lo - 1, hi + 1, cc);
        const T = bestPeriod(cc, lo, hi);
        if (T < 0) {
          breakChain(st);
          return;
        }
        addPeriod(stats, st, T, peakAround(ring, mask, mark, quarter, st));
        // Next mark one period after this pulse's peak (Praat's "periodic, peaks" point process).
        mark = st[PEAK_AT] + T;
        st[MARK] = mark;
      }
    },
  };
}

function breakChain(st: Float64Array): void {
  st[MARK] = -1;
  st[LAST_PERIOD] = 0;
  st[LAST_AMPLITUDE] = 0;
}

/** Position of the largest |x| in [from, to), −1 when the range is empty. */
function loudestSample(ring: Float32Array, mask: number, from: number, to: number): number {
  let at = -1;
  let best = -1;
  for (let i = from; i < to; i++) {
    const v = ring[i & mask];
    const a = v < 0 ? -v : v;
    if (a > best) {
      best = a;
      at = i;
    }
  }
  return at;
}

/**
 * The period (fractional samples) at the highest correlation among lags lo..hi of `cc` (indexed
 * lag − lo + 1), refined by parabolic interpolation; −1 when that correlation is below
 * MIN_PERIOD_CC (the chain breaks).
 */
function bestPeriod(cc: Float64Array, lo: number, hi: number): number {
  let bestC = -2;
  let bestLag = lo;
  for (let lag = lo; lag <= hi; lag++) {
    const c = cc[lag - lo + 1];
    if (c > bestC) {
      bestC = c;
      bestLag = lag;
    }
  }
  if (bestC < MIN_PERIOD_CC) return -1;
  const cPrev = cc[bestLag - lo];
  const cNext = cc[bestLag - lo + 2];
  const den = cPrev - 2 * bestC + cNext;
  const d = den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (cPrev - cNext)) / den)) : 0;
  return bestLag + d;
}

/** Adds one period T with amplitude A to `stats`, differences against the previous mark's. */
function addPeriod(stats: PeriodStats, st: Float64Array, T: number, A: number): void {
  const lastT = st[LAST_PERIOD];
  const lastA = st[LAST_AMPLITUDE];
  stats.n++;
  stats.sumT += T;
  stats.sumA += A;
  if (lastT > 0 && lastA > 0 && A > 0) {
    stats.pairs++;
    stats.sumAbsDT += Math.abs(T - lastT);
    stats.sumAbsDA += Math.abs(A - lastA);
    stats.sumAbsDbA += Math.abs(20 * Math.log10(A / lastA));
  }
  st[LAST_PERIOD] = T;
  st[LAST_AMPLITUDE] = A;
}

/**
 * Peak |x| within ±half of mid, refined by parabolic interpolation (sample-phase
 * independent); its position is left in st[PEAK_AT] so marks stay on the pulse peaks.
 */
function peakAround(ring: Float32Array, mask: number, mid: number, half: number, st: Float64Array): number {
  let m = 0;
  let at = 0;
  const c = Math.round(mid);
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
  st[PEAK_AT] = at;
  if (!(den < 0)) return m;
  const d = Math.max(-0.5, Math.min(0.5, (0.5 * (a - b)) / den));
  st[PEAK_AT] = at + d;
  return m - 0.25 * (a - b) * d;
}
