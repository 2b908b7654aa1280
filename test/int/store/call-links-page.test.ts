// Real browser (headless Chromium) on the review pages of a call transferred to a new call id
// (previous_call_id): the QA reviewer opens the second call, follows "continues call" to the
// first, and finds "continued in call" there. Screenshot: reports/screenshots/qa-call-links.png.
import { describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { signInToQa } from '../../support/browser.ts';
import { qaPagesForFile, SCREENSHOTS } from './qa-pages.ts';

async function transferredCalls(store: CallStore): Promise<void> {
  const startedAt = (m: number) => new Date(Date.now() - m * 60_000);
  const first = syntheticStoreCall({
    callId: 'qa-first-leg',
    tenant: 'demo',
    agentId: 'agent-1',
    team: 'billing',
    startedAt: startedAt(30),
    durationS: 60,
    seed: 3,
  });
  const second = syntheticStoreCall({
    callId: 'qa-second-leg',
    tenant: 'demo',
    agentId: 'agent-3',
    team: 'support',
    startedAt: startedAt(29),
    durationS: 60,
    seed: 4,
  });
  const linked = { ...second.start, previousCallId: 'qa-first-leg' } as StoreEvent;
  await store.write([...syntheticEvents(first), ...syntheticEvents({ ...second, start: linked })]);
  await store.finalizePending(0);
}

const qa = qaPagesForFile('links-page-test-secret-of-32-bytes!', transferredCalls);

describe('review pages of a call transferred to a new call id', () => {
  it('link the two calls both ways', async () => {
    const page = await qa.context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await signInToQa(page, qa.origin, 'qa');
    await page.getByRole('link', { name: 'qa-second-leg' }).click();
    const links = page.getByTestId('call-links');
    await links.waitFor();
    expect(await links.textContent()).toBe('Transferred: continues call qa-first-leg');
    await page.getByTestId('previous-call').click();
    await page.getByRole('heading', { name: 'Call qa-first-leg' }).waitFor();
    expect(await page.getByTestId('call-links').textContent()).toBe(
      'Transferred: continued in call qa-second-leg',
    );
    await page.screenshot({ path: `${SCREENSHOTS}/qa-call-links.png`, fullPage: true });
    expect(failures).toEqual([]);
    await page.close();
  });

  it('names no linked call to an agent who may not open it', async () => {
    const page = await qa.context.newPage();
    await signInToQa(page, qa.origin, 'agent-3');
    await page.getByRole('link', { name: 'qa-second-leg' }).click();
    await page.getByRole('heading', { name: 'Call qa-second-leg' }).waitFor();
    expect(await page.getByTestId('call-links').count()).toBe(0);
    await page.close();
  });
});
