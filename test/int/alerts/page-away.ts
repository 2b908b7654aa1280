// Test helper: a live page (agent view or wallboard) in a real browser whose connection the test
// can drop and give back, as a laptop that sleeps or loses Wi-Fi: away, its sockets close and its
// reconnects are refused (a path the server does not upgrade; another host is blocked by the
// page's CSP, and a blocked socket is never retried).
import type { Page } from 'playwright-core';
import { startPagesWithBrowser } from './pages-harness.ts';
import { signInToWallboard } from '../../support/browser.ts';

/** `username`'s page at `path` (`**\/agent.html`, `**\/wallboard.html`), live. */
export async function awayablePage(username: string, path: string, env: Record<string, string> = {}) {
  const { h, browser } = await startPagesWithBrowser(env);
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    const Real = window.WebSocket;
    const w = window as unknown as { away: boolean; sockets: WebSocket[] };
    w.away = false;
    w.sockets = [];
    window.WebSocket = class extends Real {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(w.away ? `${String(url)}-away` : url, protocols);
        w.sockets.push(this);
      }
    };
  });
  await signInToWallboard(page, h.baseUrl, username, path);
  await page.getByText('● live').waitFor();
  return { h, page };
}

export async function goAway(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { away: boolean; sockets: WebSocket[] };
    w.away = true;
    for (const s of w.sockets) s.close();
  });
  await page.getByText('◌ reconnecting').waitFor();
}

/** Back online: the next retry resumes (within the page's backoff; 30 s for a loaded machine). */
export async function comeBack(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { away: boolean }).away = false));
  await page.getByText('● live').waitFor({ timeout: 30_000 });
}

export async function reload(page: Page): Promise<void> {
  await page.reload();
  await page.getByText('● live').waitFor();
}
