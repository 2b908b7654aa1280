// What an agent reads of a call on which another agent also had a leg (a transfer): the voice
// analysis of their own legs only. The timeline's and exports' agent-channel windows and emotions
// and the call's dynamics (overtalk, talk ratio, mutual silence: both voices at once) outside
// their legs are the other agent's; the summary's and scorecard's agent-side whole-call figures
// would let them subtract their own leg (GET /calls/{id} `legs` gives them their own figures).
// Supervisors and QA read everything. Pure.
import type { Scope } from '../../shared/auth/call-access.ts';

/** Where in audio time one of the reader's legs runs (toMs null: to the live call's end). */
export interface OwnSpan {
  fromMs: number;
  toMs: number | null;
}

/**
 * The reader's own legs when they must not read the rest of the call: an agent on a call with
 * another agent's leg. Null: nothing to hide (staff, or every leg is the agent's).
 */
export function hiddenOutsideOwnLegs(
  scope: Scope,
  legs: readonly { agentId: string; fromMs: number; toMs: number | null }[],
): OwnSpan[] | null {
  if (scope.agentId === null || legs.every((l) => l.agentId === scope.agentId)) return null;
  return legs.filter((l) => l.agentId === scope.agentId).map(({ fromMs, toMs }) => ({ fromMs, toMs }));
}

/** A row starting at `startMs` (audio time) lies inside one of the reader's legs. */
export function insideOwnLegs(startMs: number, spans: readonly OwnSpan[]): boolean {
  return spans.some((s) => startMs >= s.fromMs && (s.toMs === null || startMs < s.toMs));
}

/** The same test in SQL over column `startMs`, the spans being JSON text parameter `param`. */
export function insideOwnLegsSql(startMs: string, param: string): string {
  return `EXISTS (SELECT 1 FROM jsonb_to_recordset(${param}::text::jsonb) AS s("fromMs" int, "toMs" int)
    WHERE ${startMs} >= s."fromMs" AND (s."toMs" IS NULL OR ${startMs} < s."toMs"))`;
}

/** The summary's agent-side figures (and the mutual silence, which spans both agents' audio). */
const AGENT_SIDE_MEASURES = [
  'agentSpeechS',
  'agentPaceCompliance',
  'agentTensionCompliance',
  'overtalkCount',
  'overtalkPerMin',
  'longestMutualSilenceMs',
  'talkRatioAgent',
] as const;

/** The scorecard parts measured over those figures. */
const AGENT_SIDE_PARTS = new Set(['agentPace', 'agentTension', 'overtalk', 'mutualSilence', 'talkRatio']);

/** The summary without its whole-call agent-side figures (null: the reader has their legs'). */
export function summaryWithoutOtherLegs(summary: unknown): unknown {
  if (summary === null || typeof summary !== 'object') return summary;
  return { ...summary, ...Object.fromEntries(AGENT_SIDE_MEASURES.map((key) => [key, null])) };
}

/** The scorecard with its agent-side parts' value and measure hidden; the score stays whole-call. */
export function scorecardWithoutOtherLegs(scorecard: unknown): unknown {
  const parts = (scorecard as { parts?: unknown } | null)?.parts;
  if (!Array.isArray(parts)) return scorecard;
  return {
    ...(scorecard as object),
    parts: parts.map((part: { name?: string }) =>
      AGENT_SIDE_PARTS.has(part.name ?? '') ? { ...part, value: null, measure: null } : part,
    ),
  };
}
