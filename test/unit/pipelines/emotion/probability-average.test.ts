// The class-probability average the state rests on (pipelines/emotion/probability-average.ts) and
// its use by the tracker: one odd window does not flip the class; a lasting change does; windows
// without speech leave the average alone; weight 1 is each window alone.
import { describe, expect, it } from 'vitest';
import { createEmotionTracker } from '../../../../pipelines/emotion/index.ts';
import { ProbabilityAverage } from '../../../../pipelines/emotion/probability-average.ts';
import { toyModel, toyWindow } from './toy-model.ts';

describe('ProbabilityAverage', () => {
  it('starts at the first window, then weights the newest one by its weight', () => {
    const a = new ProbabilityAverage(2, 0.2);
    a.push([1, 0]);
    expect([...a.mean]).toEqual([1, 0]);
    a.push([0, 1]);
    expect(a.mean[0]).toBeCloseTo(0.8, 12);
    expect(a.mean[1]).toBeCloseTo(0.2, 12);
    expect(a.count).toBe(2);
  });

  it('with weight 1 is the newest window alone', () => {
    const a = new ProbabilityAverage(2, 1);
    a.push([0.9, 0.1]);
    a.push([0.3, 0.7]);
    expect([...a.mean]).toEqual([0.3, 0.7]);
  });
});

describe('the tracker with a smoothed model', () => {
  const smoothed = () => {
    const model = toyModel();
    model.thresholds.probabilitySmoothing = 0.2;
    return createEmotionTracker({ model, callId: 'c', channel: 'customer', warmupWindows: 0 });
  };

  it('keeps the class through one odd window and follows a lasting change', () => {
    const t = smoothed();
    for (let i = 0; i < 10; i++) expect(t.push(toyWindow(i, [0, 0, 0])).rawLabel).toBe('neutral');
    const odd = t.push(toyWindow(10, [9, 0, 0]));
    expect(odd.rawLabel).toBe('neutral');
    expect(odd.probabilities.angry).toBeGreaterThan(0.1);
    expect(odd.arousal).toBeGreaterThan(0.9); // the dimensions stay per window
    const lasting = [11, 12, 13, 14, 15, 16].map((i) => t.push(toyWindow(i, [9, 0, 0])));
    expect(lasting.at(-1)?.state).toBe('angry');
    const sum = Object.values(lasting[0].probabilities).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 9);
  });

  it('leaves the average alone in windows without speech', () => {
    const t = smoothed();
    for (let i = 0; i < 5; i++) t.push(toyWindow(i, [0, 0, 0]));
    const before = t.push(toyWindow(5, [0, 0, 0])).probabilities.neutral;
    const silent = t.push(toyWindow(6, [9, 0, 0], { speechFraction: 0.05 }));
    expect(silent.rawLabel).toBe('neutral');
    expect(silent.probabilities.neutral).toBeCloseTo(before, 12);
  });
});
