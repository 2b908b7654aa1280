// The agent's page after its connection dropped (laptop asleep, Wi-Fi gone) and came back, in a
// real browser against the real service and broker: it shows what a reload shows. A call handed to
// the agent meanwhile comes with its earlier alerts (hub-handover.ts: they were missing until a
// reload), and an ended call whose id the agent's next call took meanwhile leaves none of its
// alerts under the new call (they stayed listed there until a reload).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { uniqueName } from '../../support/kafka.ts';
import {
  connect,
  fakeAlert,
  login,
  startAngryCall,
  startCall,
  endAndStartNextTogether,
  startNextCallWithSameId,
} from './harness.ts';
import type { CallView } from '../../../services/alert-service/protocol.ts';
import { awayablePage, comeBack, goAway } from './page-away.ts';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import { sendRecords } from '../../../services/shared/producer.ts';

/** `username`'s agent page, live, whose connection the test can drop and give back. */
const agentPage = (username: string) => awayablePage(username, '**/agent.html');

const alertCount = (page: Page) => page.locator('#history li.alert').count();

describe("the agent's page after a reconnect", () => {
  it('lists the earlier alerts of a call handed to the agent while the page was away, as a reload does', async () => {
    const { h, page } = await agentPage('agent-2');
    const callId = uniqueName('transferred');
    await startAngryCall(h, callId, 'agent-1');
    // The hub has the alert before the page reloads: the page's last number is past it.
    await expect
      .poll(() => h.service.registry.recentAlerts().some((a) => a.callId === callId), { timeout: 10_000 })
      .toBe(true);
    await page.reload();
    await page.getByText('● live').waitFor();
    await goAway(page);
    // The transfer is pushed (a supervisor's page sees it) before the agent's page is back.
    const supervisor = await connect(h, await login(h, 'supervisor'));
    await startCall(h, callId, 'agent-2', '', 'billing-queue');
    await supervisor.waitFor(
      (f) =>
        f.type === 'state' &&
        (f.calls as CallView[]).some((c) => c.callId === callId && c.agentId === 'agent-2'),
    );
    await comeBack(page);
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('billing-queue');
    await expect.poll(() => alertCount(page), { timeout: 5_000 }).toBe(1);
    await page.reload();
    await page.getByText('● live').waitFor();
    await expect.poll(() => alertCount(page)).toBe(1);
  });

  it("lists none of an ended call's alerts under the next call that took its id while the page was away", async () => {
    const { h, page } = await agentPage('agent-3');
    const callId = uniqueName('reused');
    await startAngryCall(h, callId, 'agent-3');
    await expect.poll(() => alertCount(page), { timeout: 10_000 }).toBe(1);
    const endedAt = Date.now();
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId, endedAt)]);
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('ended');
    await goAway(page);
    await startNextCallWithSameId(h, callId, 'agent-3', endedAt);
    // The service has the next call before the page is back (else a live state frame brings it).
    await expect.poll(() => h.service.registry.owner('demo', callId)?.queue).toBe('sales-queue');
    await comeBack(page);
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('sales-queue');
    await expect(alertCount(page)).resolves.toBe(0);
    await page.reload();
    await page.getByText('● live').waitFor();
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('sales-queue');
    await expect(alertCount(page)).resolves.toBe(0);
  });

  it("lists none of an ended call's alerts under the next call when the page went away before the end", async () => {
    const { h, page } = await agentPage('agent-3');
    const callId = uniqueName('reused');
    await startAngryCall(h, callId, 'agent-3');
    await expect.poll(() => alertCount(page), { timeout: 10_000 }).toBe(1);
    // Away before the call ends: the page never sees it ended.
    await goAway(page);
    const endedAt = Date.now();
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId, endedAt)]);
    await expect.poll(() => h.service.registry.inProgress('demo', callId)).toBe(false);
    await startNextCallWithSameId(h, callId, 'agent-3', endedAt);
    await expect.poll(() => h.service.registry.owner('demo', callId)?.queue).toBe('sales-queue');
    await new Promise((r) => setTimeout(r, 2_500)); // the id's reuse is pushed (numbered)
    await comeBack(page);
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('sales-queue');
    const afterResume = await alertCount(page);
    await page.reload();
    await page.getByText('● live').waitFor();
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('sales-queue');
    expect({ afterResume, afterReload: await alertCount(page) }).toEqual({ afterResume: 0, afterReload: 0 });
  });
});

describe("the agent's page, live, when the next call takes an ended call's id (review revF29)", () => {
  it("lists none of the ended call's alerts when its end and the next start arrive together", async () => {
    const { h, page } = await agentPage('agent-3');
    const callId = uniqueName('reused-fast');
    await startAngryCall(h, callId, 'agent-3');
    await expect.poll(() => alertCount(page), { timeout: 10_000 }).toBe(1);
    const endedAt = Date.now();
    await endAndStartNextTogether(h, callId, 'agent-3', endedAt);
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('sales-queue');
    await expect.poll(() => alertCount(page), { timeout: 3_000 }).toBe(0);
  });

  it("keeps the new call's own first alert that came before the push showing it live", async () => {
    const { h, page } = await agentPage('agent-3');
    const callId = uniqueName('reused-new-alert');
    await startAngryCall(h, callId, 'agent-3');
    await expect.poll(() => alertCount(page), { timeout: 10_000 }).toBe(1);
    const endedAt = Date.now();
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId, endedAt)]);
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('ended');
    await startNextCallWithSameId(h, callId, 'agent-3', endedAt);
    await expect.poll(() => h.service.registry.owner('demo', callId)?.queue).toBe('sales-queue');
    h.service.hub.publishAlert({
      ...fakeAlert(callId, 2, 0, 'agent-3'),
      alertId: `${callId}:new`,
      firedAtMs: Date.now(),
    });
    await expect
      .poll(() => page.locator('#call-info').textContent(), { timeout: 10_000 })
      .toContain('sales-queue');
    await expect.poll(() => alertCount(page), { timeout: 3_000 }).toBe(1);
    await page.reload();
    await page.getByText('● live').waitFor();
    await expect.poll(() => alertCount(page)).toBe(1);
  });
});
