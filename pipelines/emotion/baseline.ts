// The speaker baseline: running mean/variance of each measure over that speaker's earlier speech
// windows, pooled with a population prior so the first windows of a call are judged cautiously.
// Pure, no I/O; no allocation after construction.
//
// Pooling (a conjugate-style "prior worth w0 windows"): with n windows of running mean m and sum
// of squared deviations M2 (Welford 1962), the baseline mean is (w0*mu0 + n*m)/(w0 + n) and the
// variance (w0*s0^2 + M2)/(w0 + n): the spread around the speaker's own mean, the prior spread
// worth w0 windows (the between-means term of a full Bayesian pooling is left out on purpose: a
// speaker far from the population mean must not look "steady-less" for the whole call). At call
// start the baseline IS the population (broad, so z-scores are small); after ~w0 speech windows it
// is mostly the speaker.

export interface BaselineOptions {
  priorMean: ArrayLike<number>;
  priorStd: ArrayLike<number>;
  /** Weight of the prior, in windows. */
  priorWeight: number;
  /** Floor of the standard deviation per measure (a steady speaker must not blow up z-scores). */
  minStd: ArrayLike<number>;
  /** Stop learning after this many windows per measure (the baseline is "how this person started"). */
  maxWindows?: number;
}

export class SpeakerBaseline {
  readonly size: number;
  private readonly priorMean: Float64Array;
  private readonly priorVar: Float64Array;
  private readonly minStd: Float64Array;
  private readonly priorWeight: number;
  private readonly maxWindows: number;
  private readonly count: Float64Array;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(options: BaselineOptions) {
    this.size = options.priorMean.length;
    this.priorMean = Float64Array.from(options.priorMean);
    this.priorVar = Float64Array.from(options.priorStd, (s) => s * s);
    this.minStd = Float64Array.from(options.minStd);
    this.priorWeight = options.priorWeight;
    this.maxWindows = options.maxWindows ?? Infinity;
    this.count = new Float64Array(this.size);
    this.mean = new Float64Array(this.size);
    this.m2 = new Float64Array(this.size);
  }

  /** Adds one window's measures (NaN = undefined in this window, skipped). */
  add(values: ArrayLike<number>): void {
    for (let d = 0; d < this.size; d++) {
      const v = values[d];
      if (!Number.isFinite(v) || this.count[d] >= this.maxWindows) continue;
      const n = ++this.count[d];
      const delta = v - this.mean[d];
      this.mean[d] += delta / n;
      this.m2[d] += delta * (v - this.mean[d]);
    }
  }

  /** Windows learnt for measure `d`. */
  windows(d = 0): number {
    return this.count[d];
  }

  /** Baseline mean of measure `d` (prior pooled with the speaker). */
  meanOf(d: number): number {
    const n = this.count[d];
    const w0 = this.priorWeight;
    return (w0 * this.priorMean[d] + n * this.mean[d]) / (w0 + n);
  }

  stdOf(d: number): number {
    const n = this.count[d];
    const w0 = this.priorWeight;
    const variance = (w0 * this.priorVar[d] + this.m2[d]) / (w0 + n);
    return Math.max(Math.sqrt(variance), this.minStd[d]);
  }

  /** z-scores of `values` against the baseline into `out` (NaN stays NaN). */
  normalise(values: ArrayLike<number>, out: Float64Array): Float64Array {
    for (let d = 0; d < this.size; d++) out[d] = (values[d] - this.meanOf(d)) / this.stdOf(d);
    return out;
  }
}
