// The PostgreSQL backend when its server ends a session under a transaction (a restart, a crash
// recovery, a terminated backend, the idle-in-transaction timeout): the transaction fails and the
// pool goes on with a new connection. The process used to die of an unhandled 'error' event of the
// checked-out client (DBA review, 2026-12-07: every ingest transaction in flight at a server crash).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from './pg-admin.ts';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import {
  IDLE_IN_TRANSACTION_TIMEOUT_MS,
  openPostgresBackend,
} from '../../../services/call-store/backend/backend-pg.ts';

let server: FoundPostgres;
let url: string;
const name = `va_loss_${randomUUID().slice(0, 8)}`;

const admin = <T>(sql: string, params: unknown[] = []) => adminQuery<T>(server.url, sql, params);

beforeAll(async () => {
  server = await findPostgres();
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(server.url);
  u.pathname = `/${name}`;
  url = u.toString();
});
afterAll(async () => {
  if (server?.source === 'env') await admin(`DROP DATABASE IF EXISTS ${name}`);
  await server?.stop();
});

describe('PostgreSQL backend: a session ended under a transaction', () => {
  it('fails that transaction only; the process and the pool go on', async () => {
    const backend = await openPostgresBackend(url, { poolSize: 2 });
    try {
      const outcome = backend.transaction(async (tx) => {
        const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // Ended between two statements (no query in flight): the client's own 'error' event.
        await admin('SELECT pg_terminate_backend($1)', [pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.query('SELECT 1');
      });
      await expect(outcome).rejects.toThrow();
      // Both of the pool's connections are usable again (the broken one was discarded).
      const rows = await Promise.all([1, 2].map(() => backend.query<{ n: number }>('SELECT 1 AS n')));
      expect(rows.map((r) => r[0].n)).toEqual([1, 1]);
    } finally {
      await backend.close();
    }
  });

  it('sets the idle-in-transaction timeout on its sessions', async () => {
    const backend = await openPostgresBackend(url, { poolSize: 1 });
    try {
      const [row] = await backend.query<{ ms: string }>(
        "SELECT setting AS ms FROM pg_settings WHERE name = 'idle_in_transaction_session_timeout'",
      );
      expect(Number(row.ms)).toBe(IDLE_IN_TRANSACTION_TIMEOUT_MS);
    } finally {
      await backend.close();
    }
  });
});
