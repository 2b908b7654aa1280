// SpeakerBaseline: population prior at call start, the speaker's own statistics later.
import { describe, expect, it } from 'vitest';
import { SpeakerBaseline } from '../../../../pipelines/emotion/baseline.ts';

const make = (maxWindows?: number) =>
  new SpeakerBaseline({
    priorMean: [10, 0],
    priorStd: [4, 1],
    priorWeight: 5,
    minStd: [0.5, 0.1],
    maxWindows,
  });

describe('SpeakerBaseline', () => {
  it('is the population prior before any speech', () => {
    const b = make();
    expect(b.meanOf(0)).toBe(10);
    expect(b.stdOf(0)).toBe(4);
    expect(b.normalise([14, 0], new Float64Array(2))[0]).toBeCloseTo(1);
  });

  it('moves to the speaker after many windows: a raised voice is raised for this person', () => {
    const b = make();
    for (let i = 0; i < 200; i++) b.add([20 + (i % 2 ? 1 : -1), 0]);
    expect(b.meanOf(0)).toBeCloseTo(20, 0);
    expect(b.stdOf(0)).toBeLessThan(1.5);
    // 23 is +3 over this speaker's 20 (std ~1): clearly raised, though near the prior's +3 std.
    expect(b.normalise([23, 0], new Float64Array(2))[0]).toBeGreaterThan(2);
  });

  it('blends prior and speaker while the baseline forms (first windows are cautious)', () => {
    const b = make();
    for (let i = 0; i < 5; i++) b.add([20, 0]);
    expect(b.meanOf(0)).toBeCloseTo(15);
    expect(b.stdOf(0)).toBeCloseTo(Math.sqrt((5 * 16) / 10)); // prior spread still counts half
  });

  it('skips undefined measures and floors the std', () => {
    const b = make();
    for (let i = 0; i < 50; i++) b.add([NaN, 0]);
    expect(b.windows(0)).toBe(0);
    expect(b.windows(1)).toBe(50);
    expect(b.stdOf(1)).toBeGreaterThanOrEqual(0.1);
  });

  it('stops learning after maxWindows', () => {
    const b = make(10);
    for (let i = 0; i < 10; i++) b.add([20, 0]);
    for (let i = 0; i < 100; i++) b.add([40, 0]);
    expect(b.windows(0)).toBe(10);
    expect(b.meanOf(0)).toBeLessThan(20);
  });
});
