// The call store as a process: its /readyz turns 503 naming `database` once
// its PostgreSQL stops (it used to say ready, and an idle pooled connection's error could kill
// it), a configuration error exits 2 with one CONFIG_INVALID line and no stack trace, and a store
// that cannot open exits with one STORE_OPEN_FAILED line naming its setting (STORE_LOCKED when
// another process holds its PGlite folder), and so does a QA API
// port in use (it was a Node stack trace); a Kafka outage leaves the QA API in service (reviewers
// read from the database) and says so in va_kafka_broker_reachable instead.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalBroker, type LocalBroker } from '../../../devkit/kafka/local-broker.ts';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  metricValue,
  scrape,
  startServiceProcess,
  waitUntilReady,
  type ServiceProcess,
} from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import { uniqueName } from '../../support/kafka.ts';

const started: ServiceProcess[] = [];
let postgres: FoundPostgres | undefined;
let broker: LocalBroker | undefined;
afterAll(async () => {
  await Promise.all(started.map((service) => service.stop('SIGKILL')));
  await postgres?.stop();
  await broker?.stop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** A PGlite folder of its own under a folder that does not exist yet (made with its parents). */
const dataDirs: string[] = [];
const storeDataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'va-store-ready-'));
  dataDirs.push(dir);
  return join(dir, 'nested', 'store');
};

const env = () => ({
  KAFKA_BROKERS: inject('kafkaBrokers').join(','),
  STORE_DATA_DIR: storeDataDir(),
  LOG_LEVEL: 'info',
  JWT_SECRET: randomBytes(33).toString('base64url'),
  STORE_USERS_FILE: '',
  API_PORT: '0',
  API_HOST: '127.0.0.1',
  HTTP_PORT: '0',
  STORE_GROUP_ID: uniqueName('store-ready'),
  SERVE_WEB: 'false',
});

describe('call store readiness', () => {
  it('answers 503 naming the database once PostgreSQL stops', async () => {
    // A server of its own (not DATABASE_URL): the test stops it.
    postgres = await findPostgres({});
    const store = startServiceProcess('call-store', { ...env(), DATABASE_URL: postgres.url });
    started.push(store);
    const port = await store.port;
    const readyz = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: response.status, body: await response.text() };
    };
    await waitUntilReady(store);
    expect(metricValue(await scrape(port), 'va_store_database_up')).toBe(1);
    await postgres.stop();
    postgres = undefined;
    const down = await waitFor(
      'readyz to name the database',
      async () => {
        const answer = await readyz();
        return answer.status === 503 && answer;
      },
      30_000,
    );
    expect(down.body).toMatch(/not ready: .*database/);
    // The series VaStoreDatabaseDown pages on (readiness alone paged no one).
    expect(metricValue(await scrape(port), 'va_store_database_up')).toBe(0);
    expect(store.child.exitCode, store.output()).toBeNull(); // still running
  }, 150_000);

  it('exits 2 with one CONFIG_INVALID line for a bad variable, no stack trace', async () => {
    const store = startServiceProcess('call-store', { ...env(), API_PORT: 'not-a-port' });
    started.push(store);
    const code = await new Promise<number>((resolve) => store.child.once('exit', (c) => resolve(c ?? -1)));
    const output = store.output();
    expect(code, output).toBe(2);
    const lines = output.split('\n').filter((line) => line.includes('"code":"CONFIG_INVALID"'));
    expect(lines, output).toHaveLength(1);
    expect(lines[0]).toMatch(/API_PORT/);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('exits with one STORE_OPEN_FAILED line naming the setting when the store cannot open', async () => {
    const cases: { setting: Record<string, string>; names: string }[] = [
      { setting: { DATABASE_URL: 'postgres://va:Sup3r-S3cret@127.0.0.1:1/va' }, names: 'DATABASE_URL' },
      { setting: { STORE_DATA_DIR: '/proc/no-such-folder' }, names: 'STORE_DATA_DIR (/proc/no-such-folder' },
    ];
    for (const { names, setting } of cases) {
      const store = startServiceProcess('call-store', { ...env(), ...setting });
      started.push(store);
      const code = await new Promise<number>((resolve) => store.child.once('exit', (c) => resolve(c ?? -1)));
      const output = store.output();
      expect(code, output).toBe(1);
      const lines = output.split('\n').filter((line) => line.includes('"code":"STORE_OPEN_FAILED"'));
      expect(lines, output).toHaveLength(1);
      expect(lines[0]).toContain(names);
      expect(output).not.toMatch(/\n\s+at |Sup3r/);
    }
  });

  it('exits with one STORE_LOCKED line naming the holder when another process holds its PGlite folder', async () => {
    // PGlite has no lock of its own: a store started while `analyze --store` wrote the folder
    // opened it too, and two writers corrupt it. This test process is alive: its pid holds it.
    const folder = storeDataDir();
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '.store.lock'), String(process.pid));
    const store = startServiceProcess('call-store', { ...env(), STORE_DATA_DIR: folder });
    started.push(store);
    const code = await new Promise<number>((resolve) => store.child.once('exit', (c) => resolve(c ?? -1)));
    const output = store.output();
    expect(code, output).toBe(1);
    const lines = output.split('\n').filter((line) => line.includes('"code":"STORE_LOCKED"'));
    expect(lines, output).toHaveLength(1);
    expect(lines[0]).toContain(`in use by process ${process.pid}`);
    expect(output).not.toMatch(/\n\s+at /);
    // Past Kafka, short of started: on call read "service started" before the refusal.
    expect(output).toContain('"msg":"connected to Kafka"');
    expect(output).not.toContain('service started');
    expect(readFileSync(join(folder, '.store.lock'), 'utf8')).toBe(String(process.pid));
  });

  it('exits with one EADDRINUSE line when its API port is taken, no stack trace', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as { port: number };
      const store = startServiceProcess('call-store', { ...env(), API_PORT: String(port) });
      started.push(store);
      const code = await new Promise<number>((resolve) => store.child.once('exit', (c) => resolve(c ?? -1)));
      const output = store.output();
      expect(code, output).toBe(1);
      const lines = output.split('\n').filter((line) => line.includes('"code":"EADDRINUSE"'));
      expect(lines, output).toHaveLength(1);
      expect(output).not.toMatch(/\n\s+at |node:net/);
      expect(output).not.toContain('service started');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('stays ready in a Kafka outage (the QA API answers from the database) and says the broker is gone', async () => {
    broker = await startLocalBroker();
    const store = startServiceProcess('call-store', { ...env(), KAFKA_BROKERS: broker.brokers.join(',') });
    started.push(store);
    const port = await store.port;
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, body: await response.text() };
    };
    const reachable = async () =>
      /^va_kafka_broker_reachable\{[^}]*\} (\d)/m.exec((await get('/metrics')).body)?.[1];
    await waitUntilReady(store);
    expect(store.output()).toMatch(/connected to Kafka[^]*"msg":"service started"/);
    expect(await reachable()).toBe('1');
    await broker.stop();
    broker = undefined;
    await waitFor('the broker probe to notice', async () => (await reachable()) === '0', 30_000);
    expect(await get('/readyz')).toEqual({ status: 200, body: 'ready\n' });
  }, 150_000);
});
