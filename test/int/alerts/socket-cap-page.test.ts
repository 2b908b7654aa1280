// A page refused by a connection cap says why, in a real browser against the real service: the
// agent who opened more pages than ALERT_WS_MAX_PER_USER allows is told to close one, instead of
// "reconnecting" for ever; the page keeps retrying and goes live once a page is closed.
import { describe, expect, it } from 'vitest';
import { startPagesWithBrowser } from './pages-harness.ts';
import { signInToWallboard } from '../../support/browser.ts';

describe('a page over the connection cap', () => {
  it('names the cap and goes live once another page of the same sign-in closes', async () => {
    const { h, browser } = await startPagesWithBrowser({ ALERT_WS_MAX_PER_USER: '1' });
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
