// Test helper: every call-store backend the contract suite runs against. PGlite in memory, and a
// real PostgreSQL found like the Kafka broker (DATABASE_URL, else the installed Debian binaries,
// else a loud failure). Each `open()` gets a fresh database.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';

export interface BackendFixture {
  name: 'pglite' | 'postgres';
  setup(): Promise<void>;
  open(): Promise<CallStore>;
  teardown(): Promise<void>;
}

export function pgliteFixture(): BackendFixture {
  return {
    name: 'pglite',
    setup: async () => undefined,
    open: () => openCallStore({}),
    teardown: async () => undefined,
  };
}

/** One server per test file; one fresh database per `open()` (dropped at teardown). */
export function postgresFixture(): BackendFixture {
  let server: FoundPostgres | undefined;
  const databases: string[] = [];
  const stores: CallStore[] = [];
  const admin = async <T>(work: (client: pg.Client) => Promise<T>) => {
    const client = new pg.Client({ connectionString: server?.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgres',
    async setup() {
      server = await findPostgres();
    },
    async open() {
      const name = `va_test_${randomUUID().slice(0, 8)}`;
      await admin((client) => client.query(`CREATE DATABASE ${name}`));
      databases.push(name);
      const url = new URL(server?.url ?? '');
      url.pathname = `/${name}`;
      const store = await openCallStore({ databaseUrl: url.toString(), poolSize: 4 });
      stores.push(store);
      return store;
    },
    async teardown() {
      for (const store of stores) await store.close().catch(() => undefined);
      if (server?.source === 'env') {
        for (const name of databases)
          await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name}`)).catch(() => undefined);
      }
      await server?.stop();
    },
  };
}

export const BACKENDS: (() => BackendFixture)[] = [pgliteFixture, postgresFixture];

/**
 * One describe per backend (`title` with %s for its name) over one fresh store, opened before its
 * tests and dropped after them; the tests reach it through `store()`.
 */
export function describeEachBackend(title: string, body: (store: () => CallStore) => void): void {
  describe.each(BACKENDS.map((make) => [make().name, make] as const))(title, (_name, make) => {
    const fixture = make();
    let opened: CallStore;
    beforeAll(async () => {
      await fixture.setup();
      opened = await fixture.open();
    });
    afterAll(() => fixture.teardown());
    body(() => opened);
  });
}
