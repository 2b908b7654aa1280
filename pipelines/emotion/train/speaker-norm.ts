// Speaker normalisation for training and evaluation: each utterance is z-scored against a
// SpeakerBaseline fed with the SAME speaker's OTHER utterances of the same recording condition
// (the offline stand-in for "that speaker earlier in the call"). Pure, no I/O.
import { SpeakerBaseline } from '../baseline.ts';
import type { BaselineOptions } from '../baseline.ts';

export interface FeatureRow {
  id: string;
  speaker: string;
  /** Recording condition, e.g. 'pcmu8k' or 'linear16k' (normalisation never mixes conditions). */
  condition: string;
  /** Index into EMOTION_LABELS. */
  label: number;
  speechFraction: number;
  /** SpeakerWindow.functionals (NaN where undefined). */
  functionals: Float64Array;
  /** Evidence measures (evidence.ts order). */
  measures: Float64Array;
}

/** z-scores of every row (same order), leave-this-utterance-out per speaker and condition. */
export function speakerNormalise(rows: readonly FeatureRow[], baseline: BaselineOptions): Float64Array[] {
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = `${r.speaker}\u0000${r.condition}`;
    const list = groups.get(key) ?? [];
    list.push(i);
    groups.set(key, list);
  });
  const out: Float64Array[] = new Array<Float64Array>(rows.length);
  for (const members of groups.values()) {
    for (const i of members) {
      const b = new SpeakerBaseline(baseline);
      for (const j of members) if (j !== i) b.add(rows[j].functionals);
      out[i] = b.normalise(rows[i].functionals, new Float64Array(b.size));
    }
  }
  return out;
}

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
