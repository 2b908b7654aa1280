// The QA pages for every test of a file: the store's page bundle built, an in-memory call store
// the file fills, the real QA server on a free port (demo users, tokens signed with `secret`) and
// headless Chromium; all closed after the file. Fields are set once the tests run. I/O: a
// database, HTTP, a browser, temporary folders.
import { mkdirSync, rmSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { demoUsersLogin } from '../../../services/call-store/http/login.ts';
import { startQaServer, type QaServer } from '../../../services/call-store/http/server.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { buildPages, launchChromium, type Chromium } from '../../support/browser.ts';

/** Where page tests save their screenshots (CI artifacts). */
export const SCREENSHOTS = 'reports/screenshots';

export interface QaPages {
  store: CallStore;
  server: QaServer;
  context: BrowserContext;
  /** http://127.0.0.1:<port> of the QA server. */
  origin: string;
}

export function qaPagesForFile(secret: string, fill: (store: CallStore) => Promise<void>): QaPages {
  const pages = {} as QaPages;
  let webRoot: string | undefined;
  let browser: Chromium | undefined;
  beforeAll(async () => {
    webRoot = await buildPages('services/call-store/web/vite.config.ts');
    pages.store = await openCallStore({});
    await fill(pages.store);
    const tokens = { secret: new TextEncoder().encode(secret), issuer: 'va', audience: 'va' };
    const login = demoUsersLogin('config/demo-users.json');
    pages.server = await startQaServer({ store: pages.store, tokens, port: 0, webRoot, login });
    pages.origin = `http://127.0.0.1:${pages.server.port}`;
    browser = await launchChromium({ width: 1400, height: 1000 });
    pages.context = browser.context;
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await pages.server?.close();
    await pages.store?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });
  return pages;
}
