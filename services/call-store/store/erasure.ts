// Erasure of everything the store holds about one customer of one tenant, or about one call: one
// request deletes every row of every call linked to the customer's pseudonym (or of the call),
// table by table, in one transaction, and records an audit row that names the tenant, the
// requester, the scope and the row counts — never the reference or the call id. A new table with
// rows of a call joins by adding one line to CHILD_TABLES (store/retention.ts).
// The erased calls are remembered (erased_calls, migration 009): a call still live at the erasure
// kept arriving, and its later windows, emotions and alerts were stored as orphans (privacy probe).
// So is the customer (erased_customers, migration 010: a digest): a call that started before the
// erasure but reaches the store after it is dropped too (erased-customers.ts). The erased calls
// are announced on va.erasures.v1 before the commit: the alert service's wallboards kept showing
// their alerts, evidence included, to every supervisor for as long as va.alerts.v1 kept them.
// Across a rotation of the tenant's customer-reference key, a customer has two pseudonyms, linked
// (customer-relink.ts): erasing either erases the calls of both and remembers both.
// I/O: database.
import { randomUUID } from 'node:crypto';
import type { SqlBackend, SqlExecutor } from '../backend/backend.ts';
import { StoreError } from '../errors.ts';
import { sqlStateOf } from '../backend/sql-state.ts';
import { parseCustomerRef } from './history.ts';
import { lockCalls, lockCustomers } from './call-locks.ts';
import { CUSTOMER_DIGEST_PREFIX, customerDigest, rememberErasedDigests } from './erased-customers.ts';
import { forgetLinks, linkedPseudonyms } from './customer-relink.ts';
import { CHILD_TABLES } from './retention.ts';

/**
 * The customer's calls, as the (tenant, call id) rows every per-call table is keyed by: $2 holds
 * their pseudonyms (two while a key rotation has not moved all their calls yet).
 */
const CUSTOMER_CALLS =
  'SELECT tenant, call_id FROM calls WHERE tenant = $1 AND customer_ref = ANY($2::text[])';

/**
 * One DELETE per table, children first, the calls last (children find their calls through them).
 * The search columns and indexes live on `calls` (calls_by_*): its rows going takes them along.
 */
export const ERASURE_STEPS: readonly { table: string; where: string }[] = [
  ...CHILD_TABLES.map((table) => ({ table, where: `(tenant, call_id) IN (${CUSTOMER_CALLS})` })),
  { table: 'calls', where: 'tenant = $1 AND customer_ref = ANY($2::text[])' },
];

export interface ErasureResult {
  erasureId: string;
  tenant: string;
  calls: number;
  /** Rows deleted per table. */
  rows: Record<string, number>;
}

/** The erased calls, told to the services that keep alerts or live state outside the store. */
export type AnnounceErasure = (erasure: {
  erasureId: string;
  tenant: string;
  callIds: readonly string[];
}) => Promise<void>;

/**
 * How long an announcement may hold the transaction: the producer retries for about half a minute
 * in a Kafka outage, and meanwhile the transaction held its calls' locks (PGlite: the whole
 * database, so the QA API, ingest and summaries waited and /readyz said `database`).
 */
export const ANNOUNCE_TIMEOUT_MS = 5_000;

/**
 * Announces erased calls (none: nothing to do), or ERASURE_NOT_ANNOUNCED within
 * ANNOUNCE_TIMEOUT_MS; the caller's transaction then rolls back. A send that times out here may
 * still land: the wallboards then forget calls a retry erases.
 */
export async function announceWithin(
  announce: AnnounceErasure | undefined,
  erasure: Parameters<AnnounceErasure>[0],
): Promise<void> {
  if (!announce || erasure.callIds.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no acknowledgement in ${ANNOUNCE_TIMEOUT_MS} ms`)),
      ANNOUNCE_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([announce(erasure), timeout]);
  } catch (error) {
    throw new StoreError(
      'ERASURE_NOT_ANNOUNCED',
      'the erasure could not be told to the live services (Kafka): nothing was erased, retry',
      [],
      { cause: error, retryAfterMs: 5_000 },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** One call's rows, children first (as ERASURE_STEPS), keyed by ($1 tenant, $2 call id). */
const CALL_ERASURE_STEPS: readonly { table: string; where: string }[] = [
  ...CHILD_TABLES.map((table) => ({ table, where: 'tenant = $1 AND call_id = $2' })),
  { table: 'calls', where: 'tenant = $1 AND call_id = $2' },
];

/**
 * `announce` runs inside the transaction, after the deletes: when it fails (Kafka unreachable)
 * nothing is erased and the caller retries; announced but not committed (the database failed at
 * the commit) leaves the wallboards without calls still in the store, which a retry erases.
 */
export async function eraseCustomer(
  db: SqlBackend,
  tenant: string,
  ref: string,
  requestedBy: string,
  announce?: AnnounceErasure,
): Promise<ErasureResult> {
  const pseudonym = parseCustomerRef(ref);
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await eraseCustomerOnce(db, tenant, pseudonym, requestedBy, announce);
      if (done !== null) return done;
    } catch (error) {
      // A relinking batch's second, out-of-order lock pass (customer-relink.ts) can deadlock with
      // this erasure, and PostgreSQL may fail either: the erasure starts again (review).
      if (sqlStateOf(error) !== DEADLOCK_DETECTED || attempt >= 3) throw error;
    }
  }
}

/** PostgreSQL's deadlock_detected. */
const DEADLOCK_DETECTED = '40P01';

/**
 * The erasure, or null when the customer was relinked to another current pseudonym between the
 * first read of the links and the locks: its lock was not taken, so a start under it could commit
 * after the erasure (review); the caller starts again, with it. Each retry needs another relink
 * of the customer meanwhile, so the loop ends.
 */
function eraseCustomerOnce(
  db: SqlBackend,
  tenant: string,
  pseudonym: string,
  requestedBy: string,
  announce: AnnounceErasure | undefined,
): Promise<ErasureResult | null> {
  return db.transaction(async (tx) => {
    // Read before the locks to lock the linked pseudonym too, then again under them.
    const guessed = await linkedPseudonyms(tx, tenant, pseudonym);
    // Before the locks too: it reads every distinct pseudonym of the tenant (0.4-0.8 s at a million
    // calls, review), and under the customers' locks it held up ingest of every batch that shared
    // their buckets for as long.
    const strandedBefore = await strandedPseudonyms(tx, tenant, guessed.previousDigests);
    // First: it waits for the ingest batches in flight with these calls, and theirs wait for this
    // commit (call-locks.ts).
    // The customer's locks before the calls' (call-locks.ts): a batch with a start of theirs in
    // flight commits first, and a later one sees erased_customers.
    await lockCustomers(
      tx,
      [pseudonym, guessed.current].map((customerRef) => ({ tenant, customerRef })),
      'exclusive',
    );
    const { current, previousDigests } = await linkedPseudonyms(tx, tenant, pseudonym);
    if (current !== guessed.current) return null;
    const digestsChanged = previousDigests.some((d) => !guessed.previousDigests.includes(d));
    const stranded = digestsChanged ? await strandedPseudonyms(tx, tenant, previousDigests) : strandedBefore;
    const pseudonyms = [...new Set([pseudonym, current, ...stranded])];
    const calls = await tx.query<{ tenant: string; call_id: string }>(CUSTOMER_CALLS, [tenant, pseudonyms]);
    await lockCalls(
      tx,
      calls.map((c) => ({ tenant: c.tenant, callId: c.call_id })),
      'exclusive',
    );
    // Then the calls' rows, before their children: the order finalize.ts takes them in (call,
    // then timeline). Children first deadlocked with a summary in progress, or left its new
    // timeline behind (review).
    await tx.query(`${CUSTOMER_CALLS} ORDER BY call_id FOR UPDATE`, [tenant, pseudonyms]);
    await tx.query(
      `INSERT INTO erased_calls (tenant, call_id) ${CUSTOMER_CALLS} ON CONFLICT (tenant, call_id) DO UPDATE SET erased_at = now()`,
      [tenant, pseudonyms],
    );
    // Every pseudonym of the customer: a start still carrying any of them is dropped (writes.ts).
    await rememberErasedDigests(tx, tenant, [...pseudonyms.map(customerDigest), ...previousDigests]);
    await forgetLinks(tx, tenant, current);
    const erasure = { tenant, requestedBy, scope: 'customer', callIds: calls.map((c) => c.call_id) } as const;
    return deleteAndAudit(tx, ERASURE_STEPS, [tenant, pseudonyms], erasure, announce);
  });
}

/**
 * The tenant's pseudonyms still on calls whose digest is one of these linked previous ones: none,
 * as the relink orders itself with the starts (customer-relink.ts), but an erasure must not rest
 * on that alone — a call left under a previous pseudonym would escape an erasure by the current
 * one, which knows only its digest. A digest per distinct pseudonym of the tenant, every call read
 * (0.4-0.8 s at a million calls: run before the locks), and only for a customer relinked by a
 * rotation. A digest column on calls would bound it (left open).
 */
async function strandedPseudonyms(
  tx: SqlExecutor,
  tenant: string,
  previousDigests: readonly string[],
): Promise<string[]> {
  if (previousDigests.length === 0) return [];
  const rows = await tx.query<{ customer_ref: string }>(
    `SELECT customer_ref FROM (
       SELECT DISTINCT customer_ref FROM calls WHERE tenant = $1 AND customer_ref IS NOT NULL) AS refs
     WHERE encode(sha256(convert_to($3 || customer_ref, 'UTF8')), 'hex') = ANY($2::text[])`,
    [tenant, previousDigests, CUSTOMER_DIGEST_PREFIX],
  );
  return rows.map((r) => r.customer_ref);
}

/**
 * One call of the tenant, whoever it was with (a call without a customer reference, a recording
 * made in error): NOT_FOUND when the store holds no such call. Remembered in erased_calls, so its
 * records still on their way (a live call, a replay) are dropped at ingest; announced as a
 * customer's erasure is.
 */
export async function eraseCall(
  db: SqlBackend,
  tenant: string,
  callId: string,
  requestedBy: string,
  announce?: AnnounceErasure,
): Promise<ErasureResult> {
  return db.transaction(async (tx) => {
    await lockCalls(tx, [{ tenant, callId }], 'exclusive');
    const found = await tx.query('SELECT 1 FROM calls WHERE tenant = $1 AND call_id = $2 FOR UPDATE', [
      tenant,
      callId,
    ]);
    if (found.length === 0) throw new StoreError('NOT_FOUND', `call ${callId} not found`);
    await tx.query(
      `INSERT INTO erased_calls (tenant, call_id) VALUES ($1, $2) ON CONFLICT (tenant, call_id) DO UPDATE SET erased_at = now()`,
      [tenant, callId],
    );
    const erasure = { tenant, requestedBy, scope: 'call', callIds: [callId] } as const;
    return deleteAndAudit(tx, CALL_ERASURE_STEPS, [tenant, callId], erasure, announce);
  });
}

/** The deletes, the announcement, then the audit row (which names neither reference nor call). */
async function deleteAndAudit(
  tx: SqlExecutor,
  steps: readonly { table: string; where: string }[],
  params: readonly unknown[],
  erasure: { tenant: string; requestedBy: string; scope: 'customer' | 'call'; callIds: readonly string[] },
  announce: AnnounceErasure | undefined,
): Promise<ErasureResult> {
  const rows: Record<string, number> = {};
  for (const step of steps) {
    const [{ n }] = await tx.query<{ n: number }>(
      `WITH gone AS (DELETE FROM ${step.table} WHERE ${step.where} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [...params],
    );
    rows[step.table] = n;
  }
  const result = { erasureId: randomUUID(), tenant: erasure.tenant, calls: rows.calls, rows };
  await announceWithin(announce, {
    erasureId: result.erasureId,
    tenant: erasure.tenant,
    callIds: erasure.callIds,
  });
  await tx.query(
    `INSERT INTO customer_erasures (erasure_id, tenant, requested_by, calls, rows_deleted, scope)
     VALUES ($1, $2, $3, $4, $5::text::jsonb, $6)`,
    [
      result.erasureId,
      erasure.tenant,
      erasure.requestedBy,
      result.calls,
      JSON.stringify(rows),
      erasure.scope,
    ],
  );
  return result;
}

export interface ErasureAuditEntry {
  erasureId: string;
  tenant: string;
  scope: 'customer' | 'call' | 'agent';
  /** An agent erasure's digest of the agent id (erased-agents.ts), else null. */
  subjectDigest: string | null;
  requestedBy: string;
  calls: number;
  rows: Record<string, number>;
  erasedAt: string;
}

/**
 * The tenant's erasure audit, newest first: who erased how much, when (no reference, no call id, no
 * agent id: an agent's erasure names the id's digest, which a DPO who knows the id recomputes).
 */
export async function listErasures(
  db: SqlBackend,
  tenant: string,
  limit: number,
): Promise<ErasureAuditEntry[]> {
  const rows = await db.query<{
    erasure_id: string;
    scope: 'customer' | 'call' | 'agent';
    subject_digest: string | null;
    requested_by: string;
    calls: number;
    rows_deleted: Record<string, number> | string;
    erased_at: Date | string;
  }>(
    `SELECT erasure_id, scope, subject_digest, requested_by, calls, rows_deleted, erased_at FROM customer_erasures
     WHERE tenant = $1 ORDER BY erased_at DESC, erasure_id LIMIT $2`,
    [tenant, limit],
  );
  return rows.map((r) => ({
    erasureId: r.erasure_id,
    tenant,
    scope: r.scope,
    subjectDigest: r.subject_digest ?? null,
    requestedBy: r.requested_by,
    calls: Number(r.calls),
    rows: typeof r.rows_deleted === 'string' ? JSON.parse(r.rows_deleted) : r.rows_deleted,
    erasedAt: new Date(r.erased_at).toISOString(),
  }));
}
