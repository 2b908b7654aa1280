// Setting a QA reviewer's verdict on one alert (PUT /calls/{id}/alerts/{alertId}/verdict), in the
// reader's scope like every call read, the latest write winning (alert-verdicts.ts). I/O: database.
import type { SqlBackend } from '../backend/backend.ts';
import { StoreError, issueLines } from '../errors.ts';
import type { Scope } from '../../shared/auth/call-access.ts';
import { loadCallRow } from './calls.ts';
import { listVerdicts, verdictBodySchema, verdictItem, type AlertVerdict } from './alert-verdicts.ts';

/**
 * Sets the alert's verdict (the reviewer's, replacing any earlier one). Idempotent: the same body
 * again changes nothing, not even `judgedAt`. The call is looked up in the scope first (another
 * tenant's or team's call: NOT_FOUND, as for the call itself); an alert the call does not have is
 * UNKNOWN_ALERT.
 */
export async function putVerdict(
  db: SqlBackend,
  scope: Scope,
  callId: string,
  alertId: string,
  reviewer: string,
  body: unknown,
): Promise<AlertVerdict & { alertId: string }> {
  const parsed = verdictBodySchema.safeParse(body);
  if (!parsed.success)
    throw new StoreError('INVALID_BODY', 'invalid verdict', issueLines(parsed.error.issues));
  const row = await loadCallRow(db, scope, callId);
  const { verdict, reason } = parsed.data;
  // The call's row first (KEY SHARE, as a review holds it), then the alert's, until the verdict
  // commits: an erasure (which takes the call FOR UPDATE, then deletes the verdicts, then the
  // alerts) either waits for the verdict and deletes it, or goes first and the PUT then finds the
  // call gone (NOT_FOUND). Holding the alert alone deadlocked with an erasure between its two
  // deletes (the PUT waiting for the deleted verdict, the erasure for the alert): a 500 (review).
  const rows = await db.transaction(async (tx) => {
    const held = await tx.query('SELECT 1 FROM calls WHERE tenant = $1 AND call_id = $2 FOR KEY SHARE', [
      row.tenant,
      callId,
    ]);
    if (held.length === 0) return [];
    return tx.query<Record<string, unknown>>(
      `INSERT INTO alert_verdicts AS v (tenant, alert_id, call_id, verdict, reason, reviewer)
       SELECT a.tenant, a.alert_id, a.call_id, $4, $5, $6 FROM alerts a
       WHERE a.tenant = $1 AND a.call_id = $2 AND a.alert_id = $3 FOR KEY SHARE
       ON CONFLICT (tenant, alert_id) DO UPDATE
         SET verdict = EXCLUDED.verdict, reason = EXCLUDED.reason, reviewer = EXCLUDED.reviewer, judged_at = now()
         WHERE (v.verdict, v.reason, v.reviewer) IS DISTINCT FROM (EXCLUDED.verdict, EXCLUDED.reason, EXCLUDED.reviewer)
       RETURNING verdict, reason, reviewer, judged_at`,
      [row.tenant, callId, alertId, verdict, reason, reviewer],
    );
  });
  if (rows.length > 0) return { alertId, ...verdictItem(rows[0]) };
  // Nothing written: the same verdict again, no such alert on the call, or the call erased
  // meanwhile (then NOT_FOUND, as for the call itself).
  const same = (await listVerdicts(db, row.tenant, callId)).get(alertId);
  if (same) return { alertId, ...same };
  await loadCallRow(db, scope, callId);
  throw new StoreError('UNKNOWN_ALERT', `the call has no alert ${alertId}`, [
    'alertId: not an alert of this call',
  ]);
}
