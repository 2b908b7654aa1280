// Mean of the last `windows` vectors pushed (a fixed ring): the model's "context" inputs, i.e. how
// the caller has sounded over the last few speech windows rather than in this one alone. An
// emotion outlasts a 2 s window, so the recent mean carries more of it and less of the window's
// noise (what is said, one stressed syllable). The same class builds the training rows
// (train/call-data.ts) and scores live windows (scorer.ts). Pure; allocates only at construction.
export class RecentMean {
  private readonly ring: Float64Array;
  private readonly sum: Float64Array;
  private readonly dims: number;
  private readonly windows: number;
  private count = 0;
  private next = 0;

  constructor(dims: number, windows: number) {
    this.dims = dims;
    this.windows = windows;
    this.ring = new Float64Array(dims * windows);
    this.sum = new Float64Array(dims);
  }

  /** Adds one vector (its first `dims` values), dropping the oldest when full. */
  push(v: ArrayLike<number>): void {
    const off = this.next * this.dims;
    const full = this.count === this.windows;
    for (let j = 0; j < this.dims; j++) {
      if (full) this.sum[j] -= this.ring[off + j];
      this.ring[off + j] = v[j];
      this.sum[j] += v[j];
    }
    if (!full) this.count++;
    this.next = (this.next + 1) % this.windows;
  }

  /** The mean of what was pushed, into `out` at `offset`; `fallback` when nothing was. */
  mean(out: Float64Array, offset: number, fallback: ArrayLike<number>): void {
    for (let j = 0; j < this.dims; j++)
      out[offset + j] = this.count === 0 ? fallback[j] : this.sum[j] / this.count;
  }
}
