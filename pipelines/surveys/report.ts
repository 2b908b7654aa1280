// The CSAT/NPS report: for every stored call measure, Spearman's rho with CSAT and with NPS, a
// percentile-bootstrap 95 % interval and a simultaneous (Bonferroni) interval over every rho of the
// report, and a cross-validated ridge model of CSAT from all measures against a baseline that
// predicts the mean. Seeded: the same rows and options give the same report. Pure, no I/O.
import { createRng } from '../emotion/train/rng.ts';
import { bootstrapDistribution, percentileInterval } from './bootstrap.ts';
import { bootstrapSpearman } from './bootstrap-spearman.ts';
import { SURVEY_MEASURES } from './measures.ts';
import { spearman } from './rank-correlation.ts';
import { crossValidateRidge, fitRidge, type RegressionRow } from './ridge.ts';

/** One surveyed call: its scores (null = not asked / not answered) and its measures by name. */
export interface SurveyedCall {
  csat: number | null;
  nps: number | null;
  measures: Record<string, number | null>;
}

export interface CsatReportOptions {
  seed: number;
  resamples: number;
  folds: number;
  /** Ridge penalty on standardised features. */
  ridgeLambda: number;
  /** Fewer pairs than this: no correlation is reported (rho null). */
  minPairs: number;
}

export const DEFAULT_REPORT_OPTIONS: CsatReportOptions = {
  seed: 1,
  resamples: 2000,
  folds: 5,
  ridgeLambda: 10,
  minPairs: 10,
};

export type SurveyTarget = 'csat' | 'nps';

export interface Correlation {
  n: number;
  rho: number | null;
  ci95: [number, number] | null;
  /** Holds every rho of the report at once with 95 % confidence (Bonferroni). */
  ciFamily: [number, number] | null;
  /** The simultaneous interval excludes 0: an association that survives testing every measure. */
  evidence: boolean;
}

export interface MeasureCorrelations {
  name: string;
  label: string;
  csat: Correlation;
  nps: Correlation;
}

export interface CsatModelReport {
  n: number;
  features: string[];
  folds: number;
  ridgeLambda: number;
  rmse: number;
  baselineRmse: number;
  /** 1 − MSE(model) / MSE(baseline), both cross-validated; ≤ 0: no better than the mean. */
  r2: number;
  /** Mean squared-error gain per call over the baseline, with its bootstrap 95 % interval. */
  gain: { mean: number; ci95: [number, number] | null };
  /** The gain's interval lies above 0. */
  beatsBaseline: boolean;
  /** Of a model fitted on every call, per standardised measure (CSAT points per SD). */
  coefficients: Record<string, number>;
}

export interface CsatReport {
  version: 1;
  calls: number;
  withCsat: number;
  withNps: number;
  options: CsatReportOptions;
  familyLevel: number;
  measures: MeasureCorrelations[];
  model: CsatModelReport | null;
}

function pairs(calls: readonly SurveyedCall[], measure: string, target: SurveyTarget) {
  const x: number[] = [];
  const y: number[] = [];
  for (const call of calls) {
    const m = call.measures[measure];
    const t = call[target];
    if (m === null || m === undefined || t === null) continue;
    x.push(m);
    y.push(t);
  }
  return { x: Float64Array.from(x), y: Float64Array.from(y) };
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;
const roundPair = (p: [number, number] | null): [number, number] | null =>
  p ? [round(p[0]), round(p[1])] : null;

function modelReport(calls: readonly SurveyedCall[], options: CsatReportOptions): CsatModelReport | null {
  const rated = calls.filter((c) => c.csat !== null);
  // A measure known for under half the calls would be mostly imputed: left out of the model.
  const features = SURVEY_MEASURES.map((m) => m.name).filter((name) => {
    const values = rated
      .map((c) => c.measures[name])
      .filter((v): v is number => v !== null && v !== undefined);
    return values.length * 2 >= rated.length && new Set(values).size > 1;
  });
  if (rated.length < options.folds * 2 || features.length === 0) return null;
  const rows: RegressionRow[] = rated.map((c) => ({
    features: features.map((f) => c.measures[f] ?? null),
    target: c.csat as number,
  }));
  const rng = createRng(options.seed + 1);
  const cv = crossValidateRidge(rows, options.folds, options.ridgeLambda, rng);
  const gains = bootstrapDistribution(
    cv.baselineSquaredErrors,
    cv.modelSquaredErrors,
    (base, model) => base.reduce((s, b, i) => s + b - model[i], 0) / base.length,
    options.resamples,
    rng,
  );
  const meanGain =
    cv.baselineSquaredErrors.reduce((s, b, i) => s + b - cv.modelSquaredErrors[i], 0) / rows.length;
  const ci = percentileInterval(gains, 0.95);
  const full = fitRidge(rows, options.ridgeLambda);
  return {
    n: rows.length,
    features,
    folds: options.folds,
    ridgeLambda: options.ridgeLambda,
    rmse: round(cv.rmse),
    baselineRmse: round(cv.baselineRmse),
    r2: round(cv.baselineRmse > 0 ? 1 - cv.rmse ** 2 / cv.baselineRmse ** 2 : 0),
    gain: { mean: round(meanGain), ci95: roundPair(ci) },
    beatsBaseline: ci !== null && ci[0] > 0,
    coefficients: Object.fromEntries(features.map((f, j) => [f, round(full.coefficients[j])])),
  };
}

export function csatReport(
  calls: readonly SurveyedCall[],
  overrides: Partial<CsatReportOptions> = {},
): CsatReport {
  const options = { ...DEFAULT_REPORT_OPTIONS, ...overrides };
  const rng = createRng(options.seed);
  const targets: SurveyTarget[] = ['csat', 'nps'];
  const pending = SURVEY_MEASURES.flatMap((measure) =>
    targets.map((target) => {
      const { x, y } = pairs(calls, measure.name, target);
      const rho = x.length >= options.minPairs ? spearman(x, y) : null;
      const distribution =
        rho === null ? new Float64Array() : bootstrapSpearman(x, y, options.resamples, rng);
      return { measure, target, n: x.length, rho, distribution };
    }),
  );
  const tests = pending.filter((p) => p.rho !== null).length;
  const familyLevel = 1 - 0.05 / Math.max(1, tests);
  const correlation = (p: (typeof pending)[number]): Correlation => {
    const family = percentileInterval(p.distribution, familyLevel);
    return {
      n: p.n,
      rho: p.rho === null ? null : round(p.rho),
      ci95: roundPair(percentileInterval(p.distribution, 0.95)),
      ciFamily: roundPair(family),
      evidence: family !== null && (family[0] > 0 || family[1] < 0),
    };
  };
  const measures = SURVEY_MEASURES.map((measure) => {
    const of = (target: SurveyTarget) =>
      correlation(
        pending.find((p) => p.measure === measure && p.target === target) as (typeof pending)[number],
      );
    return { name: measure.name, label: measure.label, csat: of('csat'), nps: of('nps') };
  });
  return {
    version: 1,
    calls: calls.length,
    withCsat: calls.filter((c) => c.csat !== null).length,
    withNps: calls.filter((c) => c.nps !== null).length,
    options,
    familyLevel: round(familyLevel, 6),
    measures,
    model: modelReport(calls, options),
  };
}
