// The list counts' recount (store/alert-counts.ts) and a survey import at the same moment, on a
// PostgreSQL database whose collation orders call ids unlike JavaScript (en-US: "a-1" < "B-2"; the
// ingest's key order: "acme/B-2" < "acme/a-1"), as a database created under en_US.UTF-8 (the
// official image's default) does. The import reads its calls FOR KEY SHARE in call id order, which
// conflicts with a delete, not with ingest's row updates (surveys.ts); the recount must not take a
// stronger lock than the update it makes, or the two wait on each other and one fails 40P01.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { aroundNextTransaction, untilWaiting } from './rotation-call.ts';
import { lifecycleCall } from './alert-lifecycle-call.ts';

let server: FoundPostgres;
let store: CallStore;
beforeAll(async () => {
  server = await findPostgres();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(
    `CREATE DATABASE va_icu TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.utf8'`,
  );
  await admin.end();
  const url = new URL(server.url);
  url.pathname = '/va_icu';
  store = await openCallStore({ databaseUrl: url.toString(), poolSize: 4 });
});
afterAll(async () => {
  await store?.close().catch(() => undefined);
  await server?.stop();
});

const WAITING_ON_ROW = `SELECT count(*)::int AS n FROM pg_locks WHERE locktype IN ('transactionid', 'tuple') AND NOT granted`;

it('a survey import and an ingest batch recounting the same calls both succeed', async () => {
  const startedAt = new Date(Date.now() - 3_600_000);
  const calls = ['a-1', 'B-2'].map((callId) => lifecycleCall({ callId, tenant: 'acme', startedAt }));
  for (const call of calls) await store.write(call.events);
  await store.finalizePending(0);
  const ordered = await store.backend.query<{ call_id: string }>(
    `SELECT call_id FROM calls WHERE tenant = 'acme' ORDER BY call_id`,
  );
  expect(ordered.map((r) => r.call_id)).toEqual(['a-1', 'B-2']);

  // A replayed batch of both calls' alerts: it recounts both, "acme/B-2" first.
  const replay = calls.flatMap((c) => c.events.filter((e) => e.kind === 'alert'));
  let survey: Promise<unknown> | undefined;
  const restore = aroundNextTransaction(store, async (sql, run) => {
    const rows = await run();
    if (survey === undefined && sql.includes('FROM calls WHERE tenant = $1 AND call_id = $2 FOR')) {
      survey = store
        .importSurveys(
          { tenant: 'acme', agentId: null, teams: null },
          ['a-1', 'B-2'].map((callId, index) => ({ at: { index }, raw: { callId, csat: 4 } })),
          'api',
        )
        .then(
          (r) => r,
          (e: unknown) => e,
        );
      await untilWaiting(store, WAITING_ON_ROW);
    }
    return rows;
  });
  let written: unknown;
  try {
    written = await store.writeValid(replay).then(
      (r) => r,
      (e: unknown) => e,
    );
  } finally {
    restore();
  }
  expect(survey).toBeDefined();
  const imported = await survey;
  expect(written).not.toBeInstanceOf(Error);
  expect(imported).not.toBeInstanceOf(Error);
  expect(imported).toMatchObject({ inserted: 2 });
});
