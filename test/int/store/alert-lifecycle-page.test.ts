// Real browser (headless Chromium) on the review page of a call whose alerts had every kind of
// life (alert-lifecycle-call.ts): the alert list and the timeline's alert markers say, in words
// and in the page's call times, when each alert was raised, escalated, acknowledged (by whom,
// after how long) and how it ended; the list and the heading count the escalation as part of its
// alert, not a second one. Screenshot: reports/screenshots/qa-alert-lifecycle.png.
import { describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { signInToQa } from '../../support/browser.ts';
import { qaPagesForFile, SCREENSHOTS } from './qa-pages.ts';
import { lifecycleCall } from './alert-lifecycle-call.ts';

const call = lifecycleCall({
  callId: 'qa-life',
  tenant: 'demo',
  startedAt: new Date(Date.now() - 3_600_000),
});

async function fill(store: CallStore): Promise<void> {
  await store.write(call.events);
  await store.finalizePending(0);
}

const qa = qaPagesForFile('lifecycle-page-secret-of-32-bytes!!', fill);

describe('review page: what became of each alert', () => {
  it('says it in the alert list and on the markers, reachable from the keyboard', async () => {
    const page = await qa.context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await signInToQa(page, qa.origin, 'qa');
    // An escalation is part of its alert's episode: 4 alerts, the escalated one handled by the
    // supervisor's acknowledgement of its escalation.
    const row = page.locator('tr', { has: page.getByRole('link', { name: 'qa-life' }) });
    expect(await row.textContent()).toContain('4 (2 unacked)');
    await page.getByRole('link', { name: 'qa-life' }).click();
    await page.getByTestId('timeline').waitFor();
    expect(await page.getByTestId('alerts').locator('h2').textContent()).toBe('Alerts (4)');
    const lineOf = (alertId: string) =>
      page.locator(`[id="alert-${alertId}"] [data-testid="alert-lifecycle"]`);
    expect(await lineOf(call.ids.frustration).textContent()).toBe(
      'raised 1:06 · acknowledged by supervisor-1 after 9 s · ended 2:41 (customer calmer)',
    );
    expect(await lineOf(call.ids.stress).textContent()).toBe(
      'raised 1:30 · escalated to supervisors 2:00 · not acknowledged · ended 4:00 (call ended)',
    );
    expect(await lineOf(call.ids.escalation).textContent()).toBe(
      'raised 2:00 · escalation of the alert of 1:30 · acknowledged by supervisor-1 after 12 s · ended 4:00 (call ended)',
    );
    expect(await lineOf(call.ids.moodDrop).textContent()).toBe(
      'raised 3:20 · not acknowledged · ended 4:00 (call ended)',
    );
    // The marker of the frustration alert: a button named with its life, reached by Tab.
    const marker = page.locator(`.alert-marker[data-alert-id="${call.ids.frustration}"]`);
    expect(await marker.getAttribute('aria-label')).toBe(
      'Alert at 1:06 Customer frustration sustained for 6 s — raised 1:06 · acknowledged by supervisor-1 after 9 s · ended 2:41 (customer calmer)',
    );
    await page.getByRole('button', { name: 'Whole call' }).focus();
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await marker.evaluate((m) => m === document.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id ?? ''))
      .toBe(`alert-${call.ids.frustration}`);
    await page.getByTestId('alerts').screenshot({ path: `${SCREENSHOTS}/qa-alert-lifecycle.png` });
    expect(failures).toEqual([]);
    await page.close();
  });
});
