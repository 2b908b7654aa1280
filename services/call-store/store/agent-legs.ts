// An agent's share of each call in the agent reports: on a call with legs (migration 019) the
// agent-side figures of that agent's own legs only (talk time, pace and tension compliance,
// overtalk, the alerts fired inside their legs); on a call without summarised legs (stored before
// 019, or not summarised yet) the call's own figures, as before. Pure (SQL text).
import type { Scope } from '../../shared/auth/call-access.ts';
import { AGENT_DIRECTED, UNACKED } from './alert-counts.ts';
import { alertCountColumns } from './search.ts';
import { ESCALATION_ID_SUFFIX } from '../../../pipelines/scorecard/index.ts';

/** Alert `e` of `a`'s call looks like an escalation (stored before 023 without its link: by its id). */
const UNLINKED = (e: string) =>
  `(${e}.escalation_of IS NULL AND ${e}.alert_id LIKE '%${ESCALATION_ID_SUFFIX}')`;
/** Alert `q` of `a`'s call is a cue (not an escalation). */
const CUE = (q: string) =>
  `(${q}.escalation_of IS NULL AND ${q}.alert_id NOT LIKE '%${ESCALATION_ID_SUFFIX}')`;
const SAME_RULE = (q: string, r: string) =>
  `${q}.tenant = ${r}.tenant AND ${q}.call_id = ${r}.call_id AND ${q}.rule_id = ${r}.rule_id
   AND ${q}.channel IS NOT DISTINCT FROM ${r}.channel`;
/** `a` is an escalation whose cue is stored (alert-episodes.ts: its link, else its rule's latest cue before it). */
const JOINED_ESCALATION = `((a.escalation_of IS NOT NULL AND EXISTS (SELECT 1 FROM alerts q
    WHERE q.tenant = a.tenant AND q.call_id = a.call_id AND q.alert_id = a.escalation_of))
  OR (${UNLINKED('a')} AND EXISTS (SELECT 1 FROM alerts q WHERE ${SAME_RULE('q', 'a')}
    AND ${CUE('q')} AND q.start_ms <= a.start_ms)))`;
/** The cue `a` has an acknowledged escalation. */
const ESCALATION_ACKED = `EXISTS (SELECT 1 FROM alerts e JOIN alert_acks k ON k.tenant = e.tenant AND k.alert_id = e.alert_id
  WHERE e.tenant = a.tenant AND e.call_id = a.call_id AND (e.escalation_of = a.alert_id
    OR (${UNLINKED('e')} AND ${SAME_RULE('e', 'a')} AND e.start_ms >= a.start_ms
      AND NOT EXISTS (SELECT 1 FROM alerts m WHERE ${SAME_RULE('m', 'a')} AND ${CUE('m')}
        AND (m.start_ms, m.alert_id) > (a.start_ms, a.alert_id) AND m.start_ms <= e.start_ms))))`;

const m = (key: string) => `(l.measures->>'${key}')::float8`;
const callMeasure = (key: string) => `(c.summary->>'${key}')::float8`;

/**
 * A LEFT JOIN LATERAL `g` over the legs of the agent (parameter `agentParam`) on call `c`: no row
 * when that agent has no summarised leg there. An agent's scope counts the alerts it was shown
 * (agent-directed), as its call-level counts do (migration 008).
 */
export function agentLegsJoin(scope: Scope, agentParam: string): string {
  // Staff count episodes, as the call list and the summary do (alert-counts.ts): an escalation of
  // a stored alert is part of that alert's, handled when either was acknowledged. An agent's
  // scope is never shown an escalation (its audience is supervisors).
  const shown = scope.agentId === null ? `NOT ${JOINED_ESCALATION}` : AGENT_DIRECTED;
  const acked = scope.agentId === null ? `(NOT ${UNACKED} OR ${ESCALATION_ACKED})` : `NOT ${UNACKED}`;
  const inLeg = (condition: string) =>
    `(SELECT count(*) FROM alerts a WHERE a.tenant = l.tenant AND a.call_id = l.call_id
       AND a.start_ms >= ${m('fromMs')} AND a.start_ms < ${m('toMs')} AND ${condition})`;
  return `LEFT JOIN LATERAL (
    SELECT count(*) AS n, sum(${m('durationMs')}) AS duration_ms,
      avg(${m('agentPaceCompliance')}) AS pace, avg(${m('agentTensionCompliance')}) AS tension,
      sum(${m('overtalkCount')}) AS overtalk, sum(${inLeg(shown)}) AS alerts,
      sum(${inLeg(`${shown} AND ${acked}`)}) AS acked
    FROM call_legs l
    WHERE l.tenant = c.tenant AND l.call_id = c.call_id AND l.agent_id = ${agentParam} AND l.measures IS NOT NULL
    HAVING count(*) > 0) g ON true`;
}

/** The agent's figure of the call: its legs' (`g`) when it has any, else the call's. */
const either = (legs: string, call: string) => `CASE WHEN g.n IS NULL THEN ${call} ELSE ${legs} END`;

/** The agent-side columns of the agent summary, per call, to aggregate. */
export function agentShareColumns(scope: Scope) {
  const { count, unacked } = alertCountColumns(scope);
  return {
    durationMs: either('g.duration_ms', 'c.duration_ms'),
    pace: either('g.pace', callMeasure('agentPaceCompliance')),
    tension: either('g.tension', callMeasure('agentTensionCompliance')),
    overtalk: either('g.overtalk', callMeasure('overtalkCount')),
    alerts: either('g.alerts', count),
    acked: either('g.acked', `${count} - ${unacked}`),
  };
}
