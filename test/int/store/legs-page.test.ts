// Real browser (headless Chromium) on the review page of a call transferred on the same call id:
// agent-1 until 2:00, then agent-2 (team support). agent-2 signs in, finds the call in their list,
// opens it and sees both legs with their own leg's figures (agent-1's stay hidden from them).
// Screenshot: reports/screenshots/qa-call-legs.png.
import { describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { signInToQa } from '../../support/browser.ts';
import { qaPagesForFile, SCREENSHOTS } from './qa-pages.ts';

async function transferredCall(store: CallStore): Promise<void> {
  const call = syntheticStoreCall({
    callId: 'qa-call-moved',
    tenant: 'demo',
    agentId: 'agent-1',
    team: 'billing',
    startedAt: new Date(Date.now() - 3600_000),
    durationS: 240,
    seed: 11,
  });
  const second = { ...call.start, agentId: 'agent-2', team: 'support', legStartMs: 120_000 } as StoreEvent;
  await store.write([...syntheticEvents(call), second]);
  await store.finalizePending(0);
}

const qa = qaPagesForFile('legs-page-test-secret-of-32-bytes!!', transferredCall);

describe('review page of a transferred call', () => {
  it("shows the second leg's agent the legs, from–to, and their own leg's figures", async () => {
    const page = await qa.context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await signInToQa(page, qa.origin, 'agent-2');
    await page.getByRole('link', { name: 'qa-call-moved' }).click();
    const legs = page.getByTestId('legs');
    await legs.waitFor();
    const rows = legs.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    // Stored names are shown isolated (U+2068 … U+2069): compared without the marks.
    const cells = async (i: number) =>
      (await rows.nth(i).locator('td').allTextContents()).map((t) => t.replace(/[\u2068\u2069]/g, '').trim());
    const [first, second] = [await cells(0), await cells(1)];
    expect(first.slice(0, 4)).toEqual(['agent-1', 'billing', 'billing', '0:00–2:00']);
    expect(first.slice(4)).toEqual(['—', '—', '—', '—', '—', '—']);
    expect(second.slice(0, 4)).toEqual(['agent-2', 'support', 'billing', '2:00–4:00']);
    expect(second[4]).toMatch(/^\d+ s$/);
    expect(second[9]).toBe('0');
    await page.screenshot({ path: `${SCREENSHOTS}/qa-call-legs.png`, fullPage: true });
    expect(failures).toEqual([]);
    await page.close();
  });
});
