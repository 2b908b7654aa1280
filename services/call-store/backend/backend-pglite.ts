// PGlite (PostgreSQL compiled to WebAssembly) implementation of SqlBackend: the embedded default,
// data in a local folder (or in memory), held by one process at a time. I/O: files under the data
// folder.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SqlBackend, SqlExecutor } from './backend.ts';
import { takePgliteFolder } from '../../shared/pglite-folder-lock.ts';

/**
 * The folder and its missing parents, one level at a time: `mkdir -p` in Node (recursive: true)
 * never settles for a path under /proc, which refuses every mkdir with ENOENT.
 */
async function makeFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
    await makeFolder(dirname(dir));
    await mkdir(dir);
  }
}

export async function openPgliteBackend(dataDir?: string): Promise<SqlBackend> {
  // Its parents too: PGlite makes the last folder only, so the default `.data/call-store` failed on
  // a fresh clone (no `.data`) with STORE_OPEN_FAILED.
  if (dataDir) await makeFolder(dataDir);
  // One process at a time (PgliteFolderLockedError otherwise): two corrupt the folder.
  const release = dataDir ? takePgliteFolder(dataDir) : () => undefined;
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir ? { dataDir } : {});
  } catch (error) {
    release();
    throw error;
  }
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
      await db.close().finally(release);
    },
  };
}
