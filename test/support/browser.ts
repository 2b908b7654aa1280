// Debian's Chromium for page tests, driven by playwright-core: one place for its path, the flags
// this sandboxed machine needs (no background networking: its connections would be refused), the
// page bundles built for a test, and the two sign-in forms (QA pages, wallboard). I/O: a browser
// process, temporary folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The demo users' password (config/demo-users.json). */
const DEMO_PASSWORD = 'demo1234';

/** The pages of a vite config built into a fresh temporary folder; the caller removes it. */
export async function buildPages(configFile: string): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'va-pages-'));
  await build({ configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  return outDir;
}

export interface Chromium {
  context: BrowserContext;
  /** Ends the browser and removes its profile. */
  close(): Promise<void>;
}

/** Headless Chromium on a fresh profile. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'va-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      args: [...CHROMIUM_ARGS],
    });
  } catch (error) {
    // A browser that would not start (missing, crashed) left its empty profile folder behind.
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs a demo user in through the QA pages' form at `origin`/qa/ and waits for the call list. */
export async function signInToQa(page: Page, origin: string, username: string): Promise<void> {
  await page.goto(`${origin}/qa/`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('tr.call-row').first().waitFor();
}

/** Signs a demo user in on the alert service's login page and waits for `landing` (a URL glob). */
export async function signInToWallboard(
  page: Page,
  baseUrl: string,
  username: string,
  landing: string,
): Promise<void> {
  await page.goto(baseUrl);
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  await page.click('#login-button');
  await page.waitForURL(landing);
}
