// Real browser (headless Chromium via playwright-core) on the QA call list, served by the real QA
// server over a real database: a search survives a visit to a call; "More" goes on with the
// search the table lists even after the
// form was edited (it had mixed the new filter with the old search's cursor), a time the browser
// takes but the API does not gets the API's message instead of an uncaught error, and an admin of
// every tenant sees whose each row is and opens a call id two tenants use.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { signInToQa } from '../../support/browser.ts';
import { qaPagesForFile } from './qa-pages.ts';

/** Text as read: without the bidi isolates around each name (services/shared/bidi-isolate.ts). */
const shown = (text: string | null) => (text ?? '').replace(/[\u2068\u2069]/g, '');

/** 52 calls of agent-1 and 3 of agent-2 (tenant demo), and one call id in two tenants. */
async function listedCalls(store: CallStore): Promise<void> {
  const startedAt = Date.now() - 24 * 3600_000;
  const agents = [...Array(52).fill('agent-1'), 'agent-2', 'agent-2', 'agent-2'];
  for (const [i, agentId] of agents.entries()) {
    const call = syntheticStoreCall({
      callId: `list-${String(i).padStart(2, '0')}`,
      agentId,
      tenant: 'demo',
      startedAt: new Date(startedAt + i * 60_000),
      durationS: 20,
      seed: i,
      customerRef: i === 0 ? `cref1_${'u'.repeat(43)}` : null,
    });
    await store.write(syntheticEvents(call));
  }
  for (const [i, tenant] of ['demo', 'globex'].entries()) {
    const call = syntheticStoreCall({
      callId: 'twin-1',
      tenant,
      agentId: 'agent-9',
      customerRef: `cref1_${'t'.repeat(43)}`,
      queue: `${tenant}-queue`,
      startedAt: new Date(startedAt + (60 + i) * 60_000),
      durationS: 20,
      seed: 100 + i,
    });
    await store.write(syntheticEvents(call));
  }
  await store.finalizePending(0);
}

const qa = qaPagesForFile('qa-list-page-test-secret-32-bytes!', listedCalls);

const agentsListed = (page: Page) => page.locator('tr.call-row td:nth-child(2)').allTextContents();

describe('QA call list in a real browser', () => {
  it('pages on with the search it lists, and says why a time is refused', async () => {
    const page = await qa.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signInToQa(page, qa.origin, 'supervisor');
    await page.locator('#f-agentId').fill('agent-1');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => agentsListed(page)).toEqual(Array(50).fill('agent-1'));
    // Edited, not searched: the table still lists agent-1's calls, and More goes on with them.
    await page.locator('#f-agentId').fill('agent-2');
    await page.getByRole('button', { name: 'More' }).click();
    await expect.poll(() => agentsListed(page)).toEqual(Array(52).fill('agent-1'));
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => agentsListed(page)).toEqual(Array(3).fill('agent-2'));
    // Into a call and back: the search is still the one the reviewer made (it was emptied).
    await page.locator('tr.call-row a').first().click();
    await page.getByRole('link', { name: '← all calls' }).click();
    await expect.poll(() => agentsListed(page)).toEqual(Array(3).fill('agent-2'));
    expect(await page.locator('#f-agentId').inputValue()).toBe('agent-2');

    // The browser takes years up to 275760; the API 1970 to 9999.
    await page.locator('#f-from').fill('275760-09-13T00:00');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect
      .poll(() => page.locator('.form-status').textContent())
      .toBe('From: must be a time from 1970 to 9999');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows an admin of every tenant whose each row is, and opens either tenant's call of one id", async () => {
    const page = await qa.context.newPage();
    await signInToQa(page, qa.origin, 'admin');
    await page.locator('#f-queue').fill('-queue');
    const twins = page.locator('tr.call-row[data-call-id="twin-1"]');
    await expect.poll(() => twins.count()).toBe(2);
    const tenants = await twins.locator('td.tenant').allTextContents();
    expect(tenants.sort()).toEqual(['demo', 'globex']);
    for (const tenant of ['globex', 'demo']) {
      await page.goto(`${qa.origin}/qa/#/`);
      await twins.first().waitFor();
      await page.locator(`tr.call-row[data-call-id="twin-1"]:has(td.tenant:text-is("${tenant}")) a`).click();
      await page.getByTestId('scorecard').waitFor();
      expect(shown(await page.locator('p.meta').first().textContent())).toContain(`queue ${tenant}-queue`);
    }
    // From that call (demo's) to its customer's history and back to a call: the tenant goes along.
    await page.getByTestId('customer-link').click();
    await page.getByTestId('customer-calls').waitFor();
    await page.getByTestId('customer-calls').locator('a').first().click();
    await page.getByTestId('scorecard').waitFor();
    expect(shown(await page.locator('p.meta').first().textContent())).toContain('queue demo-queue');
    // The same from a call opened without a tenant (its id is one tenant's only).
    await page.goto(`${qa.origin}/qa/#/calls/list-00`);
    await page.getByTestId('customer-link').click();
    await page.getByTestId('customer-calls').locator('a').first().click();
    await page.getByTestId('scorecard').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Call list-00');
    await page.close();
  });

  it('fetches one page at a time and drops the answer to a search another one overtook', async () => {
    const page = await qa.context.newPage();
    await signInToQa(page, qa.origin, 'supervisor');
    // Every search answer is held until the test lets it go: the order is the test's, not the
    // machine's (a fixed delay raced a loaded CI machine).
    const held: { url: string; release: () => void }[] = [];
    await page.route('**/calls?**', async (route) => {
      await new Promise<void>((release) => held.push({ url: route.request().url(), release }));
      await route.continue();
    });
    const isMore = (url: string) => new URL(url).searchParams.has('cursor');
    const agentIs = (agent: string) => (url: string) =>
      !isMore(url) && new URL(url).searchParams.get('agentId') === agent;
    /** Lets the held request that matches go on; resolves once its answer reached the page. */
    const answer = async (match: (url: string) => boolean) => {
      await expect.poll(() => held.some((h) => match(h.url))).toBe(true);
      const done = page.waitForResponse((response) => match(response.url()));
      held
        .splice(
          held.findIndex((h) => match(h.url)),
          1,
        )[0]
        .release();
      await done;
    };
    await page.locator('#f-agentId').fill('agent-1');
    await page.getByRole('button', { name: 'Search' }).click();
    await answer(agentIs('agent-1'));
    await expect.poll(() => agentsListed(page)).toHaveLength(50);
    const more = page.getByRole('button', { name: 'More' });
    await more.click();
    await expect(more.isDisabled()).resolves.toBe(true); // its answer is still held
    await answer(isMore);
    await expect.poll(() => agentsListed(page)).toHaveLength(52);
    // A More, overtaken by a Search for another agent: the table is that search's alone.
    await page.locator('#f-agentId').fill('agent-1');
    await page.getByRole('button', { name: 'Search' }).click();
    await answer(agentIs('agent-1'));
    await expect.poll(() => agentsListed(page)).toHaveLength(50);
    await more.click();
    await page.locator('#f-agentId').fill('agent-2');
    await page.getByRole('button', { name: 'Search' }).click();
    await answer(agentIs('agent-2'));
    await expect.poll(() => agentsListed(page)).toEqual(Array(3).fill('agent-2'));
    await answer(isMore); // the overtaken More's answer comes last
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    expect(await agentsListed(page)).toEqual(Array(3).fill('agent-2'));
    await page.close();
  });
});
