// Classification metrics for the emotion evaluation: confusion matrix, unweighted average recall
// (UAR = mean of per-class recalls), expected calibration error. Pure, no I/O.

export function confusionMatrix(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]][predicted[i]]++;
  return m;
}

/** Mean recall over the classes that occur in `truth`. */
export function unweightedAverageRecall(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
): number {
  const m = confusionMatrix(truth, predicted, classes);
  let sum = 0;
  let present = 0;
  for (let c = 0; c < classes; c++) {
    const total = m[c].reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    sum += m[c][c] / total;
    present++;
  }
  return present === 0 ? 0 : sum / present;
}

/**
 * Expected calibration error of the top-class confidence (Guo et al. 2017, "On Calibration of
 * Modern Neural Networks"): |accuracy - confidence| averaged over equal-width bins, weighted by size.
 */
export function expectedCalibrationError(
  confidence: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  bins = 10,
): number {
  const count = new Float64Array(bins);
  const confSum = new Float64Array(bins);
  const hit = new Float64Array(bins);
  for (let i = 0; i < confidence.length; i++) {
    const b = Math.min(bins - 1, Math.floor(confidence[i] * bins));
    count[b]++;
    confSum[b] += confidence[i];
    if (correct[i]) hit[b]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] > 0)
      ece += (count[b] / confidence.length) * Math.abs(hit[b] / count[b] - confSum[b] / count[b]);
  }
  return ece;
}
