// The retention purge's orphan check: child rows whose (tenant, call id) has no call, received
// more than the grace ago, deleted in statements of their own (never inside a purge transaction)
// over the rows received since the previous check only, found by each table's BRIN index on its
// received column (migration 015); how far each table was checked is kept in orphan_checks, so a
// restart goes on from there. I/O: database.
//
// Why a window over received time is enough: a child row has no foreign key to its call (the
// topics are consumed in parallel), and it is an orphan only when
// - its call start never reaches the store, or is dropped there (past retention or erased:
//   writes.ts): the row is an orphan from the moment it is received;
// - it arrives after its call was deleted (a late or replayed record after the purge): received
//   after the deletion;
// - it was being written while the purge deleted its call: a DELETE under READ COMMITTED does not
//   see a row committed after it started. Its received time is its transaction's start (now()),
//   just before the deletion.
// Nothing else makes one: a call is deleted together with its rows, in one transaction
// (retention.ts, erasure.ts; erased-customers.ts forgets rows of calls the store does not hold),
// finalize.ts deletes a call's details but never the call, and no statement changes a call's
// tenant or id. So every orphan was received after the previous check's horizon, less the time a
// write transaction takes to commit: ORPHAN_OVERLAP_MS covers that (at the window's lower edge;
// the grace at its upper edge is counted on this process's clock, below). What is older than the first check (rows from before migration
// 004 with tenant '') is found by the first run's full pass.
import type { SqlBackend } from '../backend/backend.ts';
import { CHILD_TABLES, RECEIVED_AT, type ChildTable } from './child-tables.ts';

/** Each check reads again this much before the previous one's horizon (see above). */
export const ORPHAN_OVERLAP_MS = 3_600_000;
/** One statement per this much received time: a store stopped for a week catches up in steps. */
export const ORPHAN_SLICE_MS = 3_600_000;
/** The first pass reads this many 8 kB pages per statement (128 MB: ~170 000 window rows). */
export const FIRST_PASS_BLOCKS = 16_384;

export interface OrphanCheckOptions {
  /** Pages per statement of a table's first pass (tests make it small). */
  firstPassBlocks?: number;
}

/**
 * The rows matching `where` (over alias `o`) of calls not stored. The calls are looked up once
 * per (tenant, call id) of those rows, by the calls' key: a join of the rows themselves with
 * calls hashed every call (a sequential read of the whole calls table, ~17 GB at 90 days) in
 * each statement (measured on PostgreSQL 15, DBA seed with 100 000 calls: 92 ms against 17 ms).
 */
async function deleteOrphans(db: SqlBackend, table: ChildTable, where: string, params: unknown[]) {
  const [{ n }] = await db.query<{ n: number }>(
    `WITH seen AS MATERIALIZED (SELECT DISTINCT o.tenant, o.call_id FROM ${table} o WHERE ${where}),
     orphaned AS (SELECT s.tenant, s.call_id FROM seen s
       WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.tenant = s.tenant AND c.call_id = s.call_id)),
     gone AS (DELETE FROM ${table} o USING orphaned x
       WHERE o.tenant = x.tenant AND o.call_id = x.call_id AND ${where} RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    params,
  );
  return n;
}

async function saveHorizon(db: SqlBackend, table: ChildTable, checkedTo: Date): Promise<void> {
  await db.query(
    `INSERT INTO orphan_checks (child_table, checked_to) VALUES ($1, $2)
     ON CONFLICT (child_table) DO UPDATE SET checked_to = excluded.checked_to, updated_at = now()`,
    [table, checkedTo.toISOString()],
  );
}

/**
 * A table never checked: every page once, a bounded range of pages (a TID range scan) per
 * statement, up to the pages it had when the pass began (rows added since are recent: the next
 * check's window holds them). A restart during the pass starts it again.
 */
async function firstPass(db: SqlBackend, table: ChildTable, horizon: Date, blocksPerStatement: number) {
  const [{ blocks }] = await db.query<{ blocks: string | number }>(
    `SELECT pg_relation_size($1::regclass) / current_setting('block_size')::bigint AS blocks`,
    [table],
  );
  let deleted = 0;
  for (let from = 0; from < Number(blocks); from += blocksPerStatement) {
    deleted += await deleteOrphans(
      db,
      table,
      `o.ctid >= ('(' || $1::bigint || ',0)')::tid AND o.ctid < ('(' || $2::bigint || ',0)')::tid
       AND o.${RECEIVED_AT[table]} < $3::timestamptz`,
      [from, from + blocksPerStatement, horizon.toISOString()],
    );
  }
  return deleted;
}

/** Rows received from the previous horizon (less the overlap) up to this one, a slice at a time. */
async function windowPass(db: SqlBackend, table: ChildTable, checkedTo: Date, horizon: Date) {
  let deleted = 0;
  // Never above this horizon: a clock set back, or a longer grace, moves it back.
  let from = Math.min(checkedTo.getTime(), horizon.getTime()) - ORPHAN_OVERLAP_MS;
  while (from < horizon.getTime()) {
    const to = new Date(Math.min(from + ORPHAN_SLICE_MS, horizon.getTime()));
    deleted += await deleteOrphans(
      db,
      table,
      `o.${RECEIVED_AT[table]} >= $1::timestamptz AND o.${RECEIVED_AT[table]} < $2::timestamptz`,
      [new Date(from).toISOString(), to.toISOString()],
    );
    await saveHorizon(db, table, to);
    from = to.getTime();
  }
  return deleted;
}

/**
 * Deletes the orphans received before `now - graceMs` (their call start may still be on its way
 * until then) and returns the rows deleted per table (tables without any left out).
 */
export async function purgeOrphans(
  db: SqlBackend,
  graceMs: number,
  now: Date,
  options: OrphanCheckOptions = {},
): Promise<Record<string, number>> {
  // The horizon is never past the database's own clock: a row received after this check has a
  // later received time, whatever `now` the caller passed (a test's clock runs ahead). The grace
  // itself is counted on the caller's clock (the service's): an app clock ahead of the database's
  // shortens it by the difference (30 min ahead of a 1 h grace: rows received 40 min ago by the
  // database may go while their call start is still on its way). Keep the clocks in step (NTP);
  // the overlap below protects only the window's lower edge.
  const [{ dbNow }] = await db.query<{ dbNow: Date | string }>('SELECT now() AS "dbNow"');
  const horizon = new Date(Math.min(now.getTime() - graceMs, new Date(dbNow).getTime()));
  const marks = await db.query<{ child_table: string; checked_to: Date | string }>(
    'SELECT child_table, checked_to FROM orphan_checks',
  );
  const checked = new Map(marks.map((m) => [m.child_table, new Date(m.checked_to)]));
  const result: Record<string, number> = {};
  for (const table of CHILD_TABLES) {
    const checkedTo = checked.get(table);
    let deleted: number;
    if (checkedTo === undefined) {
      deleted = await firstPass(db, table, horizon, options.firstPassBlocks ?? FIRST_PASS_BLOCKS);
      await saveHorizon(db, table, horizon);
    } else {
      deleted = await windowPass(db, table, checkedTo, horizon);
    }
    if (deleted > 0) result[table] = deleted;
  }
  return result;
}
