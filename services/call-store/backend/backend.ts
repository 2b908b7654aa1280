// The SQL backend the call store talks to: one small interface with a PGlite (embedded) and a
// PostgreSQL (`pg`) implementation, chosen by `openBackend` from the config. I/O: database.

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

export interface BackendOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data folder; absent = in memory. */
  dataDir?: string;
  poolSize?: number;
}

export async function openBackend(options: BackendOptions): Promise<SqlBackend> {
  if (options.databaseUrl) {
    const { openPostgresBackend } = await import('./backend-pg.ts');
    return openPostgresBackend(options.databaseUrl, options.poolSize ?? 8);
  }
  const { openPgliteBackend } = await import('./backend-pglite.ts');
  return openPgliteBackend(options.dataDir);
}
