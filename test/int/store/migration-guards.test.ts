// What the start says when a migration cannot run (review, 2026-12-07): a version the database
// records under another file's name (two branches each added "the next" migration: the second was
// skipped for good and its renumbered twin ran again, "relation already exists"), a lock timeout
// named as the migration it stopped (it read "cannot open the PostgreSQL database"), and an index
// a DBA built CONCURRENTLY by hand before the upgrade, as the README advises.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import { openBackend } from '../../../services/call-store/backend/backend.ts';
import { listMigrations, migrate } from '../../../services/call-store/migrate.ts';
import { openCallStore } from '../../../services/call-store/store.ts';
import { storeOpenError } from '../../../services/call-store/store-open-error.ts';

const before = (version: number) => listMigrations().filter((m) => m.version < version);

describe('call-store migrations (PGlite)', () => {
  it('refuses a database that records a version under another name', async () => {
    const backend = await openBackend({});
    try {
      await migrate(backend, before(13));
      await backend.query(`INSERT INTO schema_migrations (version, name) VALUES (13, 'customer_ref_links')`);
      await expect(migrate(backend)).rejects.toMatchObject({
        code: 'MIGRATION_NAME_MISMATCH',
        message: expect.stringMatching(
          /records version 13 as customer_ref_links, .* file is live_and_duration_indexes/,
        ),
      });
    } finally {
      await backend.close();
    }
  });

  it('takes indexes built by hand before migrations 013 and 015', async () => {
    const backend = await openBackend({});
    try {
      await migrate(backend, before(13));
      await backend.query(
        `CREATE INDEX calls_live ON calls (tenant, started_at DESC, call_id DESC) WHERE status = 'live'`,
      );
      await backend.query(
        `CREATE INDEX speaker_windows_received_brin ON speaker_windows USING brin (received_at)`,
      );
      expect(await migrate(backend)).toEqual(
        listMigrations()
          .filter((m) => m.version >= 13)
          .map((m) => m.version),
      );
    } finally {
      await backend.close();
    }
  });
});

describe('call-store migrations (PostgreSQL)', () => {
  let server: FoundPostgres;
  beforeAll(async () => {
    server = await findPostgres();
  }, 60_000);
  afterAll(() => server?.stop());

  it('names the migration a lock timeout stopped, and the next start applies it', async () => {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS migration_guards');
    await admin.query('CREATE DATABASE migration_guards');
    await admin.end();
    const url = new URL(server.url);
    url.pathname = '/migration_guards';
    const backend = await openBackend({ databaseUrl: url.toString(), poolSize: 2 });
    await migrate(backend, before(15));
    await backend.close();
    // A long reader of speaker_windows (a QA export, the purge) holds its lock through 015's 5 s.
    const holder = new pg.Client({ connectionString: url.toString() });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT count(*) FROM speaker_windows');
    const error = await openCallStore({ databaseUrl: url.toString(), poolSize: 2 }).then(
      () => null,
      (e: unknown) => e,
    );
    await holder.query('ROLLBACK');
    await holder.end();
    const shown = storeOpenError({ DATABASE_URL: url.toString(), STORE_DATA_DIR: '' }, error);
    expect(shown.code).toBe('MIGRATION_FAILED');
    expect(shown.message).toMatch(
      /^migration 15 \(lean_windows_and_orphan_window\) failed: .*lock timeout.*the next start tries again$/,
    );
    const store = await openCallStore({ databaseUrl: url.toString(), poolSize: 2 });
    await store.close();
  }, 60_000);
});
