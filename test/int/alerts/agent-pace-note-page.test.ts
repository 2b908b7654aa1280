// The agent page's pace note in a real browser against the real service and broker: one window over
// the agent-too-fast line reads "fast for a moment", a pace held over it for 5 s reads
// "▲ too fast: slow down" (PACE_NOTE_SUSTAIN_MS), a calm window "good pace". Only the view model
// was tested (live-pace-note.test.ts): a page that ignored paceTooFast passed everything.
import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import { sendFeatures, startCall, startHarness } from './harness.ts';
import { buildPages, CHROMIUM, launchChromium, signInToWallboard } from '../../support/browser.ts';

const ALERT_PAGES = 'services/alert-service/web/vite.config.ts';

describe("the agent page's pace note", () => {
  it('says "fast for a moment" for one fast window and "too fast" only once the pace held', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    const pages = await buildPages(ALERT_PAGES);
    onTestFinished(() => rmSync(pages, { recursive: true, force: true }));
    const h = await startHarness({ ALERT_WEB_DIR: pages });
    const browser = await launchChromium({ width: 1280, height: 800 });
    onTestFinished(browser.close);
    const page = await browser.context.newPage();
    await signInToWallboard(page, h.baseUrl, 'agent-1', '**/agent.html');
    await page.getByText('● live').waitFor();

    const callId = uniqueName('pace');
    await startCall(h, callId, 'agent-1', '', 'billing-queue');
    const note = () => page.locator('#pace-note').textContent();
    let i = 0;
    const windows = async (n: number, rate: number) => {
      for (const end = i + n; i < end; i += 1)
        await sendFeatures(h, callId, 'agent', i, { tension: 0.3, rate });
    };
    await windows(3, 4);
    await expect.poll(note, { timeout: 10_000 }).toBe('good pace');
    await windows(1, 9);
    await expect.poll(() => page.locator('#pace').textContent(), { timeout: 10_000 }).toContain('9');
    await expect(note()).resolves.toBe('fast for a moment');
    await windows(6, 9);
    await expect.poll(note, { timeout: 10_000 }).toBe('▲ too fast: slow down');
    await windows(1, 5);
    await expect.poll(note, { timeout: 10_000 }).toBe('good pace');
  }, 120_000);
});
