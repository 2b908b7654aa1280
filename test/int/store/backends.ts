// Test helper: every call-store backend the contract suite runs against. PGlite in memory, and a
// real PostgreSQL found like the Kafka broker (DATABASE_URL, else the installed Debian binaries,
// else a loud failure). Each `open()` gets a fresh database.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import type { Kafka, Producer } from 'kafkajs';
import { testKafka } from '../../support/kafka.ts';

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

/**
 * One PostgreSQL store for every test of a file (the race and deadlock tests, which need sessions
 * side by side): a fresh database opened before the tests and handed to `opened` (which may seed
 * it), closed and dropped after them.
 */
export function postgresStoreForFile(opened: (store: CallStore) => void | Promise<void>): void {
  const fixture = postgresFixture();
  beforeAll(async () => {
    await fixture.setup();
    await opened(await fixture.open());
  });
  afterAll(() => fixture.teardown());
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

/** What the ingest tests of a backend use: its store, a Kafka client and a connected producer. */
export interface StoreOnKafka {
  store: CallStore;
  kafka: Kafka;
  producer: Producer;
}

/**
 * One describe per backend with a fresh store, a Kafka client named `clientId` and its producer,
 * opened before the tests and closed after them; the tests reach them through `deps()`.
 */
export function describeEachBackendOnKafka(
  title: string,
  clientId: string,
  body: (deps: () => StoreOnKafka) => void,
): void {
  describe.each(BACKENDS.map((make) => [make().name, make] as const))(title, (_name, make) => {
    const fixture = make();
    let deps: StoreOnKafka;
    beforeAll(async () => {
      await fixture.setup();
      const kafka = testKafka(clientId);
      deps = { store: await fixture.open(), kafka, producer: kafka.producer() };
      await deps.producer.connect();
    });
    afterAll(async () => {
      await deps?.producer.disconnect();
      await fixture.teardown();
    });
    body(() => deps);
  });
}
