// Transfers are numbered into the tenant's replay log (hub-handover.ts) so a page away meanwhile
// gets a handed-over call's earlier alerts at its resume. A transfer of a call with no alert has
// nothing for a resume to send: numbered, a burst of them (a queue rebalanced, a shift change)
// filled ALERT_REPLAY_CAPACITY and pushed the pages' numbers out of the log, so every page away
// meanwhile got a full snapshot instead of its missed frames (review revD29).
import { describe, expect, it } from 'vitest';
import type { CallView } from '../../../services/alert-service/protocol.ts';
import { uniqueName } from '../../support/kafka.ts';
import { connect, login, startCall, startHarness } from './harness.ts';

describe('a burst of transfers of calls without alerts', () => {
  it("does not push a page's number out of the replay log", async () => {
    const h = await startHarness({ ALERT_REPLAY_CAPACITY: '10' });
    const supervisor = await connect(h, await login(h, 'supervisor'));
    const callIds = Array.from({ length: 12 }, () => uniqueName('quiet'));
    for (const callId of callIds) await startCall(h, callId, 'agent-1', 'billing');
    await expect
      .poll(() => callIds.every((id) => h.service.registry.owner('demo', id)?.agentId === 'agent-1'))
      .toBe(true);
    await new Promise((r) => setTimeout(r, 1_500)); // pushed as they are
    const token = await login(h, 'agent-2');
    const page = await connect(h, token);
    const welcome = page.frames.find((f) => f.type === 'welcome')!;
    const snapshot = page.frames.find((f) => f.type === 'snapshot')!;
    page.ws.terminate();

    for (const callId of callIds) await startCall(h, callId, 'agent-3', 'support');
    await supervisor.waitFor(
      (f) =>
        f.type === 'state' &&
        (f.calls as CallView[]).some((c) => c.callId === callIds.at(-1) && c.agentId === 'agent-3'),
    );
    await new Promise((r) => setTimeout(r, 1_500)); // every transfer pushed

    const back = await connect(h, token, {
      resume: { instanceId: welcome.instanceId as string, lastSeq: snapshot.seq as number },
    });
    await back.waitFor((f) => f.type === 'snapshot');
    expect(back.frames.find((f) => f.type === 'snapshot')?.full).toBe(false);
  });
});
