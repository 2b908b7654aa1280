// The wallboard's tiles and screen-reader announcements, live, after a reconnect and after a
// reload, in a real browser against the real service and broker (review revD29): a call that took
// an ended call's id shows none of the ended call's alerts on its tile; a full snapshot leaves no
// tile on an alert it dropped from the list; a handed-over call's earlier alerts are not
// announced as new.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { uniqueName } from '../../support/kafka.ts';
import {
  fakeAlert,
  startCall,
  endAndStartNextTogether,
  startNextCallWithSameId,
  type Harness,
} from './harness.ts';
import { awayablePage, comeBack, goAway, reload } from './page-away.ts';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import { sendRecords } from '../../../services/shared/producer.ts';

/** `username`'s wallboard, live, whose connection the test can drop and give back. */
const wallboard = (username: string, env: Record<string, string> = {}) =>
  awayablePage(username, '**/wallboard.html', env);

const tile = (page: Page, callId: string) => page.locator(`article.tile[data-call-id="${callId}"]`);
const tileAlert = (page: Page, callId: string) => tile(page, callId).locator('.tile-alert').textContent();
const tileClass = (page: Page, callId: string) => tile(page, callId).getAttribute('class');

function publish(h: Harness, callId: string, n: number, over: Record<string, unknown> = {}) {
  h.service.hub.publishAlert({ ...fakeAlert(callId, n, 0, 'agent-3'), firedAtMs: Date.now() + n, ...over });
}

/** agent-3's billing call on the wallboard, its tile showing a critical alert. */
async function startCallWithCriticalAlert(h: Harness, page: Page, callId: string): Promise<void> {
  await startCall(h, callId, 'agent-3', 'billing');
  await tile(page, callId).waitFor({ timeout: 10_000 });
  publish(h, callId, 1);
  await expect.poll(() => tileAlert(page, callId)).toContain('Critical');
}

describe('the wallboard tiles', () => {
  it("show none of an ended call's alerts on the call that took its id, live and after a reload", async () => {
    const { h, page } = await wallboard('supervisor');
    const callId = uniqueName('reused');
    await startCallWithCriticalAlert(h, page, callId);
    const endedAt = Date.now();
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId, endedAt)]);
    await expect.poll(() => tileClass(page, callId)).toContain('tile-ended');
    await startNextCallWithSameId(h, callId, 'agent-3', endedAt);
    await expect.poll(() => tileClass(page, callId)).not.toContain('tile-ended');
    await expect.poll(() => tile(page, callId).locator('.tile-queue').textContent()).toContain('sales-queue');
    // The ended call's alert stays in the list (it happened), not on the new call's tile.
    await expect(page.locator('#alerts li.alert').count()).resolves.toBe(1);
    await expect.poll(() => tileAlert(page, callId)).toBe('No alerts');
    await expect(tileClass(page, callId)).resolves.not.toContain('sev-critical');
    await reload(page);
    await expect.poll(() => tile(page, callId).locator('.tile-queue').textContent()).toContain('sales-queue');
    await expect(page.locator('#alerts li.alert').count()).resolves.toBe(1);
    await expect(tileAlert(page, callId)).resolves.toBe('No alerts');
    await expect(tileClass(page, callId)).resolves.not.toContain('sev-critical');
  });

  it("show none of an ended call's alerts on the call that took its id while the page was away", async () => {
    const { h, page } = await wallboard('supervisor');
    const callId = uniqueName('reused');
    await startCallWithCriticalAlert(h, page, callId);
    // Away before the call ends: the page never sees it ended.
    await goAway(page);
    const endedAt = Date.now();
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId, endedAt)]);
    await expect.poll(() => h.service.registry.inProgress('demo', callId)).toBe(false);
    await startNextCallWithSameId(h, callId, 'agent-3', endedAt);
    await expect.poll(() => h.service.registry.owner('demo', callId)?.queue).toBe('sales-queue');
    await new Promise((r) => setTimeout(r, 2_500)); // the id's reuse is pushed (numbered)
    await comeBack(page);
    await expect.poll(() => tile(page, callId).locator('.tile-queue').textContent()).toContain('sales-queue');
    await expect.poll(() => tileAlert(page, callId)).toBe('No alerts');
    await expect(page.locator('#alerts li.alert').count()).resolves.toBe(1);
    await reload(page);
    await expect.poll(() => tile(page, callId).locator('.tile-queue').textContent()).toContain('sales-queue');
    await expect(tileAlert(page, callId)).resolves.toBe('No alerts');
  });

  it('show no alert a full snapshot dropped from the list, as a reload does', async () => {
    // A small replay log: the page's number is evicted while it is away, so it gets a full snapshot.
    const { h, page } = await wallboard('supervisor', { ALERT_REPLAY_CAPACITY: '10' });
    const callId = uniqueName('noisy');
    await startCall(h, callId, 'agent-3', 'billing');
    await tile(page, callId).waitFor({ timeout: 10_000 });
    publish(h, callId, 0); // critical, open
    for (let n = 1; n <= 50; n += 1) publish(h, callId, n, { severity: 'info' });
    // The call's 51st alert pushed its oldest, the critical one, out of the service's memory.
    expect(h.service.registry.findAlert(`${callId}:customer:0:customer-frustration`)).toBeUndefined();
    await expect.poll(() => page.locator('#alerts li.alert').count()).toBe(51);
    await expect.poll(() => tileAlert(page, callId)).toContain('Critical'); // live: kept (README limit)
    await goAway(page);
    const other = uniqueName('other');
    for (let n = 1; n <= 12; n += 1) publish(h, other, n, { severity: 'info' });
    await comeBack(page);
    // The full snapshot's list has no critical alert any more...
    await expect.poll(() => page.locator('#alerts li.sev-critical').count()).toBe(0);
    await expect.poll(() => page.locator('#alerts li.alert').count()).toBe(62);
    // ...and neither has the tile.
    await expect.poll(() => tileAlert(page, callId)).toContain('Info');
    await expect(tileClass(page, callId)).resolves.not.toContain('sev-critical');
    await reload(page);
    await expect.poll(() => tileAlert(page, callId)).toContain('Info');
  });
});

describe('the wallboard announcer', () => {
  /** A call of team support with an open critical alert, which a billing lead cannot see. */
  async function supportCallWithAlert(h: Harness) {
    const callId = uniqueName('handed');
    await startCall(h, callId, 'agent-3', 'support');
    await expect
      .poll(() => h.service.registry.owner('demo', callId)?.team, { timeout: 10_000 })
      .toBe('support');
    publish(h, callId, 1, { team: 'support' });
    return callId;
  }

  it("does not announce a call's earlier alerts as new when the call is handed to the lead's team, live", async () => {
    const { h, page } = await wallboard('lead-billing');
    const callId = await supportCallWithAlert(h);
    await startCall(h, callId, 'agent-2', 'billing');
    await tile(page, callId).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('#alerts li.alert').count()).toBe(1);
    await expect(page.locator('#alert-announcer').textContent()).resolves.toBe('');
    // A new alert is still announced.
    publish(h, callId, 2, { agentId: 'agent-2' });
    await expect.poll(() => page.locator('#alert-announcer').textContent()).toContain('Critical alert');
    await reload(page);
    await expect(page.locator('#alert-announcer').textContent()).resolves.toBe('');
  });

  it('does not announce them as new at a reconnect either (a reload announces none)', async () => {
    const { h, page } = await wallboard('lead-billing');
    // One call alerted before the page's number (the resume's handed-over alerts), one after (the replay).
    const before = await supportCallWithAlert(h);
    await reload(page);
    const after = await supportCallWithAlert(h);
    await goAway(page);
    await startCall(h, before, 'agent-2', 'billing');
    await startCall(h, after, 'agent-2', 'billing');
    await expect.poll(() => h.service.registry.owner('demo', after)?.team).toBe('billing');
    // The transfers are numbered (the next state push) before the page comes back.
    await new Promise((r) => setTimeout(r, 2_500));
    await comeBack(page);
    await tile(page, before).waitFor({ timeout: 10_000 });
    await tile(page, after).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('#alerts li.alert').count()).toBe(2);
    await expect(page.locator('#alert-announcer').textContent()).resolves.toBe('');
  });
});

describe('the wallboard tiles, an id taken within one state push (review revF29)', () => {
  it("show none of the ended call's alerts when its end and the next start arrive together", async () => {
    const { h, page } = await wallboard('supervisor');
    const callId = uniqueName('reused-fast');
    await startCallWithCriticalAlert(h, page, callId);
    const endedAt = Date.now();
    // The end and the next call's start in one batch (a consumer catching up, a rebalance): the
    // page never sees the call ended.
    await endAndStartNextTogether(h, callId, 'agent-3', endedAt);
    await expect.poll(() => tile(page, callId).locator('.tile-queue').textContent()).toContain('sales-queue');
    await expect(page.locator('#alerts li.alert').count()).resolves.toBe(1);
    await expect.poll(() => tileAlert(page, callId), { timeout: 3_000 }).toBe('No alerts');
    await expect(tileClass(page, callId)).resolves.not.toContain('sev-critical');
  });
});

describe('the wallboard tiles, a new call alerting before the push that shows it live (review revF29)', () => {
  it("keep the new call's own alert on its tile", async () => {
    const { h, page } = await wallboard('supervisor');
    const callId = uniqueName('reused-new-alert');
    await startCall(h, callId, 'agent-3', 'billing');
    await tile(page, callId).waitFor({ timeout: 10_000 });
    publish(h, callId, 1, { severity: 'warning' });
    await expect.poll(() => tileAlert(page, callId)).toContain('Warning');
    const endedAt = Date.now();
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId, endedAt)]);
    await expect.poll(() => tileClass(page, callId), { timeout: 10_000 }).toContain('tile-ended');
    await startNextCallWithSameId(h, callId, 'agent-3', endedAt);
    // The service has the new call; its first alert goes out at once, before the next state push.
    await expect.poll(() => h.service.registry.inProgress('demo', callId)).toBe(true);
    publish(h, callId, 2, { alertId: `${callId}:new`, firedAtMs: Date.now() });
    await expect
      .poll(() => tile(page, callId).locator('.tile-queue').textContent(), { timeout: 10_000 })
      .toContain('sales-queue');
    await expect(page.locator('#alerts li.alert').count()).resolves.toBe(2);
    await expect.poll(() => tileAlert(page, callId), { timeout: 3_000 }).toContain('Critical');
  });
});
