// Ingest of a late record for a call that has expired but is not purged yet deletes its timeline
// before it updates the call row (writes.ts), the purge locks the call row first (retention.ts):
// PostgreSQL breaks the deadlock by rolling one back. When that was the purge's batch, the whole
// purge and its orphan check waited for the next hour (review, 2026-12-07); the batch is now run
// again, up to 3 times.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { purgeExpired } from '../../../services/call-store/store/retention.ts';

/** Sessions blocked deleting a timeline: the purge's batch, once it holds its calls' rows. */
const purgeWaitingForTimeline = (store: CallStore) => async (): Promise<number> => {
  const [{ n }] = await store.backend.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM call_timelines %'`,
  );
  return n;
};

describe('retention purge against ingest of a late record (PostgreSQL)', () => {
  let server: FoundPostgres;
  beforeAll(async () => {
    server = await findPostgres();
  }, 60_000);
  afterAll(() => server?.stop());

  it('runs its batch again when PostgreSQL picks it as a deadlock victim', async () => {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS purge_deadlock');
    await admin.query('CREATE DATABASE purge_deadlock');
    await admin.end();
    const url = new URL(server.url);
    url.pathname = '/purge_deadlock';
    const store = await openCallStore({ databaseUrl: url.toString(), poolSize: 4 });
    const startedAt = new Date(Date.now() - 91 * 86_400_000);
    await store.write(syntheticEvents(syntheticStoreCall({ callId: 'old-1', startedAt, durationS: 6 })));
    await store.finalizePending(0);
    // The ingest path of a late record, by hand: the timeline first, then (below) the call row.
    const ingest = new pg.Client({ connectionString: url.toString() });
    await ingest.connect();
    await ingest.query('BEGIN');
    await ingest.query(`DELETE FROM call_timelines WHERE tenant = 'acme' AND call_id = 'old-1'`);
    const purge = purgeExpired(store.backend, { defaultDays: 90, orphanGraceMs: 86_400_000 });
    // Only once the purge holds the call row and waits for the timeline the ingest deleted does the
    // ingest's update close the cycle with the purge as the victim. A fixed 500 ms was outrun on a
    // loaded machine: the update went first and the ingest was the one rolled back.
    await expect.poll(purgeWaitingForTimeline(store), { timeout: 15_000 }).toBe(1);
    await ingest.query(
      `UPDATE calls SET needs_summary = true, updated_at = now()
       WHERE tenant = 'acme' AND call_id = 'old-1' AND status = 'ended' AND NOT needs_summary`,
    );
    await ingest.query('COMMIT');
    await ingest.end();
    await expect(purge).resolves.toMatchObject({ calls: { acme: 1 } });
    expect(await store.backend.query(`SELECT 1 FROM calls WHERE call_id = 'old-1'`)).toEqual([]);
    await store.close();
  }, 60_000);
});
