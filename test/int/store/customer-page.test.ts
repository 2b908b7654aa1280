// Real browser (headless Chromium) on the QA pages served by the real QA server over a real
// database: from a call's review page, the link to its customer's history opens a timeline of the
// customer's calls with mood at start and end; a call the customer opted out of history has no
// link and is not on the page; an agent sees only their own calls with the customer.
// Screenshots: reports/screenshots/.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { signInToQa } from '../../support/browser.ts';
import { qaPagesForFile, SCREENSHOTS } from './qa-pages.ts';

/** Text as read: without the bidi isolates around each name (services/shared/bidi-isolate.ts). */
const shown = (text: string | null) => (text ?? '').replace(/[\u2068\u2069]/g, '');

const REF = pseudonymiseCustomerRef('customer-page-test-key-0123456789', 'demo', 'CRM-000123');

/** The calls the pages show. */
async function oneCustomersCalls(store: CallStore): Promise<void> {
  const day = 86_400_000;
  const calls = [
    { callId: 'cust-calm', agentId: 'agent-2', at: 6 * day, angry: false },
    { callId: 'cust-angry', agentId: 'agent-1', at: 3 * day, angry: true },
    { callId: 'cust-optout', agentId: 'agent-1', at: 2 * day, angry: false, optOut: true },
    { callId: 'cust-recovered', agentId: 'agent-1', at: 3_600_000, angry: false },
  ];
  for (const [i, c] of calls.entries()) {
    const call = syntheticStoreCall({
      callId: c.callId,
      agentId: c.agentId,
      tenant: 'demo',
      customerRef: REF,
      historyOptOut: c.optOut,
      startedAt: new Date(Date.now() - c.at),
      durationS: 120,
      angryFromS: c.angry ? 60 : undefined,
      angryToS: c.angry ? 120 : undefined,
      alert: c.angry,
      ackAfterS: 5,
      seed: 11 + i,
      queue: c.angry ? 'cancellations' : 'billing',
    });
    await store.write(syntheticEvents(call));
  }
  await store.finalizePending(0);
  // The angry call's customer answered the post-call survey; the others did not.
  await store.importSurveys(
    { tenant: 'demo', agentId: null, teams: null },
    [{ at: { index: 0 }, raw: { callId: 'cust-angry', csat: 1, nps: 2 } }],
    'api',
  );
}

const qa = qaPagesForFile('customer-page-test-secret-32-bytes!', oneCustomersCalls);

async function signIn(username: string): Promise<{ page: Page; failures: string[] }> {
  const page = await qa.context.newPage();
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith(`${qa.origin}/`)) failures.push(`external request ${request.url()}`);
  });
  await signInToQa(page, qa.origin, username);
  return { page, failures };
}

describe('customer page in a real browser', () => {
  it("links a call to its customer's timeline of calls with mood at start and end", async () => {
    const { page, failures } = await signIn('supervisor');
    await page.goto(`${qa.origin}/qa/#/calls/cust-recovered`);
    await page.getByTestId('customer-link').click();
    await page.getByTestId('customer-timeline').waitFor();
    const items = page.getByTestId('customer-calls').locator('li.customer-call');
    await expect.poll(() => items.count()).toBe(3);
    expect(await items.evaluateAll((li) => li.map((x) => (x as HTMLElement).dataset.callId))).toEqual([
      'cust-recovered',
      'cust-angry',
      'cust-calm',
    ]);
    const angry = page.locator('li.customer-call[data-call-id="cust-angry"]');
    expect(shown(await angry.textContent())).toMatch(
      /cancellations · agent agent-1 · 2:00 · mood neutral → angry/,
    );
    expect(shown(await angry.textContent())).toMatch(/1 frustration episode\(s\)/);
    expect(shown(await angry.textContent())).toMatch(/CSAT 1\/5 · NPS 2\/10/);
    expect(shown(await page.locator('li.customer-call[data-call-id="cust-calm"]').textContent())).not.toMatch(
      /CSAT/,
    );
    // One step per call in the timeline, the angry call's end dot lower (more negative) than its start.
    const steps = page.getByTestId('customer-timeline').locator('g[data-call-id]');
    expect(await steps.count()).toBe(3);
    const [start, end] = await page
      .locator('g[data-call-id="cust-angry"] circle')
      .evaluateAll((dots) => dots.map((d) => Number(d.getAttribute('cy'))));
    expect(end).toBeGreaterThan(start);
    expect(await page.content()).not.toContain('CRM-000123');
    await page.screenshot({ path: `${SCREENSHOTS}/qa-customer-history.png`, fullPage: true });
    // Back to a call from the list.
    await angry.getByRole('link').click();
    await page.getByTestId('scorecard').waitFor();
    expect(page.url()).toMatch(/#\/calls\/cust-angry$/);
    expect(failures).toEqual([]);
  });

  it('gives an opted-out call no link, and an agent only their own calls with the customer', async () => {
    const { page } = await signIn('supervisor');
    await page.goto(`${qa.origin}/qa/#/calls/cust-optout`);
    await page.getByTestId('scorecard').waitFor();
    expect(await page.getByTestId('customer-link').count()).toBe(0);

    const agent = await signIn('agent-1');
    await agent.page.goto(`${qa.origin}/qa/#/customers/${REF}`);
    await agent.page.getByTestId('customer-timeline').waitFor();
    const ids = await agent.page
      .getByTestId('customer-calls')
      .locator('li.customer-call')
      .evaluateAll((li) => li.map((x) => (x as HTMLElement).dataset.callId));
    expect(ids).toEqual(['cust-recovered', 'cust-angry']);
    // An agent reads their call but is not offered the review form the API would refuse them.
    await agent.page.goto(`${qa.origin}/qa/#/calls/cust-angry`);
    await agent.page.getByTestId('reviews').waitFor();
    expect(await agent.page.getByTestId('review-form').count()).toBe(0);
    expect(await page.getByTestId('review-form').count()).toBe(1);
    // Nor the survey report, which the API refuses agents (the link led to a 403).
    expect(await agent.page.locator('#nav-csat').isVisible()).toBe(false);
    expect(await page.locator('#nav-csat').isVisible()).toBe(true);
  });
});
