// The call store on PostgreSQL when the database does not answer in time: a statement past
// DATABASE_STATEMENT_TIMEOUT_MS is cancelled by the server and a request that finds no free
// connection within DATABASE_CONNECT_TIMEOUT_MS gives up; the API answers both 503 DATABASE_BUSY
// with Retry-After (a 500 INTERNAL before, and a statement with no limit held its connection and
// locks for as long as it ran). Migrations are not held to the limit. Real PostgreSQL, real HTTP.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import { openPostgresBackend } from '../../../services/call-store/backend/backend-pg.ts';
import { startQaServer, type QaServer } from '../../../services/call-store/http/server.ts';
import { migrate } from '../../../services/call-store/migrate.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import type { Principal } from '../../../services/shared/auth/roles.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { expectDocumented } from './openapi.ts';

let server: FoundPostgres;
let url: string;
const name = `va_timeouts_${randomUUID().slice(0, 8)}`;
const tokens = {
  secret: new TextEncoder().encode('database-timeouts-test-secret-32-bytes'),
  issuer: 'va-test',
  audience: 'va-test',
};
const QA: Principal = { userId: 'qa-1', role: 'qa_reviewer', tenant: 'acme', agentId: null, teams: [] };

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url ?? server.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs `work` while another session holds the calls table (every search waits on it). */
async function withCallsLocked(work: () => Promise<void>): Promise<void> {
  await withAdmin(async (holder) => {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE calls IN ACCESS EXCLUSIVE MODE');
    try {
      await work();
    } finally {
      await holder.query('ROLLBACK');
    }
  });
}

beforeAll(async () => {
  server = await findPostgres();
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(server.url);
  u.pathname = `/${name}`;
  url = u.toString();
});
afterAll(async () => {
  if (server?.source === 'env') {
    const own = url;
    url = server.url;
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name}`)).catch(() => undefined);
    url = own;
  }
  await server?.stop();
});

describe('call store on PostgreSQL: database timeouts', () => {
  let store: CallStore;
  let qa: QaServer;

  beforeAll(async () => {
    store = await openCallStore({
      databaseUrl: url,
      poolSize: 1,
      statementTimeoutMs: 400,
      connectTimeoutMs: 300,
    });
    qa = await startQaServer({ store, tokens, port: 0 });
  });
  afterAll(async () => {
    await qa?.close();
    await store?.close();
  });

  const search = async () => {
    const response = await fetch(`http://127.0.0.1:${qa.port}/calls`, {
      headers: { authorization: `Bearer ${await issueToken(tokens, QA)}` },
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: await response.json(),
    };
  };

  it('answers 503 DATABASE_BUSY with Retry-After when a statement passes the limit, then serves again', async () => {
    // Another session holds the calls table: the search's statement waits past 400 ms.
    await withCallsLocked(async () => {
      const started = performance.now();
      const busy = await search();
      expect(busy.status).toBe(503);
      expect(busy.body.error.code).toBe('DATABASE_BUSY');
      expect(busy.retryAfter).toBe('5');
      expectDocumented('/calls', 'GET', 503, busy.body);
      // Cancelled by the server at its limit, not left waiting for the lock.
      expect(performance.now() - started).toBeLessThan(5_000);
    });
    expect((await search()).status).toBe(200);
  });

  it('answers 503 DATABASE_BUSY when no connection is free within the connect timeout', async () => {
    await withCallsLocked(async () => {
      // The first search holds the pool's only connection (waiting on the lock, up to 400 ms);
      // the second waits for a connection and gives up at 300 ms.
      const [first, second] = await Promise.all([search(), search()]);
      expect([first.status, second.status]).toEqual([503, 503]);
      expect([first.body.error.code, second.body.error.code]).toEqual(['DATABASE_BUSY', 'DATABASE_BUSY']);
    });
    expect((await search()).status).toBe(200);
  });

  it('runs a migration longer than the statement limit, and keeps the limit on the sessions after it', async () => {
    const backend = await openPostgresBackend(url, { poolSize: 1, statementTimeoutMs: 200 });
    try {
      await expect(backend.query('SELECT pg_sleep(0.5)')).rejects.toMatchObject({ code: '57014' });
      const slow = { version: 9001, name: '9001_slow.sql', sql: 'SELECT pg_sleep(0.5);' };
      await expect(migrate(backend, [slow])).resolves.toEqual([9001]);
      await expect(backend.query('SELECT pg_sleep(0.5)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await backend.query('DELETE FROM schema_migrations WHERE version = 9001').catch(() => undefined);
      await backend.close();
    }
  });
});
