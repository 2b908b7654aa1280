// The alert counts of the call list (search columns alerts_count, unacked_alerts and the agents'
// agent_alerts_count, agent_unacked_alerts), counted over alert episodes: an escalation to
// supervisors is part of its cue's episode, not a second alert, and acknowledging either handles
// the episode (pipelines/scorecard/alert-episodes.ts). An agent's counts are over the cues shown to
// agents and their own acknowledgements only: an agent does not see escalations (audience
// supervisor), and its counts must not tell that one was raised or acknowledged. I/O: database.
import { alertEpisodes } from '../../../pipelines/scorecard/index.ts';
import type { SqlExecutor } from '../backend/backend.ts';

/** An alert an agent's socket showed: its audience lists 'agent' (shared/auth/alert-audience.ts). */
export const AGENT_DIRECTED = `'agent' = ANY (string_to_array(a.audience, ','))`;
export const UNACKED = `NOT EXISTS (SELECT 1 FROM alert_acks k WHERE k.tenant = a.tenant AND k.alert_id = a.alert_id)`;

interface CountedAlert {
  alertId: string;
  ruleId: string;
  channel: string | null;
  startMs: number;
  escalationOf: string | null;
  agentDirected: boolean;
  acked: boolean;
}

/** The four counts of one call's alerts. Pure. */
export function alertCounts(alerts: readonly CountedAlert[]) {
  const episodes = alertEpisodes(alerts);
  const agents = alerts.filter((a) => a.agentDirected);
  return {
    alertsCount: episodes.length,
    unacked: episodes.filter((e) => !e.cue.acked && !e.escalations.some((a) => a.acked)).length,
    agentAlertsCount: agents.length,
    agentUnacked: agents.filter((a) => !a.acked).length,
  };
}

/** Recounts the call's list columns from its alert rows (kept without consent too). */
export async function updateAlertCounts(tx: SqlExecutor, tenant: string, callId: string): Promise<void> {
  // The call row first: a concurrent writer of the same call waits, and its rows are read after.
  // NO KEY UPDATE, the lock the UPDATE below takes anyway: FOR UPDATE also conflicts with the FOR
  // KEY SHARE of a survey import or a review (surveys.ts, calls.ts), which then deadlocked with a
  // batch recounting the same calls in another order (alert-counts-survey-deadlock.test.ts).
  await tx.query('SELECT 1 FROM calls WHERE tenant = $1 AND call_id = $2 FOR NO KEY UPDATE', [
    tenant,
    callId,
  ]);
  const rows = await tx.query<Record<string, unknown>>(
    `SELECT a.alert_id, a.rule_id, a.channel, a.start_ms, a.escalation_of, ${AGENT_DIRECTED} AS agent_directed,
       NOT ${UNACKED} AS acked
     FROM alerts a WHERE a.tenant = $1 AND a.call_id = $2 ORDER BY a.start_ms, a.alert_id`,
    [tenant, callId],
  );
  const counts = alertCounts(
    rows.map((r) => ({
      alertId: String(r.alert_id),
      ruleId: String(r.rule_id),
      channel: (r.channel ?? null) as string | null,
      startMs: Number(r.start_ms),
      escalationOf: (r.escalation_of ?? null) as string | null,
      agentDirected: r.agent_directed === true,
      acked: r.acked === true,
    })),
  );
  await tx.query(
    `UPDATE calls SET alerts_count = $3, unacked_alerts = $4, agent_alerts_count = $5,
       agent_unacked_alerts = $6 WHERE tenant = $1 AND call_id = $2`,
    [tenant, callId, counts.alertsCount, counts.unacked, counts.agentAlertsCount, counts.agentUnacked],
  );
}
