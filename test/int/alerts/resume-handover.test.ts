// A page that was away (laptop asleep, Wi-Fi gone) while a call was transferred to its user, on the
// real service, broker and WebSockets: its resume brings the call's earlier alerts it may now see,
// as a reload (a fresh snapshot) lists them, each once. Before, the resume replayed only events
// numbered after the page's last one, and these alerts were numbered before it (fired to the
// previous owner while the page was live): missing until a reload. A page that resumes on another
// instance gets a full snapshot, which lists them too.
import { describe, expect, it } from 'vitest';
import type { AlertView, CallView } from '../../../services/alert-service/protocol.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { uniqueName } from '../../support/kafka.ts';
import {
  connect,
  fakeAlert,
  login,
  startAngryCall,
  startAnotherInstance,
  startCall,
  startHarness,
  type Frame,
  type Harness,
  type TestClient,
} from './harness.ts';

const isFrustrationOf = (callId: string) => (f: Frame) =>
  f.type === 'alert' &&
  (f.alert as AlertView).callId === callId &&
  (f.alert as AlertView).ruleId === 'customer-frustration';

/** A call of agent-3 (team support) whose customer's frustration alert a whole-tenant supervisor acknowledged. */
async function acknowledgedCallOfAgent3(
  h: Harness,
  supervisor: TestClient,
): Promise<{ callId: string; alertId: string }> {
  const callId = uniqueName('transferred');
  await startAngryCall(h, callId, 'agent-3', 'support');
  const alertId = ((await supervisor.waitFor(isFrustrationOf(callId))).alert as AlertView).alertId;
  supervisor.send({ type: 'ack', alertId });
  await supervisor.waitFor((f) => f.type === 'ack' && (f.ack as { alertId: string }).alertId === alertId);
  return { callId, alertId };
}

/** Signed in, with the snapshot's number to resume from; then the connection drops. */
async function pageThatGoesAway(h: Harness, username: string) {
  const token = await login(h, username);
  const page = await connect(h, token);
  const welcome = page.frames.find((f) => f.type === 'welcome')!;
  const snapshot = page.frames.find((f) => f.type === 'snapshot')!;
  page.ws.terminate();
  return { token, resume: { instanceId: welcome.instanceId as string, lastSeq: snapshot.seq as number } };
}

/** The alerts a session was sent (snapshot lists and alert frames), by id, with how often each came. */
function alertsSent(client: TestClient, callId: string): Map<string, { count: number; view: AlertView }> {
  const sent = new Map<string, { count: number; view: AlertView }>();
  const add = (view: AlertView) => {
    if (view.callId !== callId) return;
    const had = sent.get(view.alertId);
    sent.set(view.alertId, { count: (had?.count ?? 0) + 1, view });
  };
  for (const f of client.frames) {
    if (f.type === 'snapshot') (f.alerts as AlertView[]).forEach(add);
    if (f.type === 'alert') add(f.alert as AlertView);
  }
  return sent;
}

/** What a reload on `h` lists of the call: the fresh snapshot's alerts. */
async function reloadLists(h: Harness, token: string, callId: string): Promise<string[]> {
  const fresh = await connect(h, token);
  return [...alertsSent(fresh, callId).keys()].sort();
}

describe('a page resuming after a transfer to its user while it was away', () => {
  it("gets the call's earlier alerts (with their acknowledgement) once each, as a reload lists them", async () => {
    const h = await startHarness();
    const supervisor = await connect(h, await login(h, 'supervisor'));
    const { callId, alertId } = await acknowledgedCallOfAgent3(h, supervisor);

    // Both pages load after the alert (their snapshot's number is past it), then go away.
    const agent = await pageThatGoesAway(h, 'agent-2');
    const lead = await pageThatGoesAway(h, 'lead-billing');

    // Meanwhile: the call moves to agent-2 of team billing, and raises one more alert.
    await startCall(h, callId, 'agent-2', 'billing');
    await supervisor.waitFor(
      (f) =>
        f.type === 'state' &&
        (f.calls as CallView[]).some((c) => c.callId === callId && c.agentId === 'agent-2'),
    );
    h.service.hub.publishAlert({
      ...fakeAlert(callId, 99, 0, 'agent-2'),
      alertId: `${callId}:after`,
      team: 'billing',
    });

    for (const [username, away] of [
      ['agent-2', agent],
      ['lead-billing', lead],
    ] as const) {
      const back = await connect(h, away.token, { resume: away.resume });
      await back.waitFor((f) => f.type === 'resumed');
      const sent = alertsSent(back, callId);
      expect(back.frames.find((f) => f.type === 'snapshot')?.full, username).toBe(false);
      expect(sent.get(alertId)?.view.acknowledgedBy, username).toBe('supervisor');
      expect(sent.has(`${callId}:after`), username).toBe(true);
      expect(
        [...sent.values()].filter((s) => s.count > 1),
        username,
      ).toEqual([]); // nothing twice
      // Oldest first: a page lists each above the ones before it, newest on top as a reload does.
      const fired = back.frames.flatMap((f) =>
        f.type === 'alert' ? [(f.alert as AlertView).firedAtMs] : [],
      );
      expect(fired, username).toEqual([...fired].sort((x, y) => x - y));
      expect([...sent.keys()].sort(), username).toEqual(await reloadLists(h, away.token, callId));
    }
  });

  it('converges on another instance too (a full snapshot)', async () => {
    const a = await startHarness();
    const b = await startAnotherInstance(a);
    const supervisor = await connect(a, await login(a, 'supervisor'));
    const { callId, alertId } = await acknowledgedCallOfAgent3(a, supervisor);
    const away = await pageThatGoesAway(a, 'agent-2');
    await startCall(a, callId, 'agent-2', 'billing');
    await waitFor('instance B to see the transfer and the acknowledgement', () => {
      return (
        b.service.registry.owner('demo', callId)?.agentId === 'agent-2' &&
        b.service.registry.findAlert(alertId)?.acknowledgedBy === 'supervisor'
      );
    });

    const back = await connect(b, away.token, { resume: away.resume });
    expect(back.frames.find((f) => f.type === 'snapshot')?.full).toBe(true);
    expect(alertsSent(back, callId).get(alertId)?.view.acknowledgedBy).toBe('supervisor');
    expect([...alertsSent(back, callId).keys()]).toEqual(await reloadLists(b, away.token, callId));
  });
});
