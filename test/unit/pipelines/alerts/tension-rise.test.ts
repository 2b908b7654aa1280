// A speaker's tension is read against their own first 10 speech windows: nothing while those are
// learnt, then the rise over their mean, which stays fixed (a tense stretch later does not become
// the new normal).
import { describe, expect, it } from 'vitest';
import {
  TENSION_BASELINE_WINDOWS,
  newTensionBaseline,
  tensionRise,
} from '../../../../pipelines/alerts/tension-rise.ts';

describe('tension rise', () => {
  it('learns the first windows, then measures every later one against them', () => {
    const baseline = newTensionBaseline();
    const learning = Array.from({ length: TENSION_BASELINE_WINDOWS }, (_, i) =>
      tensionRise(baseline, 0.7 + (i % 2 ? 0.02 : -0.02)),
    );
    expect(learning.every(Number.isNaN)).toBe(true);
    expect(tensionRise(baseline, 0.85)).toBeCloseTo(0.15, 10);
    for (let i = 0; i < 50; i++) tensionRise(baseline, 0.95);
    expect(tensionRise(baseline, 0.7)).toBeCloseTo(0, 10);
  });

  it('skips a window without a tension (no voiced speech)', () => {
    const baseline = newTensionBaseline();
    expect(tensionRise(baseline, NaN)).toBeNaN();
    expect(baseline.count).toBe(0);
  });
});
