// A page says when its sign-in ends, in a real browser against the real service: with a sign-in
// of 10 minutes (TOKEN_TTL_S=600) both the agent view and the wallboard show the time at once, so
// the person signs in again between calls instead of being sent to the login page mid-call.
import { describe, expect, it } from 'vitest';
import { startPagesWithBrowser } from './pages-harness.ts';
import { signInToWallboard } from '../../support/browser.ts';

describe('the end of a sign-in', () => {
  it('is announced on the agent view and the wallboard from 15 minutes before', async () => {
    const { h, browser } = await startPagesWithBrowser({ TOKEN_TTL_S: '600' });
    for (const [user, path] of [
      ['agent-1', '**/agent.html'],
      ['supervisor', '**/wallboard.html'],
    ] as const) {
      const page = await browser.context.newPage();
      await signInToWallboard(page, h.baseUrl, user, path);
      const note = page.locator('#sign-in-note');
      await note.waitFor();
      expect(await note.textContent()).toMatch(
        /^Your sign-in ends at .+ \(in (9|10) min\): sign in again after this call$/,
      );
      await page.close();
    }
  });
});
