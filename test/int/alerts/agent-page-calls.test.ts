// The agent's page between calls, in a real browser against the real service and broker: a cue
// addresses the live call, so an ended call shows none, and a call that left the page (moved to
// another agent, its analytics consent withdrawn or erased, purged after its end) takes its cue,
// mood, voice figures and alert list with it instead of leaving them under "waiting for a call"
// until the next call.
import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { uniqueName } from '../../support/kafka.ts';
import {
  alertIdsInTopic,
  emotionRecord,
  sendEmotion,
  sendFeatures,
  startAngryCall,
  startNextCallWithSameId,
  startCall,
  startHarness,
} from './harness.ts';
import { buildPages, CHROMIUM, launchChromium, signInToWallboard } from '../../support/browser.ts';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import { outRecord, sendRecords } from '../../../services/shared/producer.ts';
import { callEventRecord } from '../../../devkit/records/call-event.ts';
import { callKey } from '../../../services/shared/call-key.ts';
import { callEventCodec } from '../../../services/shared/records.ts';

const ALERT_PAGES = 'services/alert-service/web/vite.config.ts';
const CUE = 'Customer frustration rising: acknowledge the feeling before the fix';

/** The service (built pages, real broker) and `username`'s agent page on it, live. */
async function agentPage(username: string) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const pages = await buildPages(ALERT_PAGES);
  onTestFinished(() => rmSync(pages, { recursive: true, force: true }));
  const h = await startHarness({ ALERT_WEB_DIR: pages });
  const browser = await launchChromium({ width: 1280, height: 800 });
  onTestFinished(browser.close);
  const page = await browser.context.newPage();
  await signInToWallboard(page, h.baseUrl, username, '**/agent.html');
  await page.getByText('● live').waitFor();
  return { h, page };
}

describe("the agent's page between calls", () => {
  it('shows no cue on an ended call, and nothing of a call handed to another agent or withdrawn', async () => {
    const { h, page } = await agentPage('agent-1');

    const angryCall = async (callId: string) => {
      await startCall(h, callId, 'agent-1', '', 'billing-queue');
      for (let i = 0; i < 8; i += 1) {
        await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
        await sendFeatures(h, callId, 'agent', i, { tension: 0.3, rate: 4 });
      }
      await expect.poll(() => page.locator('#cue').textContent(), { timeout: 10_000 }).toBe(CUE);
      await expect(page.locator('#history li.alert').count()).resolves.toBe(1);
    };

    // Moved to agent-2 (a transfer): the call leaves agent-1's page, and all of it with it.
    const moved = uniqueName('moved');
    await angryCall(moved);
    await startCall(h, moved, 'agent-2', '', 'billing-queue');
    await expect.poll(() => page.locator('#call-info').textContent()).toBe('waiting for a call');
    await expect(page.locator('#cue').textContent()).resolves.toBe('No cue right now.');
    await expect(page.locator('#history li.alert').count()).resolves.toBe(0);
    await expect(page.locator('#mood-label').textContent()).resolves.toBe('—');
    await expect(page.locator('#pace').textContent()).resolves.toBe('—');

    // Analytics consent withdrawn mid-call: "nothing of it may stay on a screen"
    // (call-lifecycle.ts), its cue, mood and alerts included.
    const withdrawn = uniqueName('withdrawn');
    await angryCall(withdrawn);
    const consent = callEventRecord(withdrawn, {
      type: 'consent-changed',
      eventId: `${withdrawn}:consent`,
      agentId: 'agent-1',
      consent: { analytics: false, storeFeatures: false },
    });
    await sendRecords(h.producer, [
      outRecord(h.topics.calls, callEventCodec, callKey('demo', withdrawn), consent),
    ]);
    await expect.poll(() => page.locator('#call-info').textContent()).toBe('waiting for a call');
    await expect(page.locator('#cue').textContent()).resolves.toBe('No cue right now.');
    await expect(page.locator('#history li.alert').count()).resolves.toBe(0);
    await expect(page.locator('#mood-label').textContent()).resolves.toBe('—');

    // Ended: the agent hung up; "acknowledge the feeling" addresses nobody now.
    const ended = uniqueName('ended');
    await angryCall(ended);
    await sendRecords(h.producer, [callEnded(h.topics.calls, ended)]);
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('ended');
    await expect(page.locator('#cue').textContent()).resolves.toBe('No cue right now.');
  });

  it("shows the agent a transferred call's earlier alerts live, as a reload does", async () => {
    const { h, page } = await agentPage('agent-2');
    const callId = uniqueName('transferred');
    await startAngryCall(h, callId, 'agent-1');
    // The frustration alert (audience both) is on the topic before the call moves on.
    await expect
      .poll(async () => (await alertIdsInTopic(h.topics.alerts)).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    await startCall(h, callId, 'agent-2', '', 'billing-queue');
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('billing-queue');
    await expect.poll(() => page.locator('#history li.alert').count(), { timeout: 5_000 }).toBe(1);
    await page.reload();
    await page.getByText('● live').waitFor();
    await expect.poll(() => page.locator('#history li.alert').count()).toBe(1);
  });

  it("lists none of an ended call's alerts under the agent's next call that took its id", async () => {
    const { h, page } = await agentPage('agent-3');
    const callId = uniqueName('reused');
    await startAngryCall(h, callId, 'agent-3');
    await expect.poll(() => page.locator('#history li.alert').count(), { timeout: 10_000 }).toBe(1);
    const endedAt = Date.now();
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId, endedAt)]);
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('ended');
    // The platform reuses the id for the agent's next call, another customer's.
    await startNextCallWithSameId(h, callId, 'agent-3', endedAt);
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('sales-queue');
    await expect(page.locator('#history li.alert').count()).resolves.toBe(0);
    await page.reload();
    await page.getByText('● live').waitFor();
    await expect.poll(() => page.locator('#call-info').textContent()).toContain('sales-queue');
    await expect(page.locator('#history li.alert').count()).resolves.toBe(0);
  });
});
