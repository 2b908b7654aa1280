// A call's alerts as the scorecard reads them, and the summary's alert figures recomputed over them
// where the rest of the call cannot be: a call stored without its features (no consent) keeps only
// its summary and its alert rows once summarised, and a late alert or an earlier acknowledgement
// (records arrive at least once, in no order across topics) left its `ackDelaysS`, counts,
// `alertHandling` part and score as first summarised. I/O: database.
import { audienceOf } from '../../shared/auth/alert-audience.ts';
import {
  agentAlertMeasures,
  alertHandlingPart,
  alertMeasures,
  combine,
  unscoredReason,
  type CallMeasures,
  type ScoreAlert,
  type ScorePart,
} from '../../../pipelines/scorecard/index.ts';
import type { SqlExecutor } from '../backend/backend.ts';
import { jsonParam } from './rows.ts';

/** The call's alerts with their earliest acknowledgement, in the QA API's order (calls.ts listAlerts). */
export async function loadScoreAlerts(
  tx: SqlExecutor,
  tenant: string,
  callId: string,
): Promise<ScoreAlert[]> {
  const alerts = await tx.query<Record<string, unknown>>(
    `SELECT a.alert_id, a.rule_id, a.channel, a.start_ms, a.fired_at, k.acked_at, a.escalation_of, a.audience
       FROM alerts a LEFT JOIN alert_acks k ON k.tenant = a.tenant AND k.alert_id = a.alert_id
       WHERE a.tenant = $1 AND a.call_id = $2 ORDER BY a.start_ms, a.alert_id`,
    [tenant, callId],
  );
  return alerts.map((r) => ({
    alertId: String(r.alert_id),
    ruleId: String(r.rule_id),
    startMs: Number(r.start_ms),
    firedAtMs: new Date(r.fired_at as string).getTime(),
    ackedAtMs: r.acked_at ? new Date(r.acked_at as string).getTime() : null,
    channel: (r.channel ?? null) as string | null,
    escalationOf: (r.escalation_of ?? null) as string | null,
    // The column is the record's list comma-joined; the QA API reads it the same way (audience.ts).
    audience: audienceOf(String(r.audience).split(',')),
  }));
}

interface StoredScorecard {
  parts: ScorePart[];
  unscored: string | null;
}

/**
 * The stored summary's alert figures, and its scorecard's alertHandling part and score, over the
 * call's alerts now. The other parts stay as summarised (their detail rows are gone). No-op for a
 * call never summarised.
 */
export async function resummariseAlerts(tx: SqlExecutor, tenant: string, callId: string): Promise<void> {
  const rows = await tx.query<{ summary: unknown; scorecard: unknown }>(
    'SELECT summary, scorecard FROM calls WHERE tenant = $1 AND call_id = $2',
    [tenant, callId],
  );
  const stored = rows[0]?.summary as CallMeasures | null | undefined;
  if (!stored) return;
  const alerts = await loadScoreAlerts(tx, tenant, callId);
  const summary: CallMeasures = { ...stored, ...alertMeasures(alerts) };
  const card = rows[0].scorecard as StoredScorecard | null;
  // An erased agent's call has no scorecard (finalize.ts): none is made up here.
  const parts = card?.parts.map((p) =>
    p.name === 'alertHandling' ? alertHandlingPart(agentAlertMeasures(alerts)) : p,
  );
  const unscored = parts ? unscoredReason(summary, parts) : null;
  const score = parts && unscored === null ? combine(parts) : null;
  await tx.query(
    `UPDATE calls SET summary = $3::text::jsonb,
       scorecard = CASE WHEN scorecard IS NULL THEN NULL ELSE $4::text::jsonb END,
       score = CASE WHEN scorecard IS NULL THEN score ELSE $5 END
     WHERE tenant = $1 AND call_id = $2`,
    [tenant, callId, jsonParam(summary), jsonParam(card ? { ...card, parts, unscored, score } : null), score],
  );
}
