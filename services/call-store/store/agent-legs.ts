// An agent's share of each call in the agent reports: on a call with legs (migration 019) the
// agent-side figures of that agent's own legs only (talk time, pace and tension compliance,
// overtalk, the alerts fired inside their legs); on a call without summarised legs (stored before
// 019, or not summarised yet) the call's own figures, as before. Pure (SQL text).
import type { Scope } from '../../shared/auth/call-access.ts';
import { AGENT_DIRECTED, UNACKED } from './alert-counts.ts';
import { alertCountColumns } from './search.ts';

const m = (key: string) => `(l.measures->>'${key}')::float8`;
const callMeasure = (key: string) => `(c.summary->>'${key}')::float8`;

/**
 * A LEFT JOIN LATERAL `g` over the legs of the agent (parameter `agentParam`) on call `c`: no row
 * when that agent has no summarised leg there. An agent's scope counts the alerts it was shown
 * (agent-directed), as its call-level counts do (migration 008).
 */
export function agentLegsJoin(scope: Scope, agentParam: string): string {
  const shown = scope.agentId === null ? 'true' : AGENT_DIRECTED;
  const inLeg = (condition: string) =>
    `(SELECT count(*) FROM alerts a WHERE a.tenant = l.tenant AND a.call_id = l.call_id
       AND a.start_ms >= ${m('fromMs')} AND a.start_ms < ${m('toMs')} AND ${condition})`;
  return `LEFT JOIN LATERAL (
    SELECT count(*) AS n, sum(${m('durationMs')}) AS duration_ms,
      avg(${m('agentPaceCompliance')}) AS pace, avg(${m('agentTensionCompliance')}) AS tension,
      sum(${m('overtalkCount')}) AS overtalk, sum(${inLeg(shown)}) AS alerts,
      sum(${inLeg(`${shown} AND NOT ${UNACKED}`)}) AS acked
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
