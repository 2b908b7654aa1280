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
export const AGENT_SIDE_MEASURES = [
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

/**
 * A text as an SQL escape-string literal (E'…': backslashes and quotes doubled), safe whatever
 * standard_conforming_strings says: a plain '…' with quotes doubled is not when a DBA turned it
 * off (a backslash then escapes the closing quote). The agent id comes from a token, so it is
 * quoted here, not trusted.
 */
export const sqlTextLiteral = (text: string) => `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/**
 * The agent-directed alerts of call `c` fired inside the legs of agent `agentId` that meet
 * `condition` (over alert `a`). An alert is in the leg whose start is the latest at or before it
 * (by audio time, then announcement: legSpans' order), the first leg's before any. Read on calls
 * of several legs only (leg_agents set), each a probe of its alerts and legs by (tenant, call id):
 * the call-level counts stay for every other call, and the list reads only the scope's calls.
 */
export function ownLegAlertCountSql(agentId: string, condition: string): string {
  const legs = `FROM call_legs l WHERE l.tenant = a.tenant AND l.call_id = a.call_id`;
  const legOf = `coalesce(
      (SELECT l.agent_id ${legs} AND l.start_ms <= a.start_ms
       ORDER BY l.start_ms DESC, l.announced_at DESC NULLS LAST LIMIT 1),
      (SELECT l.agent_id ${legs} ORDER BY l.start_ms, l.announced_at NULLS FIRST LIMIT 1))`;
  return `(SELECT count(*) FROM alerts a WHERE a.tenant = c.tenant AND a.call_id = c.call_id
    AND ${condition} AND ${legOf} = ${sqlTextLiteral(agentId)})`;
}
