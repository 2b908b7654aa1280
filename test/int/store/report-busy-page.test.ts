// Review revpen31: the heavy reports run one per tenant at a time (store/report-gate.ts). A
// reviewer who opens "What moves CSAT" (90 days by default, the longest) and picks another period
// before it answered was refused by the report the page had just dropped ("another report of this
// tenant is running", an error card, nothing retried). The page now says it waits and asks again.
// Real PostgreSQL (the report held by a lock, as a slow report holds it), real QA server, Chromium.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { demoUsersLogin } from '../../../services/call-store/http/login.ts';
import { startQaServer, type QaServer } from '../../../services/call-store/http/server.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { buildPages, launchChromium, signInToQa, type Chromium } from '../../support/browser.ts';
import { rmSync } from 'node:fs';

let server: FoundPostgres;
let url: string;
let store: CallStore;
let qa: QaServer;
let browser: Chromium;
let webRoot: string;

beforeAll(async () => {
  server = await findPostgres();
  const name = `va_test_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(server.url);
  u.pathname = `/${name}`;
  url = u.toString();
  store = await openCallStore({ databaseUrl: url, poolSize: 4 });
  const call = syntheticStoreCall({
    callId: 'busy-call',
    startedAt: new Date(Date.now() - 3600_000),
    durationS: 60,
    seed: 3,
    tenant: 'demo',
  });
  await store.write(syntheticEvents(call));
  await store.finalizePending(0);
  webRoot = await buildPages('services/call-store/web/vite.config.ts');
  const tokens = {
    secret: new TextEncoder().encode('report-busy-secret-of-32-bytes!!!'),
    issuer: 'va',
    audience: 'va',
  };
  qa = await startQaServer({
    store,
    tokens,
    port: 0,
    webRoot,
    login: demoUsersLogin('config/demo-users.json'),
  });
  browser = await launchChromium({ width: 1280, height: 900 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await qa?.close();
  await store?.close();
  if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  await server?.stop();
});

describe('a report page refused because the reviewer’s previous report still runs', () => {
  it('waits for it and shows the report asked for, not an error', async () => {
    const page = await browser.context.newPage();
    await signInToQa(page, `http://127.0.0.1:${qa.port}`, 'supervisor');
    // The 90-day report runs long (36 s at a 2 000-seat centre): a lock holds it here.
    const lock = new pg.Client({ connectionString: url });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE surveys IN ACCESS EXCLUSIVE MODE');
    await page.evaluate(() => (location.hash = '#/reports/csat'));
    await new Promise((r) => setTimeout(r, 1_000));
    // The reviewer picks another period meanwhile.
    await page.evaluate(() => (location.hash = '#/reports/csat?days=all'));
    await new Promise((r) => setTimeout(r, 1_500));
    const errorShown = await page.locator('.card.error').count();
    if (errorShown) console.log('shown:', await page.locator('.card.error').innerText());
    await lock.query('COMMIT');
    await lock.end();
    await page
      .getByTestId('csat-report')
      .waitFor({ timeout: 20_000 })
      .catch(() => undefined);
    expect(errorShown).toBe(0);
    expect(await page.getByTestId('csat-report').count()).toBe(1);
    expect(page.url()).toContain('days=all');
  }, 90_000);
});
