// Public entry of the survey statistics: the measures read from stored calls and the CSAT/NPS
// report (rank correlations with bootstrap intervals, a cross-validated model). Pure.
export { csatReport, DEFAULT_REPORT_OPTIONS } from './report.ts';
export type * from './report.ts';
export { readMeasures, SURVEY_MEASURES } from './measures.ts';
export type { StoredCallMeasures, MeasureDefinition } from './measures.ts';
export { spearman, ranks } from './rank-correlation.ts';
