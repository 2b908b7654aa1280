// RecentMean (pipelines/emotion/recent-mean.ts): the model's context inputs are the mean of the
// last N speech windows, the same in training rows and live scoring.
import { describe, expect, it } from 'vitest';
import { RecentMean } from '../../../../pipelines/emotion/recent-mean.ts';

describe('RecentMean', () => {
  it('gives the fallback before anything is pushed', () => {
    const r = new RecentMean(2, 3);
    const out = new Float64Array(4);
    r.mean(out, 2, [7, 8]);
    expect([...out]).toEqual([0, 0, 7, 8]);
  });

  it('averages what was pushed, then only the last N', () => {
    const r = new RecentMean(1, 3);
    const out = new Float64Array(1);
    const seen: number[] = [];
    for (const v of [3, 6, 9, 12, 0]) {
      r.push([v]);
      r.mean(out, 0, [NaN]);
      seen.push(out[0]);
    }
    expect(seen).toEqual([3, 4.5, 6, 9, 7]);
  });
});
