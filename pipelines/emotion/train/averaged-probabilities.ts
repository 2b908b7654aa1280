// The class probabilities the live tracker would report for each training row: the head's logits
// divided by the temperature, softmax, then averaged over the call's earlier rows as
// probability-average.ts does live. Shared by the "uncertain" threshold and the temperature, so
// both are chosen on what the tracker shows, not on single windows. Pure, no I/O.
import { ProbabilityAverage } from '../probability-average.ts';
import type { InputRow } from './call-data.ts';

/**
 * Calls `visit(i, mean)` for every row not augmented, in order, with the running average after
 * row i (`mean` is reused: read it inside `visit`). The live average also takes speech windows
 * centred in the gaps between clips, which are not rows: a 400 ms gap holds few window centres.
 */
export function forEachAveraged(
  rows: readonly InputRow[],
  logits: Float64Array,
  classes: number,
  temperature: number,
  smoothing: number,
  visit: (row: number, mean: Float64Array) => void,
): void {
  const p = new Float64Array(classes);
  let average = new ProbabilityAverage(classes, smoothing);
  let call = -1;
  rows.forEach((r, i) => {
    if (r.augmented) return;
    if (r.call !== call) {
      average = new ProbabilityAverage(classes, smoothing);
      call = r.call;
    }
    let max = -Infinity;
    for (let j = 0; j < classes; j++) max = Math.max(max, logits[i * classes + j] / temperature);
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += p[j] = Math.exp(logits[i * classes + j] / temperature - max);
    for (let j = 0; j < classes; j++) p[j] /= sum;
    average.push(p);
    visit(i, average.mean);
  });
}

/** Mean negative log-likelihood of the averaged probabilities on the judged rows (after the calm start, with a class). */
export function averagedNll(
  rows: readonly InputRow[],
  logits: Float64Array,
  classes: number,
  temperature: number,
  smoothing: number,
): number {
  let nll = 0;
  let n = 0;
  forEachAveraged(rows, logits, classes, temperature, smoothing, (i, mean) => {
    const r = rows[i];
    if (r.calmStart || r.targets.label < 0) return;
    nll -= Math.log(Math.max(1e-12, mean[r.targets.label]));
    n++;
  });
  return nll / Math.max(1, n);
}
