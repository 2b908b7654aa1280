// The survey statistics: Spearman's rho (ties as average ranks), the seeded bootstrap, and the
// report recovering a planted effect of one measure on CSAT/NPS while finding nothing in noise.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../pipelines/emotion/train/rng.ts';
import {
  csatReport,
  SURVEY_MEASURES,
  spearman,
  type SurveyedCall,
} from '../../../../pipelines/surveys/index.ts';
import { bootstrapDistribution } from '../../../../pipelines/surveys/bootstrap.ts';
import { bootstrapSpearman } from '../../../../pipelines/surveys/bootstrap-spearman.ts';
import { crossValidateRidge, fitRidge } from '../../../../pipelines/surveys/ridge.ts';

/** Calls with independent random measures; CSAT/NPS depend on frustration time by `effect`. */
function generated(n: number, effect: number, seed: number): SurveyedCall[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const measures: Record<string, number | null> = {};
    for (const m of SURVEY_MEASURES) measures[m.name] = rng.next() < 0.1 ? null : rng.normal();
    const anger = rng.next() * 60;
    measures.customerAngerS = anger;
    const latent = -effect * ((anger - 30) / 17) + rng.normal();
    const csat = Math.min(5, Math.max(1, Math.round(3 + latent)));
    const nps = Math.min(10, Math.max(0, Math.round(7 + 2 * latent)));
    return { csat, nps: rng.next() < 0.2 ? null : nps, measures };
  });
}

describe('rank correlation', () => {
  it('gives tied values their average rank (scipy.stats.spearmanr documentation example)', () => {
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
    expect(spearman([1, 2, 3], [9, 4, 1])).toBe(-1);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('ridge', () => {
  it('recovers a linear relation and shrinks towards the mean as lambda grows', () => {
    const rng = createRng(7);
    const rows = Array.from({ length: 200 }, () => {
      const a = rng.normal();
      const b = rng.normal();
      return { features: [a, b], target: 2 + 3 * a + 0.01 * rng.normal() };
    });
    const model = fitRidge(rows, 0);
    const sdA = model.scales[0];
    expect(model.coefficients[0] / sdA).toBeCloseTo(3, 1);
    expect(Math.abs(model.coefficients[1])).toBeLessThan(0.05);
    expect(Math.abs(fitRidge(rows, 1e6).coefficients[0])).toBeLessThan(0.1);
    const cv = crossValidateRidge(rows, 5, 1, createRng(1));
    expect(cv.rmse).toBeLessThan(0.1 * cv.baselineRmse);
  });
});

describe('csat report', () => {
  it('recovers a planted effect: the interval of the planted measure excludes 0, the model beats the mean', () => {
    const report = csatReport(generated(300, 0.8, 11), { resamples: 1000 });
    const anger = report.measures.find((m) => m.name === 'customerAngerS');
    expect(anger?.csat.rho).toBeLessThan(-0.3);
    expect(anger?.csat.ci95?.[1]).toBeLessThan(0);
    expect(anger?.csat.evidence).toBe(true);
    expect(anger?.nps.evidence).toBe(true);
    const others = report.measures.filter((m) => m.name !== 'customerAngerS');
    expect(others.filter((m) => m.csat.evidence || m.nps.evidence)).toEqual([]);
    expect(report.model?.beatsBaseline).toBe(true);
    expect(report.model?.rmse).toBeLessThan(report.model?.baselineRmse ?? 0);
    expect(report.model?.coefficients.customerAngerS).toBeLessThan(-0.3);
  });

  it.each([1, 2, 3])('finds nothing when no effect is planted (seed %i)', (seed) => {
    const report = csatReport(generated(300, 0, seed), { resamples: 1000 });
    expect(report.measures.filter((m) => m.csat.evidence || m.nps.evidence)).toEqual([]);
    // Unadjusted 95 % intervals may miss 0 by chance (about 1 in 20); most must hold it.
    const intervals = report.measures.flatMap((m) => [m.csat.ci95, m.nps.ci95]).filter((ci) => ci !== null);
    const holding = intervals.filter((ci) => ci[0] <= 0 && ci[1] >= 0).length;
    expect(holding / intervals.length).toBeGreaterThanOrEqual(0.85);
    expect(report.model?.beatsBaseline).toBe(false);
    expect(report.model?.r2).toBeLessThan(0.02);
  });

  it('is reproducible for a seed and reports nothing below the minimum pairs', () => {
    const calls = generated(60, 0.5, 5);
    expect(csatReport(calls, { resamples: 200 })).toEqual(csatReport(calls, { resamples: 200 }));
    const few = csatReport(calls.slice(0, 5), { resamples: 50 });
    expect(few.measures.every((m) => m.csat.rho === null && m.csat.ci95 === null)).toBe(true);
    expect(few.model).toBeNull();
  });
});

describe('bootstrap of rho', () => {
  it('ranks each resample by counts exactly as re-sorting it would (same draws, same rho)', () => {
    const rng = createRng(3);
    // Few distinct values: ties within the data and copies drawn by the resample.
    const x = Float64Array.from({ length: 80 }, () => Math.floor(rng.next() * 5));
    const y = Float64Array.from(x, (v) => v + Math.floor(rng.next() * 4));
    const fast = bootstrapSpearman(x, y, 300, createRng(9));
    const slow = bootstrapDistribution(x, y, spearman, 300, createRng(9));
    expect(fast.length).toBe(slow.length);
    fast.forEach((v, i) => expect(v).toBeCloseTo(slow[i], 10));
  });
});
