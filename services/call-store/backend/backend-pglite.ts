// PGlite (PostgreSQL compiled to WebAssembly) implementation of SqlBackend: the embedded default,
// data in a local folder (or in memory). I/O: files under the data folder.
import { PGlite } from '@electric-sql/pglite';
import type { SqlBackend, SqlExecutor } from './backend.ts';

export async function openPgliteBackend(dataDir?: string): Promise<SqlBackend> {
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  return {
    kind: 'pglite',
    async query<R>(sql: string, params: unknown[] = []) {
      return (await db.query<R>(sql, params)).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) =>
        work({
          query: async <R>(sql: string, params: unknown[] = []) => (await tx.query<R>(sql, params)).rows,
        }),
      );
    },
    async close() {
      await db.close();
    },
  };
}
