// The per-call measures the survey report relates to CSAT and NPS: what the call store keeps for
// every summarised call (scorecard parts and score, customer end mood, frustration time, agent pace
// and tension compliance, overtalk) plus the agent's median response latency from the dynamics
// windows (absent when the call's detail rows were not kept). Pure, no I/O.
import type { CallMeasures, ScorePartName } from '../scorecard/types.ts';

/** What the store holds for one call (its `summary` and `scorecard` columns, parsed). */
export interface StoredCallMeasures {
  summary: Partial<CallMeasures> | null;
  scorecard: { score: number | null; parts: { name: string; value: number | null }[] } | null;
  /** Median agent response latency over the call's dynamics windows; null when none. */
  agentResponseLatencyMs: number | null;
}

export interface MeasureDefinition {
  name: string;
  label: string;
  read(call: StoredCallMeasures): number | null;
}

/**
 * The scorecard parts related to the answers. Not agentPace and agentTension: their value is the
 * share the summary's agentPaceCompliance and agentTensionCompliance already are (the report listed
 * each twice, with the same ρ, and the Bonferroni correction counted them twice).
 */
const PART_LABELS: Partial<Record<ScorePartName, string>> = {
  customerTrajectory: 'Scorecard: customer mood trajectory',
  customerNegativeShare: 'Scorecard: customer negative speech',
  deEscalation: 'Scorecard: de-escalation',
  overtalk: 'Scorecard: overtalk',
  mutualSilence: 'Scorecard: mutual silence',
  talkRatio: 'Scorecard: talk ratio',
  alertHandling: 'Scorecard: alert handling',
};

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function summaryField(name: keyof CallMeasures, label: string): MeasureDefinition {
  return { name, label, read: (call) => finite(call.summary?.[name]) };
}

export const SURVEY_MEASURES: readonly MeasureDefinition[] = [
  { name: 'score', label: 'Scorecard: overall score', read: (call) => finite(call.scorecard?.score) },
  ...(Object.keys(PART_LABELS) as ScorePartName[]).map((part): MeasureDefinition => ({
    name: `part.${part}`,
    label: PART_LABELS[part]!,
    read: (call) => finite(call.scorecard?.parts.find((p) => p.name === part)?.value),
  })),
  summaryField('customerEndValence', 'Customer end state (valence of the last minute)'),
  summaryField('customerAngerS', 'Customer anger time (s)'),
  summaryField('agentPaceCompliance', 'Agent pace within limit (share)'),
  summaryField('agentTensionCompliance', 'Agent tension within limit (share)'),
  summaryField('overtalkPerMin', 'Overtalk (per minute)'),
  {
    name: 'agentResponseLatencyMs',
    label: 'Agent response latency (median ms)',
    read: (call) => finite(call.agentResponseLatencyMs),
  },
];

/** Every measure of one call, by name. */
export function readMeasures(call: StoredCallMeasures): Record<string, number | null> {
  return Object.fromEntries(SURVEY_MEASURES.map((m) => [m.name, m.read(call)]));
}
