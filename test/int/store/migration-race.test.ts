// Schema migrations on a real PostgreSQL: call stores starting together on a new database all
// come up (the first one's bookkeeping table was created outside the advisory lock, and the other
// failed with a duplicate key in the catalogue), and a release refuses a schema that a newer
// release migrated (rolled back over it, it wrote rows the newer migrations had backfilled).
// `npm run migrate` applies them before a release starts, and a service told not to migrate
// (STORE_MIGRATE_AT_START=false) refuses a schema behind its release.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import { openPostgresBackend } from '../../../services/call-store/backend/backend-pg.ts';
import { listMigrations, migrate } from '../../../services/call-store/migrate.ts';
import { openCallStore } from '../../../services/call-store/store.ts';

let server: FoundPostgres;

const MIGRATE = join(import.meta.dirname, '..', '..', '..', 'services', 'call-store', 'migrate-main.ts');

/** `npm run migrate` as an operator runs it: its exit code and its one JSON line. */
function migrateCli(url: string, ...args: string[]): { code: number | null; out: Record<string, unknown> } {
  const r = spawnSync(process.execPath, [MIGRATE, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: url, VA_MODE: 'development' },
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`migrate exited ${r.status}: ${r.stderr}`);
  expect(r.stdout).not.toContain(new URL(url).password || '\u0000');
  return { code: r.status, out: JSON.parse(r.stdout) as Record<string, unknown> };
}
const created: string[] = [];

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function freshDatabase(): Promise<string> {
  const name = `va_mig_${randomUUID().slice(0, 8)}`;
  await admin(`CREATE DATABASE ${name}`);
  created.push(name);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}

beforeAll(async () => {
  server = await findPostgres();
});
afterAll(async () => {
  if (server?.source === 'env') for (const name of created) await admin(`DROP DATABASE IF EXISTS ${name}`);
  await server?.stop();
});

describe('call-store migrations on PostgreSQL', () => {
  it('three instances migrating a new database at once all succeed, each migration applied once', async () => {
    const known = listMigrations().map((m) => m.version);
    for (let round = 0; round < 4; round++) {
      const url = await freshDatabase();
      const backends = await Promise.all([1, 2, 3].map(() => openPostgresBackend(url, { poolSize: 2 })));
      try {
        const applied = await Promise.all(backends.map((b) => migrate(b)));
        expect(applied.flat().sort((a, b) => a - b)).toEqual(known);
        const rows = await backends[0].query<{ n: number }>(
          'SELECT count(*)::int AS n FROM schema_migrations',
        );
        expect(rows[0].n).toBe(known.length);
      } finally {
        await Promise.all(backends.map((b) => b.close()));
      }
    }
  }, 120_000);

  it('refuses a schema a newer release migrated, naming both versions', async () => {
    const url = await freshDatabase();
    const store = await openCallStore({ databaseUrl: url, poolSize: 2 });
    await store.backend.query(
      "INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')",
    );
    await store.close();
    const newest = Math.max(...listMigrations().map((m) => m.version));
    await expect(openCallStore({ databaseUrl: url, poolSize: 2 })).rejects.toMatchObject({
      code: 'SCHEMA_TOO_NEW',
      message: expect.stringContaining(`version 999, this release knows up to ${newest}`),
    });
  }, 60_000);

  it('npm run migrate: --status changes nothing, then applies every migration once, then says current', async () => {
    const url = await freshDatabase();
    const known = listMigrations().map((m) => m.version);
    const before = migrateCli(url, '--status');
    expect(before).toMatchObject({ code: 1, out: { backend: 'postgres', schemaVersion: 0, pending: known } });
    // A service that must not migrate refuses the empty schema, naming the command.
    await expect(
      openCallStore({ databaseUrl: url, poolSize: 2, migrateAtStart: false }),
    ).rejects.toMatchObject({
      code: 'SCHEMA_BEHIND',
      message: expect.stringContaining('npm run migrate'),
    });
    expect(migrateCli(url)).toMatchObject({ code: 0, out: { applied: known, pending: [] } });
    expect(migrateCli(url)).toMatchObject({ code: 0, out: { applied: [], pending: [] } });
    expect(migrateCli(url, '--status').code).toBe(0);
    const store = await openCallStore({ databaseUrl: url, poolSize: 2, migrateAtStart: false });
    expect(await store.backend.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await store.close();
  }, 60_000);
});
