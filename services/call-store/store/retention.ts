// Per-tenant retention: settings (days) and the scheduled purge that deletes calls older than their
// tenant's retention together with every row that belongs to them, and child rows that belong to
// no call. I/O: database.
import type { SqlBackend, SqlExecutor } from '../backend/backend.ts';
import { sqlStateOf } from '../backend/sql-state.ts';
import { callKey } from '../../shared/call-key.ts';
import { StoreError } from '../errors.ts';

import { CHILD_TABLES } from './child-tables.ts';
import { purgeOrphans } from './orphans.ts';
import { customerLockKey, lockCustomers } from './call-locks.ts';

export { CHILD_TABLES } from './child-tables.ts';

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

/** The days set over the API for a tenant, or null (its configuration or the default applies). */
export async function getRetention(db: SqlBackend, tenant: string): Promise<number | null> {
  const rows = await db.query<{ retention_days: number }>(
    'SELECT retention_days FROM tenant_settings WHERE tenant = $1',
    [tenant],
  );
  return rows.length === 0 ? null : Number(rows[0].retention_days);
}

/** Forgets the API's setting: the tenant is back on TENANT_RETENTION_DAYS or the default. */
export async function clearRetention(db: SqlBackend, tenant: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM tenant_settings WHERE tenant = $1 RETURNING tenant', [tenant]);
  return rows.length > 0;
}

export interface RetentionPolicy {
  /** Tenants without their own setting keep calls this many days; null = forever (explicit only). */
  defaultDays: number | null;
  /**
   * Per-tenant days from the configuration (TENANT_RETENTION_DAYS), for tenants without a setting
   * made over the API (PUT /tenants/:tenant/retention, which wins: it is the later decision).
   */
  tenantDays?: Readonly<Record<string, number>>;
  /** Child rows whose call is not in the store are deleted once received longer ago than this. */
  orphanGraceMs: number;
}

export interface PurgeResult {
  /** Expired calls deleted, per tenant (with every row of theirs). */
  calls: Record<string, number>;
  /** Child rows of no stored call deleted, per table. */
  orphanRows: Record<string, number>;
}

/**
 * How long an erased call's id (erased_calls), an erased customer's or agent's digest
 * (erased_customers, erased_agents) and
 * a key rotation's link (customer_ref_links, from its last start) are remembered: past the longest the topics may keep
 * a call's records for a replay (EVENT_RETENTION_MS up to 365 days; Kafka deletes a segment only
 * once its newest record is that old, and a quiet topic's segment rolls after 7 days) and the two
 * days a call may last. Ids and digests only; 9 days fell short of a 7-day topic's segments (review).
 */
export const ERASED_CALL_DAYS = 400;

/**
 * A tenant's retention in days (NULL: forever), for a row with a `tenant` column under `alias`:
 * the API's setting (tenant_settings joined as `t`), else TENANT_RETENTION_DAYS (`$tenantDays`,
 * JSON), else the default (`$defaultDays`). One expression for the purge and for the writes.
 */
function retentionDaysSql(alias: string, defaultDays: string, tenantDays: string): string {
  return `coalesce(t.retention_days, (${tenantDays}::text::jsonb ->> ${alias}.tenant)::int, ${defaultDays}::int)`;
}

/**
 * The (tenant, call id) keys of call starts already past their tenant's retention, of calls the
 * store does not hold: a replay of the topics (a consumer-group reset, a new store) must not bring
 * back what the purge deleted, and such a call would be purged at the next run anyway. A reused id
 * starts now, so it is not one. A call still stored (a live call longer than its retention, until
 * the purge) keeps its records: its resumed start may narrow its consent, its end must land.
 */
export async function expiredStarts(
  db: SqlExecutor,
  policy: Pick<RetentionPolicy, 'defaultDays' | 'tenantDays'>,
  starts: readonly { tenant: string; callId: string; startedAt: string }[],
  now: Date = new Date(),
): Promise<Set<string>> {
  if (starts.length === 0) return new Set();
  const rows = await db.query<{ tenant: string; call_id: string }>(
    `SELECT x.tenant, x."callId" AS call_id
     FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text, "startedAt" timestamptz)
     LEFT JOIN tenant_settings t ON t.tenant = x.tenant
     CROSS JOIN LATERAL (SELECT ${retentionDaysSql('x', '$2', '$3')} AS days) r
     WHERE r.days IS NOT NULL AND x."startedAt" < $4::timestamptz - r.days * interval '1 day'
       AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.tenant = x.tenant AND c.call_id = x."callId")`,
    [
      JSON.stringify(starts.map(({ tenant, callId, startedAt }) => ({ tenant, callId, startedAt }))),
      policy.defaultDays,
      JSON.stringify(policy.tenantDays ?? {}),
      now.toISOString(),
    ],
  );
  return new Set(rows.map((row) => callKey(row.tenant, row.call_id)));
}

/** Expired calls per purge transaction: a tenant moving from 365 to 90 days is many of them. */
export const PURGE_BATCH_CALLS = 500;

export interface PurgeOptions {
  /** Calls per transaction (PURGE_BATCH_CALLS; tests make it small). */
  batchCalls?: number;
  /** Pages per statement of the orphan check's first pass (orphans.ts). */
  firstPassBlocks?: number;
}

/**
 * Deletes the calls whose start is older than their tenant's retention, with every row that
 * belongs to them, then the orphans (orphans.ts): child rows whose (tenant, call id) has no call —
 * it never arrived (rows from before migration 004 with tenant ''), or it was purged before they
 * came — once they are older than the grace (their call start may still be on its way). Nothing of
 * an expired call stays, so a client reusing its id starts from nothing.
 */
export async function purgeExpired(
  db: SqlBackend,
  policy: RetentionPolicy,
  now: Date = new Date(),
  options: PurgeOptions = {},
): Promise<PurgeResult> {
  // In statements of their own, before the rest (they need nothing of the purge's transactions).
  // A key rotation's links (customer-relink.ts) as long: a replay may bring a start that carries
  // the previous pseudonym alone for as long, refreshed by every start of the rotation.
  for (const [table, column] of [
    ['erased_calls', 'erased_at'],
    ['erased_customers', 'erased_at'],
    ['erased_agents', 'erased_at'],
    ['customer_ref_links', 'linked_at'],
  ]) {
    await db.query(`DELETE FROM ${table} WHERE ${column} < $1::timestamptz - $2::int * interval '1 day'`, [
      now.toISOString(),
      ERASED_CALL_DAYS,
    ]);
  }
  const result: PurgeResult = { calls: {}, orphanRows: {} };
  // A batch per transaction, until none is left: one transaction for every expired call held
  // their locks, and the WAL of all their rows, for as long as the whole purge took.
  let after: { tenant: string; call_id: string } | null = null;
  for (;;) {
    const batch = await retryDeadlock(() =>
      purgeBatch(db, policy, now, after, options.batchCalls ?? PURGE_BATCH_CALLS),
    );
    if (batch.length === 0) break;
    for (const row of batch) result.calls[row.tenant] = (result.calls[row.tenant] ?? 0) + 1;
    after = batch[batch.length - 1];
  }
  result.orphanRows = await purgeOrphans(db, policy.orphanGraceMs, now, options);
  return result;
}

/** PostgreSQL's deadlock_detected: it rolled one of the two transactions back. */
const DEADLOCK_DETECTED = '40P01';
const DEADLOCK_TRIES = 3;

/**
 * A batch PostgreSQL chose as a deadlock's victim, run again (at most 3 tries): ingest of a late
 * record for a call that has expired and is not yet purged touches its timeline before the call
 * row, the purge the other way round (review: the victim aborted the whole purge and its orphan
 * check until the next hour). The batch is whole or nothing, so running it again is safe.
 */
async function retryDeadlock<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= DEADLOCK_TRIES || sqlStateOf(error) !== DEADLOCK_DETECTED) throw error;
    }
  }
}

/**
 * One transaction: the next `limit` expired calls after `after` in (tenant, call id) order, locked
 * in that order, then their rows and the calls deleted. Returns the calls deleted.
 */
async function purgeBatch(
  db: SqlBackend,
  policy: RetentionPolicy,
  now: Date,
  after: { tenant: string; call_id: string } | null,
  limit: number,
): Promise<{ tenant: string; call_id: string }[]> {
  return db.transaction(async (tx) => {
    // The expired calls' rows are locked first, in one order, then their children deleted: the
    // order an erasure, a summary and a relink take them in (erasure.ts, finalize.ts,
    // customer-relink.ts). A late record's ingest locks the timeline first, so it can deadlock with
    // a batch: retryDeadlock runs the batch again. After the previous batch's last call: each
    // batch goes on where it stopped.
    const expired = await tx.query<{ call_id: string; tenant: string }>(
      `SELECT c.call_id, c.tenant FROM calls c LEFT JOIN tenant_settings t ON t.tenant = c.tenant
       CROSS JOIN LATERAL (SELECT ${retentionDaysSql('c', '$1', '$3')} AS days) r
       WHERE r.days IS NOT NULL AND c.started_at < $2::timestamptz - r.days * interval '1 day'
         AND ($4::text IS NULL OR (c.tenant, c.call_id) > ($4::text, $5::text))
       ORDER BY c.tenant, c.call_id LIMIT $6 FOR UPDATE OF c`,
      [
        policy.defaultDays,
        now.toISOString(),
        JSON.stringify(policy.tenantDays ?? {}),
        after?.tenant ?? null,
        after?.call_id ?? null,
        limit,
      ],
    );
    if (expired.length === 0) return expired;
    // A call is (tenant, call id): purging one tenant's call never touches another's with the same id.
    const pairs = JSON.stringify(expired.map((row) => ({ tenant: row.tenant, callId: row.call_id })));
    const expiredPairs = `SELECT tenant, "callId" FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text)`;
    for (const table of [...CHILD_TABLES, 'calls']) {
      await tx.query(`DELETE FROM ${table} WHERE (tenant, call_id) IN (${expiredPairs})`, [pairs]);
    }
    return expired;
  });
}

/**
 * Deletes a key rotation's links (customer_ref_links) older than their tenant's retention whose
 * current pseudonym has no call left; returns how many. A link holds the new pseudonym in clear,
 * so it must not outlive the calls it exists for (it was kept ERASED_CALL_DAYS, which still caps
 * it: purgeExpired). What a replay needs of a link: a start carrying the previous pseudonym alone
 * is stored under the current one. Such a start is of a call either still stored (its start is
 * then a no-op: ON CONFLICT keeps its pseudonym), erased (erased_calls drops it, ERASED_CALL_DAYS)
 * or started longer ago than the retention (expiredStarts drops it): with no call left under the
 * current pseudonym and no start of the rotation within the retention, no replay needs the link.
 * A tenant kept forever keeps its links up to ERASED_CALL_DAYS. Its own statement, after the
 * purge of the calls (store.ts): a link of calls purged now goes in the same run.
 */
export async function purgeUnusedLinks(
  db: SqlBackend,
  policy: Pick<RetentionPolicy, 'defaultDays' | 'tenantDays'>,
  now: Date = new Date(),
): Promise<number> {
  const unused = `l.linked_at < $1::timestamptz - (
           SELECT ${retentionDaysSql('l', '$2', '$3')}
           FROM (SELECT 1) AS one LEFT JOIN tenant_settings t ON t.tenant = l.tenant
         ) * interval '1 day'
         AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.tenant = l.tenant AND c.customer_ref = l.current_ref)`;
  const params = [now.toISOString(), policy.defaultDays, JSON.stringify(policy.tenantDays ?? {})];
  type Link = { tenant: string; previous_digest: string; current_ref: string };
  let total = 0;
  let after: Link | null = null;
  for (;;) {
    const found: Link[] = await db.query<Link>(
      `SELECT l.tenant, l.previous_digest, l.current_ref FROM customer_ref_links l WHERE ${unused}
         AND ($4::text IS NULL OR (l.tenant, l.previous_digest) > ($4::text, $5::text))
       ORDER BY l.tenant, l.previous_digest LIMIT 500`,
      [...params, after?.tenant ?? null, after?.previous_digest ?? null],
    );
    if (found.length === 0) return total;
    // One customer lock bucket per transaction: 500 links span all 64, and holding them all
    // exclusive stopped every tenant's batches with a call start at each step (review).
    const byBucket = new Map<string, Link[]>();
    for (const link of found) {
      const key = customerLockKey({ tenant: link.tenant, customerRef: link.current_ref });
      byBucket.set(key, [...(byBucket.get(key) ?? []), link]);
    }
    for (const links of byBucket.values())
      total += await retryDeadlock(() => purgeLinks(db, links, unused, params));
    after = found[found.length - 1];
  }
}

/**
 * Deletes these links while still unused, under their current pseudonyms' customer locks. A batch
 * that resolved a start through one of them holds that lock (shared) until it commits
 * (customer-relink.ts): the purge waits for it, then checks again (a new statement sees its call).
 * Deleted under a batch in flight, the link was gone with a call stored under the current
 * pseudonym, and the next start under the old one split the customer (review).
 */
function purgeLinks(
  db: SqlBackend,
  links: readonly { tenant: string; previous_digest: string; current_ref: string }[],
  unused: string,
  params: unknown[],
): Promise<number> {
  return db.transaction(async (tx) => {
    await lockCustomers(
      tx,
      links.map((l) => ({ tenant: l.tenant, customerRef: l.current_ref })),
      'exclusive',
    );
    const [{ n }] = await tx.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM customer_ref_links l
         WHERE (l.tenant, l.previous_digest) IN (
             SELECT tenant, digest FROM jsonb_to_recordset($4::text::jsonb) AS x(tenant text, digest text))
           AND ${unused}
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [...params, JSON.stringify(links.map((l) => ({ tenant: l.tenant, digest: l.previous_digest })))],
    );
    return n;
  });
}
