// The SQL backend the call store talks to: one small interface with a PGlite (embedded) and a
// PostgreSQL (`pg`) implementation, chosen by `openBackend` from the config. I/O: database.
import type { PostgresPoolOptions } from './backend-pg.ts';

export interface SqlExecutor {
  /** One statement with $1.. parameters; returns the rows. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface SqlBackend extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The service's default DATABASE_STATEMENT_TIMEOUT_MS. A statement still running after a minute is
 * a scan nothing the service does should need (the API's reads are indexed, writes go call by
 * call): it is cancelled instead of holding a connection and its locks while the pool's other
 * users queue (DBA review, 2026-12-07: the limit had been left open).
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 60_000;
/**
 * Without it a connection attempt to a server that drops packets waits the kernel's connect
 * timeout (about 2 min), and a request waits for a free pool client without bound.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface BackendOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data folder; absent = in memory. */
  dataDir?: string;
  poolSize?: number;
  /** PostgreSQL: longest a statement may run (server-side statement_timeout); 0 or absent = no limit. */
  statementTimeoutMs?: number;
  /** PostgreSQL: longest wait for a connection, new or from the full pool. */
  connectTimeoutMs?: number;
  /** PostgreSQL: DATABASE_URL_FILE, read again for each new connection's password. */
  passwordFile?: PostgresPoolOptions['passwordFile'];
}

export async function openBackend(options: BackendOptions): Promise<SqlBackend> {
  if (options.databaseUrl) {
    const { openPostgresBackend } = await import('./backend-pg.ts');
    return openPostgresBackend(options.databaseUrl, {
      poolSize: options.poolSize ?? 8,
      statementTimeoutMs: options.statementTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs,
      passwordFile: options.passwordFile,
    });
  }
  const { openPgliteBackend } = await import('./backend-pglite.ts');
  return openPgliteBackend(options.dataDir);
}
