// A big site's wallboard in a real browser (headless Chromium) against the real service: with
// 2 000 live calls an idle page touches only the tiles on screen (it rewrote every tile's clock
// each second: a 0.8 s freeze every second at 3 000 calls); a new alert is said to a screen reader;
// acknowledging one by keyboard keeps the focus on its alert and says so; on a phone the alerts
// come first and names are not cut; right-to-left names keep the line's order.
import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import { buildPages, CHROMIUM, launchChromium, signInToWallboard } from '../../support/browser.ts';
import { fakeAlert, startHarness } from './harness.ts';

const CALLS = 2_000;

describe('a big site wallboard', () => {
  it('touches only the tiles on screen when idle, announces alerts, and keeps the focus on an acknowledged one', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    const pages = await buildPages('services/alert-service/web/vite.config.ts');
    onTestFinished(() => rmSync(pages, { recursive: true, force: true }));
    const h = await startHarness({ ALERT_WEB_DIR: pages });
    const prefix = uniqueName('big').replace('.', '-');
    const startedAtMs = Date.now();
    for (let k = 0; k < CALLS; k += 1)
      h.service.registry.start({
        callId: `${prefix}-${k}`,
        tenant: 'demo',
        agentId: `agent-${k}`,
        team: 'billing',
        queue: 'billing-queue',
        startedAtMs,
      });
    const browser = await launchChromium({ width: 1600, height: 900 });
    onTestFinished(browser.close);
    const board = await browser.context.newPage();
    await signInToWallboard(board, h.baseUrl, 'supervisor', '**/wallboard.html');
    await expect
      .poll(() => board.locator('#call-count').textContent(), { timeout: 30_000 })
      .toBe(`${CALLS} live calls`);

    const onScreen = await board.evaluate(() => {
      const height = window.innerHeight;
      return [...document.querySelectorAll('.tile')].filter((t) => {
        const r = t.getBoundingClientRect();
        return r.bottom > 0 && r.top < height;
      }).length;
    });
    /** How many tiles change in `ms` of the page's own time. */
    const tilesTouchedIn = (ms: number) =>
      board.evaluate(
        (ms) =>
          new Promise<number>((resolve) => {
            const tiles = new Set<Element>();
            const observer = new MutationObserver((records) => {
              for (const r of records) {
                const tile = (r.target instanceof Element ? r.target : r.target.parentElement)?.closest(
                  '.tile',
                );
                if (tile) tiles.add(tile);
              }
            });
            observer.observe(document.getElementById('calls')!, {
              subtree: true,
              childList: true,
              characterData: true,
              attributes: true,
            });
            setTimeout(() => {
              observer.disconnect();
              resolve(tiles.size);
            }, ms);
          }),
        ms,
      );
    // Idle first: the state push of the 2 000 starts can reach a page on a loaded machine after
    // the snapshot has already listed them (CI once caught it inside the 3 s below: 2000 touched).
    await expect.poll(() => tilesTouchedIn(1_000), { timeout: 30_000 }).toBeLessThanOrEqual(onScreen);
    // Idle for 3 s (the clock ticks): which tiles changed?
    const touched = await tilesTouchedIn(3_000);
    expect(onScreen).toBeGreaterThan(0);
    expect(touched).toBeGreaterThan(0); // the clocks on screen do tick
    expect(touched).toBeLessThanOrEqual(onScreen);

    // A new alert is said to a screen reader.
    const callId = `${prefix}-0`;
    const alert = fakeAlert(callId, 1, 0, 'agent-0');
    h.service.hub.publishAlert(alert);
    await expect
      .poll(() => board.locator('#alert-announcer').textContent())
      .toBe("Critical alert: Customer frustration sustained on agent-0's call");

    // Acknowledged by keyboard: the focus stays on the alert, and the acknowledgement is said.
    const item = board.locator(`li[data-alert-id="${alert.alertId}"]`);
    await item.locator('button.ack').focus();
    await board.keyboard.press('Enter');
    await item.getByText('✓ Acknowledged by').waitFor();
    expect(await board.evaluate(() => document.activeElement?.getAttribute('data-alert-id'))).toBe(
      alert.alertId,
    );
    await expect
      .poll(() => board.locator('#ack-announcer').textContent())
      .toBe('Acknowledged: Customer frustration sustained');

    // A critical alert nobody acknowledged stays in the list when 120 later warnings come (the
    // list keeps 100: it was pushed out), and a button leads to it.
    const critical = fakeAlert(`${prefix}-2`, 1, 0, 'agent-2');
    h.service.hub.publishAlert(critical);
    await board.locator(`li[data-alert-id="${critical.alertId}"]`).waitFor();
    for (let n = 0; n < 120; n++)
      h.service.hub.publishAlert({
        ...fakeAlert(`${prefix}-3`, n + 10, 0, 'agent-3'),
        severity: 'warning',
        ruleId: 'agent-too-fast',
        alertId: `${prefix}-3:agent:${n + 10}:agent-too-fast`,
      });
    await expect.poll(() => board.locator('#alerts > li').count()).toBe(100);
    expect(await board.locator(`li[data-alert-id="${critical.alertId}"]`).count()).toBe(1);
    const openCritical = board.locator('#open-critical');
    expect(await openCritical.textContent()).toBe('⚠ 1 critical not acknowledged: show the oldest');
    await openCritical.click();
    expect(await board.evaluate(() => document.activeElement?.getAttribute('data-alert-id'))).toBe(
      critical.alertId,
    );

    // With 100 open critical alerts, a new warning is still listed (it was dropped at once).
    for (let n = 0; n < 100; n++) h.service.hub.publishAlert(fakeAlert(`${prefix}-4`, n + 10, 0, 'agent-4'));
    const late = {
      ...fakeAlert(`${prefix}-5`, 1, 0, 'agent-5'),
      severity: 'warning' as const,
      alertId: `${prefix}-5:agent:1:agent-too-fast`,
    };
    h.service.hub.publishAlert(late);
    await board.locator(`li[data-alert-id="${late.alertId}"]`).waitFor();
    expect(await board.locator('#alerts > li').count()).toBe(100);

    // Right-to-left names read in the line's order: time · agent · queue (an Arabic agent and
    // queue were drawn swapped).
    const arabic = { ...fakeAlert(`${prefix}-1`, 1, 0, 'محمد'), queue: 'قائمة الانتظار' };
    h.service.hub.publishAlert(arabic);
    const meta = board.locator(`li[data-alert-id="${arabic.alertId}"] .alert-meta`);
    await meta.waitFor();
    const order = await meta.evaluate((node) => {
      const text = node.firstChild!;
      const x = (word: string) => {
        const range = document.createRange();
        const at = text.textContent!.indexOf(word);
        range.setStart(text, at);
        range.setEnd(text, at + word.length);
        return range.getBoundingClientRect().x;
      };
      return x('محمد') < x('قائمة الانتظار');
    });
    expect(order).toBe(true);

    // On a phone (320 px): the alerts come first, and an agent's name is not cut to "age…".
    await board.setViewportSize({ width: 320, height: 640 });
    const layout = await board.evaluate(() => {
      const agent = document.querySelector('.tile .tile-agent') as HTMLElement;
      return {
        nameFits: agent.scrollWidth <= agent.clientWidth,
        alertsFirst:
          document.querySelector('.alerts-panel')!.getBoundingClientRect().top <
          document.getElementById('calls')!.getBoundingClientRect().top,
      };
    });
    expect(layout).toEqual({ nameFits: true, alertsFirst: true });
  }, 120_000);
});
