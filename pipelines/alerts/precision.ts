// How often a rule's alerts were right, from QA reviewers' verdicts: precision = right / (right +
// wrong) with its Wilson score 95 % interval, or no figure at all below a minimum of verdicts (the
// product prefers "uncertain" to a confident mistake). `unsure` verdicts count as judged but
// enter neither side. Pure.

/** Two-sided 95 %: the standard normal's 0.975 quantile. */
const Z95 = 1.959963984540054;

/**
 * Right-or-wrong verdicts below which a rule gets no precision: with 9 verdicts, 7 right, the
 * Wilson interval is [0.45, 0.94], which says little; from 10 on the page shows the interval.
 */
export const MIN_DECIDED_VERDICTS = 10;

/**
 * The Wilson score interval of a binomial proportion, `successes` of `n`, at 95 %: E. B. Wilson,
 * "Probable inference, the law of succession, and statistical inference", JASA 22 (1927) 209–212;
 * recommended over the normal (Wald) interval for small n and proportions near 0 or 1 by Brown,
 * Cai & DasGupta, "Interval estimation for a binomial proportion", Statistical Science 16 (2001)
 * 101–133. centre = (p + z²/2n) / (1 + z²/n), half-width = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n).
 */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] | null {
  if (!(n > 0) || successes < 0 || successes > n) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface VerdictCounts {
  /** Alerts raised (an escalation is part of its alert, not one more). */
  raised: number;
  right: number;
  wrong: number;
  unsure: number;
}

export interface RulePrecision extends VerdictCounts {
  /** Alerts with a verdict of any kind. */
  judged: number;
  /** right / (right + wrong); null below MIN_DECIDED_VERDICTS. */
  precision: number | null;
  ci95: [number, number] | null;
  /** false: fewer than `minVerdicts` right-or-wrong verdicts, so no figure is given. */
  enoughVerdicts: boolean;
}

export function rulePrecision(counts: VerdictCounts, minVerdicts = MIN_DECIDED_VERDICTS): RulePrecision {
  const decided = counts.right + counts.wrong;
  const enoughVerdicts = decided >= minVerdicts && decided > 0;
  return {
    ...counts,
    judged: decided + counts.unsure,
    precision: enoughVerdicts ? counts.right / decided : null,
    ci95: enoughVerdicts ? wilsonInterval(counts.right, decided) : null,
    enoughVerdicts,
  };
}
