// A page refused by a connection cap says why, in a real browser against the real service: the
// agent who opened more pages than ALERT_WS_MAX_PER_USER allows is told to close one, instead of
// "reconnecting" for ever; the page keeps retrying and goes live once a page is closed.
import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startHarness } from './harness.ts';
import { buildPages, CHROMIUM, launchChromium, signInToWallboard } from '../../support/browser.ts';

const ALERT_PAGES = 'services/alert-service/web/vite.config.ts';

describe('a page over the connection cap', () => {
  it('names the cap and goes live once another page of the same sign-in closes', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    const pages = await buildPages(ALERT_PAGES);
    onTestFinished(() => rmSync(pages, { recursive: true, force: true }));
    const h = await startHarness({ ALERT_WEB_DIR: pages, ALERT_WS_MAX_PER_USER: '1' });
    const browser = await launchChromium({ width: 1280, height: 800 });
    onTestFinished(browser.close);
    const first = await browser.context.newPage();
    await signInToWallboard(first, h.baseUrl, 'agent-1', '**/agent.html');
    await first.getByText('● live').waitFor();
    // The same sign-in (the token is per tab: sessionStorage) in a second tab of the same page.
    const token = await first.evaluate(() => sessionStorage.getItem('va.token'));
    const second = await browser.context.newPage();
    await second.goto(`${h.baseUrl}/`);
    await second.evaluate((t) => sessionStorage.setItem('va.token', t as string), token);
    await second.goto(`${h.baseUrl}/agent.html`);
    const status = second.locator('#status');
    await expect
      .poll(() => status.textContent(), { timeout: 15_000 })
      .toBe('◌ too many pages open for this sign-in: close one (retrying)');
    await first.close();
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toBe('● live');
  });
});
