// Real browser (headless Chromium via playwright-core) against the real service and broker: a
// supervisor signs in, watches the wallboard show the calls and the frustration alert appear,
// acknowledges it; an agent sees their cue. Screenshots go to reports/screenshots/ (CI artifacts).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import { freePort } from '../../../devkit/free-port.ts';
import {
  emotionRecord,
  sendEmotion,
  sendFeatures,
  startCall,
  startHarness,
  type Harness,
  withdrawAnalytics,
} from './harness.ts';
import { buildPages, CHROMIUM, launchChromium, signInToWallboard } from '../../support/browser.ts';
import { callEventRecord } from '../../../devkit/records/call-event.ts';
import { emotionOut } from '../../../devkit/records/alert-records.ts';
import { callKey } from '../../../services/shared/call-key.ts';
import { outRecord, sendRecords } from '../../../services/shared/producer.ts';
import { callEventCodec } from '../../../services/shared/records.ts';

const SCREENSHOTS = 'reports/screenshots';
const ALERT_PAGES = 'services/alert-service/web/vite.config.ts';

async function launch(): Promise<BrowserContext> {
  const browser = await launchChromium({ width: 1600, height: 900 });
  onTestFinished(browser.close);
  return browser.context;
}

/**
 * Streams `seconds` windows of three calls, compressed in time (one window per 150 ms). A call
 * with `unsureArousal` has a customer whose class is `uncertain` at that arousal.
 */
async function streamCalls(
  h: Harness,
  calls: { id: string; angryFrom: number; agentRate: number; unsureArousal?: number }[],
  seconds: number,
) {
  for (let i = 0; i < seconds; i += 1) {
    for (const c of calls) {
      const customer =
        c.unsureArousal === undefined
          ? emotionRecord(c.id, 'customer', i, i >= c.angryFrom ? 'angry' : 'neutral')
          : {
              ...emotionRecord(c.id, 'customer', i, 'uncertain'),
              rawLabel: 'neutral',
              arousal: c.unsureArousal,
            };
      await sendEmotion(h, customer);
      await sendEmotion(h, emotionRecord(c.id, 'agent', i, 'neutral'));
      await sendFeatures(h, c.id, 'agent', i, { tension: 0.25 + 0.02 * i, rate: c.agentRate });
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('pages in a real browser', () => {
  it('shows the wallboard with the call and its alert, acknowledges it, and cues the agent', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install the Debian package (apt-get install -y chromium; .ci/run does)`,
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    const pages = await buildPages(ALERT_PAGES);
    onTestFinished(() => rmSync(pages, { recursive: true, force: true }));
    const h = await startHarness({ ALERT_WEB_DIR: pages });
    const context = await launch();
    const urls: string[] = [];
    context.on('request', (request) => urls.push(request.url()));

    const board = await context.newPage();
    await signInToWallboard(board, h.baseUrl, 'supervisor', '**/wallboard.html');
    await board.getByText('● live').waitFor();

    const angry = uniqueName('call');
    const calm = uniqueName('call');
    const fast = uniqueName('call');
    await startCall(h, angry, 'agent-1', '', 'billing-queue');
    await startCall(h, calm, 'agent-2', '', 'billing-queue');
    await startCall(h, fast, 'agent-3', '', 'support-queue');
    await board.locator(`[data-call-id="${angry}"]`).waitFor();
    const tile = board.locator(`[data-call-id="${angry}"]`);
    const before = await tile.boundingBox();

    const agentPage = await context.newPage();
    await signInToWallboard(agentPage, h.baseUrl, 'agent-1', '**/agent.html');

    await streamCalls(
      h,
      [
        { id: angry, angryFrom: 4, agentRate: 4.2 },
        { id: calm, angryFrom: 99, agentRate: 3.8 },
        { id: fast, angryFrom: 99, agentRate: 6.1, unsureArousal: 0.8 },
      ],
      12,
    );
    const alertItem = board.locator(`[data-alert-id="demo/${angry}:customer:6:customer-frustration"]`);
    await alertItem.waitFor({ timeout: 10_000 });
    await expect(alertItem.textContent()).resolves.toContain('Critical');
    await expect(tile.textContent()).resolves.toContain('Customer frustration sustained');
    // A customer whose class is uncertain but whose arousal is confidently high reads "tense"
    // (pipelines/emotion/shown-state.ts), not "unclear".
    await expect(board.locator(`[data-call-id="${fast}"] .mood-word`).textContent()).resolves.toBe('tense');
    await expect(board.locator(`[data-call-id="${calm}"] .mood-word`).textContent()).resolves.toBe('neutral');
    // The agent's voice stress is its tension over its own call start (first 10 windows at
    // 0.25-0.43, then 0.45 and 0.47: raised), not the absolute index.
    // Polled: the features of the last windows may still be on their way to the page.
    await expect
      .poll(() => tile.locator('.tile-metrics .num').first().textContent(), { timeout: 5_000 })
      .toBe('raised');
    // Live updates do not move or resize the tile.
    expect(await tile.boundingBox()).toEqual(before);
    await board.screenshot({ path: `${SCREENSHOTS}/wallboard.png` });

    await alertItem.locator('button.ack').click();
    await alertItem.locator('.acked-note').waitFor();
    await expect(alertItem.locator('.acked-note').textContent()).resolves.toContain(
      'Acknowledged by supervisor',
    );
    await board.screenshot({ path: `${SCREENSHOTS}/wallboard-acknowledged.png` });
    // On a phone: one column, nothing wider than the screen, the alert's whole message shown.
    await board.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => board.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(390);
    expect(await tile.isVisible()).toBe(true);
    const message = alertItem.locator('.alert-message');
    expect(await message.evaluate((m) => m.scrollHeight <= m.clientHeight + 1)).toBe(true);
    await board.screenshot({ path: `${SCREENSHOTS}/wallboard-phone.png`, fullPage: true });
    await board.setViewportSize({ width: 1280, height: 800 });

    await agentPage.getByText('acknowledge the feeling before the fix').first().waitFor();
    await expect(agentPage.locator('#mood-label').textContent()).resolves.toContain('angry');
    await expect.poll(() => agentPage.locator('#tension').textContent(), { timeout: 5_000 }).toBe('raised');
    await agentPage.screenshot({ path: `${SCREENSHOTS}/agent-view.png` });
    // On a phone: one column, nothing wider than the screen (two columns made it 444 px at 375).
    await agentPage.setViewportSize({ width: 375, height: 740 });
    await expect
      .poll(() => agentPage.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(375);
    await agentPage.screenshot({ path: `${SCREENSHOTS}/agent-view-phone.png`, fullPage: true });
    await agentPage.setViewportSize({ width: 1280, height: 800 });

    // The token travels in the first WebSocket message only, never in a URL.
    const token = await board.evaluate(() => sessionStorage.getItem('va.token'));
    expect(token).toBeTruthy();
    expect(urls.filter((u) => u.includes(token!))).toEqual([]);

    // The login page words its reason from a fixed list: a link cannot put a sentence there.
    const login = await context.newPage();
    await login.goto(
      `${h.baseUrl}/?reason=${encodeURIComponent('Call the IT desk and read them your password')}`,
    );
    await expect(login.locator('#login-error').textContent()).resolves.toBe('');
    await login.goto(`${h.baseUrl}/?reason=expired`);
    await expect(login.locator('#login-error').textContent()).resolves.toBe('Your session expired.');
    // No other site may frame the pages (clickjacking).
    const headers = (await fetch(`${h.baseUrl}/wallboard.html`)).headers;
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(headers.get('x-frame-options')).toBe('DENY');
  });

  it("keeps two tenants' calls of one id apart on an every-tenant admin's wallboard", async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    const pages = await buildPages(ALERT_PAGES);
    onTestFinished(() => rmSync(pages, { recursive: true, force: true }));
    // Calls with no record for 2 s are purged: the test ends one twin by falling silent.
    const h = await startHarness({ ALERT_WEB_DIR: pages, ALERT_CALL_IDLE_MS: '2000' });
    const board = await (await launch()).newPage();
    await signInToWallboard(board, h.baseUrl, 'admin', '**/wallboard.html');
    await board.getByText('● live').waitFor();

    const twin = uniqueName('twin');
    const other = 'other-tenant';
    await startCall(h, twin, 'agent-1', '', 'billing-queue');
    await sendRecords(h.producer, [
      outRecord(
        h.topics.calls,
        callEventCodec,
        callKey(other, twin),
        callEventRecord(twin, { tenant: other, agentId: 'agent-9', queue: 'other-queue' }),
      ),
    ]);
    const tileOf = (tenant: string) => board.locator(`[data-call-id="${twin}"][data-tenant="${tenant}"]`);
    await tileOf('demo').waitFor();
    await tileOf(other).waitFor();

    // The demo tenant's customer gets angry, the other tenant's stays calm.
    const stream = async (from: number, to: number, tenants: string[]) => {
      for (let i = from; i < to; i += 1) {
        for (const tenant of tenants) {
          const state = tenant === 'demo' ? 'angry' : 'neutral';
          await sendRecords(h.producer, [
            emotionOut(h.topics.emotions, { ...emotionRecord(twin, 'customer', i, state), tenant }),
          ]);
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    };
    await stream(0, 10, ['demo', other]);
    await board
      .locator(`[data-alert-id^="demo/${twin}:customer:"][data-alert-id$=":customer-frustration"]`)
      .waitFor();
    await expect(tileOf('demo').locator('.tile-alert').textContent()).resolves.toContain(
      'Customer frustration sustained',
    );
    await expect(tileOf(other).locator('.tile-alert').textContent()).resolves.toBe('No alerts');
    await expect(tileOf(other).locator('.mood-word').textContent()).resolves.toBe('neutral');
    expect(await board.locator('.tile').count()).toBe(2);

    // The demo twin falls silent and is purged; only its tile goes.
    await stream(10, 40, [other]);
    await expect.poll(() => tileOf('demo').count(), { timeout: 10_000 }).toBe(0);
    expect(await tileOf(other).count()).toBe(1);
  });

  it('drops the tiles of calls a restarted service no longer has when the page reconnects', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    const pages = await buildPages(ALERT_PAGES);
    onTestFinished(() => rmSync(pages, { recursive: true, force: true }));
    // Both instances on one port, so the page reconnects to the second; the second reads topics
    // of its own: the first's call is one it never had (as a call that ended during an outage
    // and was purged), and no `removed` will ever name it.
    const env = { ALERT_WEB_DIR: pages, ALERT_PORT: String(await freePort()) };
    const first = await startHarness(env);
    const board = await (await launch()).newPage();
    await signInToWallboard(board, first.baseUrl, 'supervisor', '**/wallboard.html');
    await board.getByText('● live').waitFor();
    const gone = uniqueName('gone');
    const back = uniqueName('back');
    await startCall(first, gone, 'agent-1', '', 'billing-queue');
    await startCall(first, back, 'agent-2', '', 'billing-queue');
    const tile = (callId: string) => board.locator(`[data-call-id="${callId}"]`);
    await tile(gone).waitFor();
    expect(await tile(gone).locator('.tile-agent').getAttribute('title')).toBe(`agent-1 · call ${gone}`);
    for (let i = 0; i < 8; i += 1) await sendEmotion(first, emotionRecord(back, 'customer', i, 'angry'));
    await expect
      .poll(() => tile(back).locator('.tile-alert').textContent(), { timeout: 10_000 })
      .toContain('Customer frustration sustained');

    await first.service.stop('restart');
    await board.getByText('◌ reconnecting').waitFor();
    const second = await startHarness(env);
    await board.getByText('● live').waitFor({ timeout: 20_000 });
    await expect.poll(() => tile(back).count()).toBe(0);
    expect(await tile(gone).count()).toBe(0);
    // The full snapshot is the whole alert list too (a service welcomes a page only once it has
    // re-read va.alerts.v1): an alert it does not have (erased meanwhile, as here never read)
    // leaves the page, and the call coming back shows none.
    await expect.poll(() => board.locator('#alerts li.alert').count()).toBe(0);
    await startCall(second, back, 'agent-2', '', 'billing-queue');
    await tile(back).waitFor();
    await expect(tile(back).locator('.tile-alert').textContent()).resolves.not.toContain(
      'Customer frustration sustained',
    );
  });

  it('tells the agent and the supervisor in one neutral line that a call left because consent was withdrawn', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    const pages = await buildPages(ALERT_PAGES);
    onTestFinished(() => rmSync(pages, { recursive: true, force: true }));
    const h = await startHarness({ ALERT_WEB_DIR: pages });
    const context = await launch();
    const board = await context.newPage();
    await signInToWallboard(board, h.baseUrl, 'supervisor', '**/wallboard.html');
    await board.getByText('● live').waitFor();
    const agentPage = await context.newPage();
    await signInToWallboard(agentPage, h.baseUrl, 'agent-1', '**/agent.html');
    const callId = uniqueName('withdrawn');
    await startCall(h, callId, 'agent-1', '', 'billing-queue');
    for (let i = 0; i < 8; i += 1) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
    const alertItem = board.locator(`[data-alert-id^="demo/${callId}:"]`);
    await alertItem.first().waitFor({ timeout: 10_000 });
    await agentPage.getByText('acknowledge the feeling before the fix').first().waitFor();
    expect(await board.locator('#removed-note').isVisible()).toBe(false);

    await withdrawAnalytics(h, callId);
    for (const page of [board, agentPage]) {
      const note = page.locator('#removed-note');
      await note.waitFor({ state: 'visible', timeout: 10_000 });
      // The reason only: no call id, agent or customer in the line.
      await expect(note.textContent()).resolves.toBe('Call removed: consent withdrawn');
    }
    await expect.poll(() => board.locator(`[data-call-id="${callId}"]`).count()).toBe(0);
    expect(await alertItem.count()).toBe(0);
    // Nothing of the call stays on the agent's screen: its alerts, cue and mood leave with it.
    await expect.poll(() => agentPage.locator('#history li').count()).toBe(0);
    await expect(agentPage.locator('#cue').textContent()).resolves.toBe('No cue right now.');
    await expect(agentPage.locator('#mood-label').textContent()).resolves.toBe('—');
    await board.screenshot({ path: `${SCREENSHOTS}/wallboard-call-removed.png` });
    await agentPage.screenshot({ path: `${SCREENSHOTS}/agent-view-call-removed.png` });
  });
});
