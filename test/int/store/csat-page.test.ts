import { describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { signInToQa } from '../../support/browser.ts';
import { qaPagesForFile } from '../store/qa-pages.ts';

async function oneCall(store: CallStore): Promise<void> {
  const call = syntheticStoreCall({
    callId: 'qa-call-angry',
    startedAt: new Date(Date.now() - 3600_000),
    durationS: 120,
    angryFromS: 30,
    angryToS: 60,
    alert: true,
    ackAfterS: 9,
    seed: 7,
    tenant: 'demo',
  });
  await store.write(syntheticEvents(call));
  await store.finalizePending(0);
}
const qa = qaPagesForFile('review-page-test-secret-32-bytes!!', oneCall);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CSAT report page: the period and late answers', () => {
  it('Enter on the period select submits the form', async () => {
    const page = await qa.context.newPage();
    await signInToQa(page, qa.origin, 'supervisor');
    await page.evaluate(() => {
      location.hash = '#/reports/csat';
    });
    await page.getByTestId('csat-report').waitFor();
    await page.locator('#csat-period').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await sleep(1000);
    expect(page.url()).toMatch(/days=/);
    await page.close();
  }, 60_000);

  it('a report still loading does not replace the call the reviewer went to', async () => {
    const page = await qa.context.newPage();
    await signInToQa(page, qa.origin, 'supervisor');
    await page.route(/\/reports\/csat/, async (route) => {
      await sleep(2500);
      await route.continue();
    });
    await page.evaluate(() => {
      location.hash = '#/reports/csat?days=all';
    });
    await sleep(300);
    await page.evaluate(() => {
      location.hash = '#/calls/qa-call-angry';
    });
    await page.getByTestId('timeline').waitFor();
    await sleep(3500);
    await page.screenshot({ path: '/tmp/rev-last-stale.png' });
    expect(await page.getByTestId('csat-report').count()).toBe(0);
    expect(await page.getByTestId('timeline').count()).toBe(1);
    await page.close();
  }, 60_000);

  it('an earlier report that fails late does not replace the later one with an error', async () => {
    const page = await qa.context.newPage();
    await signInToQa(page, qa.origin, 'supervisor');
    await page.evaluate(() => {
      location.hash = '#/reports/csat?days=30';
    });
    await page.getByTestId('csat-report').waitFor();
    await page.route(/\/reports\/csat$/, async (route) => {
      await sleep(2000);
      await route.fulfill({
        status: 503,
        body: '{"error":{"code":"X","message":"slow any-time report failed"}}',
        contentType: 'application/json',
      });
    });
    await page.locator('#csat-period').selectOption('all');
    await page.getByRole('button', { name: 'Show' }).click();
    await sleep(200);
    await page.evaluate(() => {
      location.hash = '#/reports/csat?days=7';
    });
    await page.getByTestId('csat-report').waitFor();
    await sleep(2500);
    expect(await page.locator('.card.error').count()).toBe(0);
    expect(await page.getByTestId('csat-report').count()).toBe(1);
    await page.close();
  }, 60_000);
});
