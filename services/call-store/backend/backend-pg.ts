// PostgreSQL implementation of SqlBackend through a `pg` connection pool. I/O: network.
import pg from 'pg';
import type { SqlBackend, SqlExecutor } from './backend.ts';

export async function openPostgresBackend(url: string, poolSize: number): Promise<SqlBackend> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000 });
  // An idle client whose server went away emits 'error' on the pool; unhandled, that would kill
  // the process. The pool drops that client; the next query fails and /readyz says `database`.
  pool.on('error', () => undefined);
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
