// Column statistics of feature vectors (NaN-aware) for the training recipe. Pure, no I/O.

/** Mean and std of each column over finite values (std 1 when undefined or zero). */
export function columnStats(
  vectors: readonly ArrayLike<number>[],
  size: number,
): { mean: number[]; std: number[]; finiteShare: number[] } {
  const mean: number[] = [];
  const std: number[] = [];
  const finiteShare: number[] = [];
  for (let d = 0; d < size; d++) {
    let n = 0;
    let s = 0;
    let s2 = 0;
    for (const v of vectors) {
      const x = v[d];
      if (!Number.isFinite(x)) continue;
      n++;
      s += x;
      s2 += x * x;
    }
    const m = n > 0 ? s / n : 0;
    const variance = n > 1 ? Math.max(0, (s2 - n * m * m) / (n - 1)) : 0;
    mean.push(m);
    std.push(variance > 1e-18 ? Math.sqrt(variance) : 1);
    finiteShare.push(vectors.length > 0 ? n / vectors.length : 0);
  }
  return { mean, std, finiteShare };
}
