// Review revF29: a team lead's page holds a call's earlier alerts a transfer handed to its team
// (fired to the previous team), goes away, and meanwhile the call ends and the next call of its
// team takes the id. The resume must mark those alerts earlierCall too (the page had them, as the
// call's owner): else the wallboard kept the ended call's alert on the new call's tile.
import { describe, expect, it } from 'vitest';
import type { AlertView, CallView } from '../../../services/alert-service/protocol.ts';
import { uniqueName } from '../../support/kafka.ts';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import { sendRecords } from '../../../services/shared/producer.ts';
import {
  connect,
  login,
  startAngryCall,
  startCall,
  startHarness,
  startNextCallWithSameId,
  type Frame,
} from './harness.ts';

describe('a resume past an id reuse', () => {
  it('marks the ended call alerts a transfer had handed to the page', async () => {
    const h = await startHarness();
    const supervisor = await connect(h, await login(h, 'supervisor'));
    const token = await login(h, 'lead-billing');
    const lead = await connect(h, token);
    const callId = uniqueName('handed-reused');
    await startAngryCall(h, callId, 'agent-3', 'support');
    const fired = (
      await supervisor.waitFor(
        (f) =>
          f.type === 'alert' &&
          (f.alert as AlertView).callId === callId &&
          (f.alert as AlertView).ruleId === 'customer-frustration',
      )
    ).alert as AlertView;
    // The call moves to agent-2 of team billing: the lead is handed its earlier alert, live.
    await startCall(h, callId, 'agent-2', 'billing');
    await lead.waitFor(
      (f: Frame) =>
        f.type === 'alert' && (f.alert as AlertView).alertId === fired.alertId && f.handedOver === true,
    );
    const instanceId = lead.frames.find((f) => f.type === 'welcome')!.instanceId as string;
    const lastSeq = Math.max(
      ...lead.frames.flatMap((f) =>
        f.type === 'snapshot' ? [f.seq as number] : f.type === 'alert' ? [(f.alert as AlertView).seq] : [],
      ),
    );
    lead.ws.terminate();
    // Away: the call ends, and agent-2's next call takes its id.
    const endedAt = Date.now();
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId, endedAt)]);
    await supervisor.waitFor(
      (f) =>
        f.type === 'state' &&
        (f.calls as CallView[]).some((c) => c.callId === callId && c.endedAtMs !== null),
    );
    await startNextCallWithSameId(h, callId, 'agent-2', endedAt);
    await supervisor.waitFor(
      (f) =>
        f.type === 'state' &&
        (f.calls as CallView[]).some((c) => c.callId === callId && c.queue === 'sales-queue'),
    );
    const back = await connect(h, token, { resume: { instanceId, lastSeq } });
    await back.waitFor((f) => f.type === 'resumed');
    expect(back.frames.find((f) => f.type === 'snapshot')?.full).toBe(false);
    const marked = back.frames.filter(
      (f) =>
        f.type === 'alert' &&
        (f.alert as AlertView).alertId === fired.alertId &&
        (f.alert as AlertView).earlierCall === true,
    );
    expect(marked.length).toBe(1);
  });
});
