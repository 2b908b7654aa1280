// Public entry of the customer-history stage: a call's customer mood (start / end) and the live
// one-line history. Pure.
export { customerMood, ESCALATION_SUFFIX, MOOD_SPAN_MS } from './customer-mood.ts';
export type { CustomerMood, MoodEmotion, MoodEnd } from './customer-mood.ts';
export { historyLine, ordinal } from './history-line.ts';
export type { HistorySummary } from './history-line.ts';
