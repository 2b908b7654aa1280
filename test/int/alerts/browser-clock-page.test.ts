// Pages in a real browser whose clock is 10 minutes fast, against the real service and broker:
// the times a page shows are measured on the alert service's clock (the serverTimeMs of its
// welcome, heartbeat and pong frames), not the browser's. Before, the wallboard showed a call
// that had just started as 10:00 long, the agent view the same, and the sign-in note of a
// 10-minute sign-in said it had already ended.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import { signInToWallboard } from '../../support/browser.ts';
import { startCall } from './harness.ts';
import { startPagesWithBrowser } from './pages-harness.ts';

const BROWSER_AHEAD_MS = 10 * 60_000;

/** A page whose Date.now runs BROWSER_AHEAD_MS ahead of the host's (a PC clock gone fast). */
async function fastClockPage(open: () => Promise<Page>): Promise<Page> {
  const page = await open();
  await page.addInitScript((aheadMs) => {
    const systemNow = Date.now;
    Date.now = () => systemNow() + aheadMs;
  }, BROWSER_AHEAD_MS);
  return page;
}

describe('a browser whose clock is 10 minutes fast', () => {
  it('shows a new call as seconds long and the sign-in end as the service counts it', async () => {
    const { h, browser } = await startPagesWithBrowser({ TOKEN_TTL_S: '600' });
    const wallboard = await fastClockPage(() => browser.context.newPage());
    await signInToWallboard(wallboard, h.baseUrl, 'supervisor', '**/wallboard.html');
    await wallboard.getByText('● live').waitFor();
    const agent = await fastClockPage(() => browser.context.newPage());
    await signInToWallboard(agent, h.baseUrl, 'agent-3', '**/agent.html');
    await agent.getByText('● live').waitFor();

    const callId = uniqueName('fast-clock');
    await startCall(h, callId, 'agent-3', 'billing');
    const tileDuration = wallboard.locator(`article.tile[data-call-id="${callId}"] .tile-dur`);
    await tileDuration.waitFor({ timeout: 10_000 });
    await expect.poll(() => tileDuration.textContent()).toMatch(/^00:0\d$/);
    await expect.poll(() => agent.locator('#call-info').textContent()).toMatch(/ · 00:0\d$/);

    for (const page of [wallboard, agent])
      await expect
        .poll(() => page.locator('#sign-in-note').textContent())
        .toMatch(/^Your sign-in ends at .+ \(in (9|10) min\): sign in again after this call$/);
  });
});
