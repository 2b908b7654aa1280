// Test helper: the alert service with its built pages on the real broker (harness.ts) and a
// headless Chromium to open them; both stop, and the built pages go, when the test finishes.
import { existsSync, rmSync } from 'node:fs';
import { onTestFinished } from 'vitest';
import { startHarness } from './harness.ts';
import { buildPages, CHROMIUM, launchChromium } from '../../support/browser.ts';

const ALERT_PAGES = 'services/alert-service/web/vite.config.ts';

export async function startPagesWithBrowser(env: Record<string, string> = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const pages = await buildPages(ALERT_PAGES);
  onTestFinished(() => rmSync(pages, { recursive: true, force: true }));
  const h = await startHarness({ ALERT_WEB_DIR: pages, ...env });
  const browser = await launchChromium({ width: 1280, height: 800 });
  onTestFinished(browser.close);
  return { h, browser };
}
