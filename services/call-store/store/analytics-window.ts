// Analytics withdrawn mid-call (calls.analytics_until_ms, migration 018): no analysis of audio at or
// after that audio time is kept. Analysis of it can still arrive after the withdrawal (a stream
// resumed on another gateway, the dsp-worker analysing a call again after it forgot the call's
// final chunks), and with store_features kept it was stored and shown on the QA page (review).
// Windows, emotions, dynamics windows and alerts (an alert describes the audio it starts at) are
// dropped at ingest and, when they reached the store before the withdrawal, deleted. I/O: database.
import type { SqlExecutor } from '../backend/backend.ts';

/**
 * A WHERE clause for an INSERT … SELECT over `jsonb_to_recordset(…) AS x(tenant, "callId",
 * "startMs", …)`: only the rows of audio before their call's withdrawal (or of a call without one).
 */
export const BEFORE_ANALYTICS_WITHDRAWN = `WHERE NOT EXISTS (SELECT 1 FROM calls c
  WHERE c.tenant = x.tenant AND c.call_id = x."callId" AND x."startMs" >= c.analytics_until_ms)`;

/** Rows of the call ($1 tenant, $2 call id) describing audio after its analytics was withdrawn. */
const AFTER_WITHDRAWAL = `tenant = $1 AND call_id = $2 AND start_ms >= (SELECT analytics_until_ms FROM calls
  WHERE tenant = $1 AND call_id = $2)`;

/**
 * Deletes what describes the call's audio at or after its withdrawal: the detail rows, the alerts
 * and their acknowledgements, and its stored timeline (built from them). Returns the rows deleted.
 * Nothing for a call whose analytics was never withdrawn (NULL compares to nothing). The caller
 * moves the alert counts (alert-counts.ts).
 */
export async function deleteAfterAnalyticsWithdrawn(
  tx: SqlExecutor,
  tenant: string,
  callId: string,
): Promise<number> {
  let deleted = 0;
  for (const table of ['speaker_windows', 'emotion_events', 'dynamics_windows'])
    deleted += await countDeleted(tx, `DELETE FROM ${table} WHERE ${AFTER_WITHDRAWAL}`, tenant, callId);
  await tx.query(
    `DELETE FROM alert_acks WHERE tenant = $1 AND alert_id IN (SELECT alert_id FROM alerts WHERE ${AFTER_WITHDRAWAL})`,
    [tenant, callId],
  );
  deleted += await countDeleted(tx, `DELETE FROM alerts WHERE ${AFTER_WITHDRAWAL}`, tenant, callId);
  if (deleted > 0)
    await tx.query('DELETE FROM call_timelines WHERE tenant = $1 AND call_id = $2', [tenant, callId]);
  return deleted;
}

async function countDeleted(tx: SqlExecutor, sql: string, tenant: string, callId: string): Promise<number> {
  const rows = await tx.query<{ n: number }>(
    `WITH d AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM d`,
    [tenant, callId],
  );
  return rows[0].n;
}
