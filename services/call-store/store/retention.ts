// Per-tenant retention: settings (days) and the scheduled purge that deletes calls older than their
// tenant's retention together with every row that belongs to them. I/O: database.
import type { SqlBackend } from '../backend/backend.ts';
import { StoreError } from '../errors.ts';

const CHILD_TABLES = [
  'speaker_windows',
  'emotion_events',
  'dynamics_windows',
  'alerts',
  'alert_acks',
  'reviews',
  'call_timelines',
];

export async function setRetention(db: SqlBackend, tenant: string, days: number): Promise<void> {
  if (!Number.isInteger(days) || days < 1 || days > 36_500) {
    throw new StoreError('INVALID_BODY', 'invalid retention', ['retentionDays: an integer from 1 to 36500']);
  }
  await db.query(
    `INSERT INTO tenant_settings (tenant, retention_days) VALUES ($1, $2)
     ON CONFLICT (tenant) DO UPDATE SET retention_days = excluded.retention_days, updated_at = now()`,
    [tenant, days],
  );
}

/**
 * Deletes the calls whose start is older than their tenant's retention (tenants without a setting
 * use `defaultDays`, null = keep). Returns the number of calls purged per tenant.
 */
export async function purgeExpired(
  db: SqlBackend,
  defaultDays: number | null,
  now: Date = new Date(),
): Promise<Record<string, number>> {
  return db.transaction(async (tx) => {
    const expired = await tx.query<{ call_id: string; tenant: string }>(
      `SELECT c.call_id, c.tenant FROM calls c LEFT JOIN tenant_settings t ON t.tenant = c.tenant
       WHERE coalesce(t.retention_days, $1::int) IS NOT NULL
         AND c.started_at < $2::timestamptz - coalesce(t.retention_days, $1::int) * interval '1 day'`,
      [defaultDays, now.toISOString()],
    );
    const purged: Record<string, number> = {};
    if (expired.length === 0) return purged;
    // A call is (tenant, call id): purging one tenant's call never touches another's with the same id.
    const pairs = JSON.stringify(expired.map((row) => ({ tenant: row.tenant, callId: row.call_id })));
    const expiredPairs = `SELECT tenant, "callId" FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text)`;
    for (const table of [...CHILD_TABLES, 'calls']) {
      await tx.query(`DELETE FROM ${table} WHERE (tenant, call_id) IN (${expiredPairs})`, [pairs]);
    }
    for (const row of expired) purged[row.tenant] = (purged[row.tenant] ?? 0) + 1;
    return purged;
  });
}
