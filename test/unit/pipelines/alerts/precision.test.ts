// Precision of a rule's alerts from reviewers' verdicts: the Wilson interval against reference
// values computed by hand from Wilson (1927) / Brown, Cai & DasGupta (2001), and no figure below
// the minimum of right-or-wrong verdicts.
import { describe, expect, it } from 'vitest';
import {
  MIN_DECIDED_VERDICTS,
  rulePrecision,
  wilsonInterval,
} from '../../../../pipelines/alerts/precision.ts';

describe('alert precision', () => {
  it('gives the Wilson score interval, inside 0..1 even at 0 and n of n', () => {
    const [lo, hi] = wilsonInterval(9, 12) as [number, number];
    expect(lo).toBeCloseTo(0.4677, 3);
    expect(hi).toBeCloseTo(0.9111, 3);
    // 0 of 10: the normal (Wald) interval would be [0, 0]; Wilson's is [0, 0.2775].
    const [zero, upper] = wilsonInterval(0, 10) as [number, number];
    expect(zero).toBeCloseTo(0, 6);
    expect(upper).toBeCloseTo(0.2775, 3);
    const [lower, one] = wilsonInterval(10, 10) as [number, number];
    expect([lower, one]).toEqual([expect.closeTo(0.7225, 3), expect.closeTo(1, 6)]);
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(wilsonInterval(3, 2)).toBeNull();
  });

  it('says "not enough verdicts" below the minimum instead of a figure; unsure counts as judged only', () => {
    const few = rulePrecision({ raised: 40, right: MIN_DECIDED_VERDICTS - 1, wrong: 0, unsure: 5 });
    expect(few).toMatchObject({ judged: 14, precision: null, ci95: null, enoughVerdicts: false });
    const enough = rulePrecision({ raised: 40, right: 9, wrong: 3, unsure: 5 });
    expect(enough).toMatchObject({ judged: 17, precision: 0.75, enoughVerdicts: true });
    expect(enough.ci95?.[0]).toBeCloseTo(0.4677, 3);
    expect(rulePrecision({ raised: 3, right: 0, wrong: 0, unsure: 0 }, 0).precision).toBeNull();
  });
});
