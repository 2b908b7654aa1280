// Review revverdict30 (real Chromium): judging the alerts of a call one after another from the
// keyboard. Saving one verdict must not throw away what the reviewer typed in the next alert's
// form, nor drop their focus to the top of the page.
import { describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { signInToQa } from '../../support/browser.ts';
import { qaPagesForFile } from './qa-pages.ts';
import { lifecycleCall } from './alert-lifecycle-call.ts';

async function fill(store: CallStore): Promise<void> {
  const life = lifecycleCall({
    callId: 'focus-1',
    tenant: 'demo',
    startedAt: new Date(Date.now() - 3_600_000),
  });
  await store.write(life.events);
  await store.finalizePending(0);
}

const qa = qaPagesForFile('verdict-focus-secret-of-32-bytes!!!', fill);

describe('review page: judging several alerts', () => {
  it('keeps the next form and the focus after a verdict is saved', async () => {
    const page = await qa.context.newPage();
    await signInToQa(page, qa.origin, 'qa');
    await page.evaluate(() => {
      location.hash = '#/calls/focus-1';
    });
    const forms = page.getByTestId('verdict-form');
    await forms.first().waitFor();
    expect(await forms.count()).toBeGreaterThan(1);
    // The reviewer starts on the second alert's reason, then saves the first alert's verdict.
    await forms.nth(1).getByLabel('Reason (optional)').fill('half typed');
    await forms.nth(0).getByRole('radio', { name: 'Right' }).check();
    await forms.nth(0).getByRole('button', { name: 'Save verdict' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="verdict-line"]')?.textContent?.startsWith('Judged right'),
    );
    expect(await forms.nth(1).getByLabel('Reason (optional)').inputValue()).toBe('half typed');
    const focused = await page.evaluate(
      () => document.activeElement?.closest('[data-testid="verdict-form"]') !== null,
    );
    expect(focused).toBe(true);
    await page.close();
  }, 90_000);
});
