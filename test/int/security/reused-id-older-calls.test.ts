// Penetration review (sec30): a call id taken a second time. Agent-3 (team support) had call X with
// a frustration alert; X ended and agent-2 (team billing) took the id, then that call ended and
// agent-1 took it. At the second reuse the hub judged every alert of the id against the call that
// had just ended (agent-2's): agent-2's page and the billing lead's wallboard were sent agent-3's
// alert of another customer's call, which neither had ever been shown, live and at a resume.
// Real service, broker and WebSocket clients.
import { describe, expect, it } from 'vitest';
import type { AlertView, CallView } from '../../../services/alert-service/protocol.ts';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import { callEventRecord } from '../../../devkit/records/call-event.ts';
import { outRecord, sendRecords } from '../../../services/shared/producer.ts';
import { callEventCodec } from '../../../services/shared/records.ts';
import { uniqueName } from '../../support/kafka.ts';
import { connect, login, startAngryCall, startHarness, type Frame, type Harness } from '../alerts/harness.ts';

/** The call `n` after the first under the id, of `agentId` (team from the users file), 1 s after `afterMs`. */
async function nextCall(h: Harness, callId: string, n: number, agentId: string, afterMs: number) {
  const start = callEventRecord(callId, {
    eventId: `${callId}:next-${n}:started`,
    agentId,
    queue: 'sales-queue',
    startTimeMs: afterMs + 1_000,
  });
  await sendRecords(h.producer, [outRecord(h.topics.calls, callEventCodec, callId, start)]);
}

const carries = (alertId: string) => (f: Frame) =>
  f.type === 'alert' && (f.alert as AlertView).alertId === alertId;

describe('a call id taken a second time', () => {
  it('sends no page the alerts of a call older than the one that just ended', async () => {
    const h = await startHarness();
    const supervisor = await connect(h, await login(h, 'supervisor'));
    const agent2Token = await login(h, 'agent-2');
    const agent2 = await connect(h, agent2Token);
    const lead = await connect(h, await login(h, 'lead-billing'));
    const callId = uniqueName('reused-twice');
    const endOf = async (agentId: string) => {
      const endedAt = Date.now();
      await sendRecords(h.producer, [callEnded(h.topics.calls, callId, endedAt)]);
      await supervisor.waitFor(
        (f) =>
          f.type === 'state' &&
          (f.calls as CallView[]).some(
            (c) => c.callId === callId && c.agentId === agentId && c.endedAtMs !== null,
          ),
      );
      return endedAt;
    };
    const liveFor = (agentId: string) =>
      supervisor.waitFor(
        (f) =>
          f.type === 'state' &&
          (f.calls as CallView[]).some(
            (c) => c.callId === callId && c.agentId === agentId && c.endedAtMs === null,
          ),
      );

    // Agent-3's call (team support) raises a frustration alert for the agent and supervisors.
    await startAngryCall(h, callId, 'agent-3', 'support');
    const older = (
      await supervisor.waitFor((f) => f.type === 'alert' && (f.alert as AlertView).callId === callId)
    ).alert as AlertView;
    // It ends; agent-2's call takes the id, then ends; agent-1's call takes it again.
    await nextCall(h, callId, 1, 'agent-2', await endOf('agent-3'));
    await liveFor('agent-2');
    // Agent-2's second page, opened during its call, goes away (a laptop asleep): it resumes below.
    const away = await connect(h, agent2Token);
    const instanceId = away.frames.find((f) => f.type === 'welcome')!.instanceId as string;
    const lastSeq = away.frames.find((f) => f.type === 'snapshot')!.seq as number;
    away.ws.terminate();
    await nextCall(h, callId, 2, 'agent-1', await endOf('agent-2'));
    await liveFor('agent-1');
    // The push that shows agent-1's call live is the reuse's: whatever it sent the other pages
    // (right after each one's state frame) has arrived a moment later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const resumed = await connect(h, agent2Token, { resume: { instanceId, lastSeq } });
    await resumed.waitFor((f) => f.type === 'resumed');
    expect(resumed.frames.find((f) => f.type === 'snapshot')?.full).toBe(false);

    const sent = [agent2, lead, resumed].map((page) => page.frames.filter(carries(older.alertId)).length);
    expect(sent).toEqual([0, 0, 0]);
  });
});
