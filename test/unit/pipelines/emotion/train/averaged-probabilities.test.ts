// What the training recipe believes the tracker shows (train/averaged-probabilities.ts): the
// average restarts with each call and skips augmented copies; the temperature chosen on it makes
// the averaged probabilities, not single windows, match how often they are right.
import { describe, expect, it } from 'vitest';
import {
  averagedNll,
  forEachAveraged,
} from '../../../../../pipelines/emotion/train/averaged-probabilities.ts';
import type { InputRow } from '../../../../../pipelines/emotion/train/call-data.ts';
import { minimiseOverTemperature } from '../../../../../pipelines/emotion/train/temperature.ts';

const row = (call: number, label: number, augmented = false): InputRow => ({
  call,
  corpus: 'c',
  speaker: `s${call}`,
  clip: 0,
  calmStart: false,
  augmented,
  targets: { label, arousal: -1, valence: -1 },
  z: new Float64Array(0),
  context: new Float64Array(0),
});

describe('forEachAveraged', () => {
  it('restarts the average with each call and skips augmented rows', () => {
    const rows = [row(0, 0), row(0, 0), row(1, 1, true), row(1, 1)];
    // Logits: row 0 class 0, row 1 class 1, row 2 (augmented) class 0, row 3 class 1.
    const logits = Float64Array.from([9, -9, -9, 9, 9, -9, -9, 9]);
    const seen: [number, number][] = [];
    forEachAveraged(rows, logits, 2, 1, 0.5, (i, mean) => seen.push([i, mean[1]]));
    expect(seen.map(([i]) => i)).toEqual([0, 1, 3]);
    expect(seen[1][1]).toBeCloseTo(0.5, 3); // half way from class 0 to class 1
    expect(seen[2][1]).toBeCloseTo(1, 3); // a new call starts from its own first row
  });
});

describe('the temperature of the averaged probabilities', () => {
  it('is sharper than the single-window one when the average is right more often than a window', () => {
    // One long call of class 0; each window alone says class 0 with a logit margin of 1, but one
    // window in four says class 1: the average is right throughout.
    const n = 200;
    const rows = Array.from({ length: n }, () => row(0, 0));
    const logits = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) logits.set(i % 4 === 3 ? [0, 1] : [1, 0], 2 * i);
    const single = minimiseOverTemperature((t) => averagedNll(rows, logits, 2, t, 1));
    const averaged = minimiseOverTemperature((t) => averagedNll(rows, logits, 2, t, 0.2));
    expect(averaged).toBeLessThan(single);
  });
});
