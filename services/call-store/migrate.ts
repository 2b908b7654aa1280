// Applies the versioned SQL migrations in services/call-store/migrations (NNN_name.sql, in order,
// each once) to either backend, recording them in schema_migrations, and refuses a schema a newer
// release migrated (rolled back over it, this release wrote rows the newer one's migrations had
// backfilled, and nothing filled them again: an agent's alert counts read 0). I/O: reads the
// folder, database.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlBackend, SqlExecutor } from './backend/backend.ts';
import { sqlStateOf } from './backend/sql-state.ts';
import { StoreError } from './errors.ts';
import { errorText } from '../shared/error-text.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => /^\d{3}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
  // Two files of one version (two branches each adding "the next" migration) would apply the
  // first and skip the second for good, as already applied: refused, naming both.
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new StoreError(
        'MIGRATION_VERSION_TAKEN',
        `migrations ${migrations[i - 1].name} and ${migrations[i].name} share version ${migrations[i].version}: renumber one`,
      );
    }
  }
  return migrations;
}

/** Serialises every starter's schema work (transaction-scoped: released at commit or rollback). */
const MIGRATION_LOCK = 'SELECT pg_advisory_xact_lock(7277001)';

/**
 * Schema work is not held to the pool's statement_timeout (backend.ts): an index built over 90 days
 * of calls takes longer than a minute, and a second starter waits on MIGRATION_LOCK for as long as
 * the first one's migration runs. Transaction-scoped, so the pool's sessions keep their limit.
 */
async function takeMigrationLock(tx: SqlExecutor): Promise<void> {
  await tx.query('SET LOCAL statement_timeout = 0');
  await tx.query(MIGRATION_LOCK);
}

/** Returns the versions applied by this call. Safe to run from several instances at once. */
export async function migrate(backend: SqlBackend, migrations = listMigrations()): Promise<number[]> {
  await backend.transaction(async (tx) => {
    // Under the lock: two instances creating it at once on a new database collided in the
    // catalogue (duplicate key in pg_type_typname_nsp_index) and one of them failed to start.
    await takeMigrationLock(tx);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const rows = await tx.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations',
    );
    // A newer release's schema first: its rows may name files this release has under other names.
    refuseNewerSchema(
      rows.reduce((max, r) => Math.max(max, Number(r.version)), 0),
      migrations,
    );
    refuseRenamedVersions(rows, migrations);
  });
  const applied: number[] = [];
  for (const migration of migrations) {
    // One transaction per migration; the advisory lock serialises concurrent starters.
    const done = await backend.transaction(async (tx) => {
      await takeMigrationLock(tx);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (seen.length > 0) return false;
      try {
        for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      } catch (error) {
        throw migrationFailed(migration, error);
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

/**
 * A version the database records under another file's name: two files of one version on some
 * commit applied the first and skipped the second for good, and the renumbered twin would now run
 * again (review: "relation already exists", the store never starting). Refused, naming both.
 */
function refuseRenamedVersions(
  recorded: readonly { version: number; name: string }[],
  migrations: readonly Migration[],
): void {
  for (const row of recorded) {
    const file = migrations.find((m) => m.version === Number(row.version));
    if (file && file.name !== row.name)
      throw new StoreError(
        'MIGRATION_NAME_MISMATCH',
        `schema_migrations records version ${row.version} as ${row.name}, this release's file is ${file.name}: repair schema_migrations first (services/call-store/README.md, "Writing a migration")`,
      );
  }
}

/** PostgreSQL's lock_not_available: a migration's lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * A migration's failure, naming it: a lock timeout read "cannot open the PostgreSQL database",
 * which sent an operator looking at the network (review).
 */
function migrationFailed(migration: Migration, error: unknown): StoreError {
  const waited =
    sqlStateOf(error) === LOCK_NOT_AVAILABLE
      ? '; another session holds a lock on a table it changes (a running purge, a long query): the next start tries again'
      : '';
  return new StoreError(
    'MIGRATION_FAILED',
    `migration ${migration.version} (${migration.name}) failed: ${errorText(error)}${waited}`,
    [],
    { cause: error },
  );
}

export interface SchemaStatus {
  /** The newest migration the database records (0: none, a new database). */
  version: number;
  /** The newest this release ships. */
  known: number;
  /** This release's migrations the database has not had, in order. */
  pending: number[];
}

/**
 * Where the database's schema stands, changing nothing (no table created, no lock taken): for
 * `npm run migrate -- --status` and a service told not to migrate (STORE_MIGRATE_AT_START=false).
 */
export async function schemaStatus(
  backend: SqlBackend,
  migrations = listMigrations(),
): Promise<SchemaStatus> {
  const table = await backend.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  const applied = table[0]?.present
    ? (await backend.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) =>
        Number(r.version),
      )
    : [];
  const done = new Set(applied);
  return {
    version: applied.reduce((max, v) => Math.max(max, v), 0),
    known: migrations.reduce((max, m) => Math.max(max, m.version), 0),
    pending: migrations.filter((m) => !done.has(m.version)).map((m) => m.version),
  };
}

/**
 * For a service that does not migrate: the schema must be exactly what this release expects
 * (behind: its queries name columns that do not exist yet; ahead: as `migrate` refuses).
 */
export async function requireCurrentSchema(
  backend: SqlBackend,
  migrations = listMigrations(),
): Promise<void> {
  const status = await schemaStatus(backend, migrations);
  refuseNewerSchema(status.version, migrations);
  if (status.pending.length > 0)
    throw new StoreError(
      'SCHEMA_BEHIND',
      `the database's schema lacks migrations ${status.pending.join(', ')} of this release (STORE_MIGRATE_AT_START=false): run \`npm run migrate\` first (README, "Upgrading and rolling back")`,
    );
}

function refuseNewerSchema(newest: number, migrations: readonly Migration[]): void {
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (newest > known)
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `the database's schema is at version ${newest}, this release knows up to ${known}: a newer release migrated it; run that release (README, "Rolling back")`,
    );
}

/** Our migrations are plain DDL: split on `;` at line ends, dropping `--` comments. */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
