// Real browser (headless Chromium): a QA reviewer marks an alert a false alarm on the call page,
// with a reason, and the "Alert precision" page changes with it: the rule had 9 right verdicts
// (too few for a figure), the tenth turns "not enough verdicts" into 90 % with its Wilson
// interval. The report is a table with a caption, column and row headers; the form's controls
// are labelled; agents get neither the form nor the report's link. Screenshots:
// reports/screenshots/qa-alert-verdict.png, qa-alert-precision.png.
import { describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { signInToQa } from '../../support/browser.ts';
import { qaPagesForFile, SCREENSHOTS } from './qa-pages.ts';

const demo = { tenant: 'demo', agentId: null, teams: null };

/** Ten calls of one frustration alert each; the first nine judged right, `verdict-9` left to the page. */
async function fill(store: CallStore): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const call = syntheticStoreCall({
      callId: `verdict-${i}`,
      tenant: 'demo',
      agentId: 'agent-1',
      startedAt: new Date(Date.now() - (2 + i) * 3_600_000),
      durationS: 60,
      angryFromS: 10,
      angryToS: 40,
      alert: true,
      seed: i + 1,
    });
    await store.write(syntheticEvents(call));
    const alert = call.alerts.find((e) => e.kind === 'alert') as unknown as { alertId: string };
    if (i < 9) await store.putVerdict(demo, call.start.callId, alert.alertId, 'qa', { verdict: 'right' });
  }
  await store.finalizePending(0);
}

const qa = qaPagesForFile('verdict-page-secret-of-32-bytes!!!!', fill);

describe('review page: alert verdicts and the precision report', () => {
  it('a verdict marked on the call page changes the precision report', async () => {
    const page = await qa.context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await signInToQa(page, qa.origin, 'qa');
    const row = () => page.locator('tr[data-rule="customer-frustration"][data-subject="customer"]');
    const cells = async () => (await row().locator('td').allTextContents()).map((t) => t.trim());

    await page.getByRole('link', { name: 'Alert precision' }).click();
    const table = page.getByRole('table', { name: 'Alerts and verdicts per rule' });
    await table.waitFor();
    expect(await table.getByRole('columnheader', { name: 'Wrong (false alarm)' }).count()).toBe(1);
    expect(await row().getByRole('rowheader').textContent()).toBe('customer-frustration');
    // subject, raised, judged, right, wrong, unsure, precision
    expect(await cells()).toEqual([
      'customer',
      '10',
      '9',
      '9',
      '0',
      '0',
      'not enough verdicts (9 right or wrong of 10 needed)',
    ]);

    await page.evaluate(() => {
      location.hash = '#/calls/verdict-9';
    });
    const alerts = page.getByTestId('alerts');
    await alerts.locator('[data-testid="verdict-form"]').waitFor();
    expect(await alerts.getByTestId('verdict-line').textContent()).toBe('Not judged yet.');
    // Labelled controls: the radio by its label, the reason by its label.
    await alerts.getByRole('radio', { name: 'Wrong (false alarm)' }).check();
    await alerts.getByLabel('Reason (optional)').fill('raised voice, not anger');
    await alerts.getByRole('button', { name: 'Save verdict' }).click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="verdict-line"]')?.textContent?.startsWith('Judged wrong'),
    );
    const line = await alerts.getByTestId('verdict-line').textContent();
    expect(line).toContain('Judged wrong (false alarm) by');
    expect(line).toContain('qa');
    expect(line).toContain('raised voice, not anger');
    expect(await alerts.getByRole('radio', { name: 'Wrong (false alarm)' }).isChecked()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/qa-alert-verdict.png`, fullPage: true });

    await page.evaluate(() => {
      location.hash = '#/reports/alert-precision?days=30';
    });
    await table.waitFor();
    // 9 right of 10: 90 %, Wilson 95 % [59.6 %, 98.2 %].
    expect(await cells()).toEqual([
      'customer',
      '10',
      '10',
      '9',
      '1',
      '0',
      '90 % (95 % interval 60 % to 98 %)',
    ]);
    await page.screenshot({ path: `${SCREENSHOTS}/qa-alert-precision.png`, fullPage: true });
    expect(failures).toEqual([]);
    await page.close();
  }, 90_000);

  it('gives an agent no verdict form and no report link', async () => {
    const page = await qa.context.newPage();
    await signInToQa(page, qa.origin, 'agent-1');
    expect(await page.getByRole('link', { name: 'Alert precision' }).isVisible()).toBe(false);
    await page.evaluate(() => {
      location.hash = '#/calls/verdict-1';
    });
    await page.getByTestId('alerts').waitFor();
    expect(await page.getByTestId('verdict-form').count()).toBe(0);
    expect(await page.getByTestId('verdict-line').count()).toBe(0);
    await page.close();
  }, 60_000);

  it("shows a reviewer's reason written as markup as text, running nothing (pen-test pen31)", async () => {
    const page = await qa.context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await signInToQa(page, qa.origin, 'qa');
    await page.evaluate(() => {
      location.hash = '#/calls/verdict-8';
    });
    const alerts = page.getByTestId('alerts');
    await alerts.locator('[data-testid="verdict-form"]').waitFor();
    const markup = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    await alerts.getByRole('radio', { name: 'Right' }).check();
    await alerts.getByLabel('Reason (optional)').fill(markup);
    await alerts.getByRole('button', { name: 'Save verdict' }).click();
    await alerts.getByText('Saved.').waitFor();
    // Read back from the API, as every later reader gets it.
    await page.reload();
    await alerts.locator('[data-testid="verdict-form"]').waitFor();
    expect(await alerts.getByTestId('verdict-line').textContent()).toContain(markup);
    expect(await alerts.locator('img, b').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(failures).toEqual([]);
    await page.close();
  }, 60_000);
});
