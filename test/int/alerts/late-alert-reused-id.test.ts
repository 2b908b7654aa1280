// Review revgw30: an alert of an ended call that arrives after a new call took the call's id (a
// late record: the evaluator's last windows, another instance, a consumer catching up). The
// registry marks it the earlier call's, but the live push sent it unmarked: a wallboard that sees
// the new call put another customer's alert on the new call's tile and announced it as new.
import { describe, expect, it } from 'vitest';
import type { AlertView, CallView } from '../../../services/alert-service/protocol.ts';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import { sendRecords } from '../../../services/shared/producer.ts';
import { uniqueName } from '../../support/kafka.ts';
import { connect, fakeAlert, login, startCall, startHarness, startNextCallWithSameId } from './harness.ts';

describe('a late alert of a call whose id a new call took', () => {
  it("goes to no page of the new call's agent, and to the others marked earlierCall", async () => {
    const h = await startHarness();
    const supervisor = await connect(h, await login(h, 'supervisor'));
    const agent2 = await connect(h, await login(h, 'agent-2'));
    const callId = uniqueName('late-alert');
    await startCall(h, callId, 'agent-1', 'billing');
    const endedAt = Date.now();
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId, endedAt)]);
    await startNextCallWithSameId(h, callId, 'agent-2', endedAt);
    await supervisor.waitFor(
      (f) =>
        f.type === 'state' &&
        (f.calls as CallView[]).some((c) => c.callId === callId && c.agentId === 'agent-2'),
    );
    // Agent-1's call's alert, fired before its end, read only now (the evaluator's last windows,
    // a consumer catching up): another customer's, not agent-2's.
    const late = { ...fakeAlert(callId, 1, 0, 'agent-1'), firedAtMs: endedAt - 5_000 };
    expect(h.service.hub.publishAlert(late)).toBe(true);
    // Agent-2's own call's alert after it: once it is on agent-2's page, the late one would be too.
    const own = { ...fakeAlert(callId, 2, 0, 'agent-2'), firedAtMs: endedAt + 2_000 };
    expect(h.service.hub.publishAlert(own)).toBe(true);
    await agent2.waitFor((f) => f.type === 'alert' && (f.alert as AlertView).alertId === own.alertId);
    const pushed = await supervisor.waitFor(
      (f) => f.type === 'alert' && (f.alert as AlertView).alertId === late.alertId,
    );
    const toAgent2 = agent2.frames.filter(
      (f) => f.type === 'alert' && (f.alert as AlertView).alertId === late.alertId,
    );
    expect(toAgent2).toEqual([]);
    expect((pushed.alert as AlertView).earlierCall).toBe(true);
  });
});
