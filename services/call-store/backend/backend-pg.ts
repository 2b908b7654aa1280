// PostgreSQL implementation of SqlBackend through a `pg` connection pool. I/O: network.
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { passwordFromFile, type PasswordFileProblem } from './rotating-password.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS, type SqlBackend, type SqlExecutor } from './backend.ts';

/**
 * A session idle inside a transaction this long is ended by the server, releasing its locks: the
 * store's transactions run statement after statement (an erasure's Kafka announcement holds one
 * 5 s at most), so only a stuck or lost client gets there. Without it such a session held its row
 * and advisory locks (ingest of the calls in its buckets waited) and the vacuum horizon until the
 * process died (DBA review, 2026-12-07).
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

export interface PostgresPoolOptions {
  poolSize: number;
  /**
   * Server-side statement_timeout of every session; 0 or absent = none (the server's own setting):
   * the service sets DATABASE_STATEMENT_TIMEOUT_MS, the CLI tools (a CSAT report over a year,
   * `analyze --store`) run unbounded. Migrations lift it (migrate.ts).
   */
  statementTimeoutMs?: number;
  /** A new connection, or a free one from a full pool, within this or an error (http/database-busy.ts). */
  connectTimeoutMs?: number;
  /** DATABASE_URL_FILE: each new connection's password is read from it again (rotating-password.ts). */
  passwordFile?: { path: string; report: (problem: PasswordFileProblem) => void };
}

export async function openPostgresBackend(url: string, options: PostgresPoolOptions): Promise<SqlBackend> {
  // pg lets a connection string's password override a `password` function: the URL is parsed here
  // so that a rotating password (a function called at each connect) is the one used.
  const target = options.passwordFile
    ? {
        ...parseIntoClientConfig(url),
        password: passwordFromFile(options.passwordFile.path, url, options.passwordFile.report),
      }
    : { connectionString: url };
  const pool = new pg.Pool({
    ...target,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    statement_timeout: options.statementTimeoutMs ?? 0,
    idleTimeoutMillis: 30_000,
    // TCP keepalives: a server gone without a word (a failover, a dropped NAT entry) is noticed by
    // the kernel instead of leaving a query waiting on a dead socket.
    keepAlive: true,
    // The kernel's default first probe comes after 2 h (tcp_keepalive_time 7200): a vanished server
    // held a purge's query that long (review). The first probe after 10 s idle instead; with the
    // kernel's default interval and count a dead server is noticed in about 11 min; a live server
    // cancels a statement at statement_timeout.
    keepAliveInitialDelayMillis: 10_000,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, that would kill
  // the process. The pool drops that client; the next query fails and /readyz says `database`.
  pool.on('error', () => undefined);
  // A client checked out for a transaction has no pool listener: its connection ending between
  // two statements (a server restart or crash, a terminated backend, the idle-in-transaction
  // timeout) emitted an unhandled 'error' and ended the process (DBA review: 4 of 4 ingest
  // transactions in flight at a server crash). The transaction's next statement fails instead, it
  // rolls back, and the pool discards the client on release (it is no longer queryable).
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  // A dead server must fail here, at start, not on the first write.
  const probe = await pool.connect();
  probe.release();
  return {
    kind: 'postgres',
    async query<R>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as R[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: SqlExecutor = {
          query: async <R>(sql: string, params: unknown[] = []) =>
            (await client.query(sql, params)).rows as R[],
        };
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
