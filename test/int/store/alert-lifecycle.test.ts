// What became of each alert of a stored call (GET /calls/{id} `lifecycle`, store/alert-lifecycle.ts)
// on both backends: raised, escalated (migration 023 keeps the escalation's link), acknowledged by
// whom and how fast, ended and why (a recovery, the call's end, a consent withdrawal); the same
// after replays of every record in any order; an erased agent's acknowledgement names nobody.
import { beforeAll, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { describeEachBackend } from './backends.ts';
import { lifecycleCall } from './alert-lifecycle-call.ts';

const staff = { tenant: 'acme', agentId: null, teams: null };
const startedAt = new Date(Date.now() - 3_600_000);
const at = (ms: number) => new Date(startedAt.getTime() + ms).toISOString();

async function lives(store: CallStore, callId: string) {
  const call = await store.getCall(staff, callId);
  return Object.fromEntries(call.alerts.map((a) => [a.alertId, a.lifecycle]));
}

describeEachBackend('alert lifecycles on %s', (opened) => {
  let store: CallStore;
  beforeAll(() => {
    store = opened();
  });

  it('tells each alert of a call its escalation, acknowledgement and end', async () => {
    const call = lifecycleCall({ callId: 'life-1', tenant: 'acme', startedAt });
    await store.write(call.events);
    const { ids } = call;
    const life = await lives(store, 'life-1');
    expect(life[ids.frustration]).toEqual({
      raisedAt: at(66_000),
      raisedMs: 66_000,
      escalationOf: null,
      escalated: null,
      acknowledged: { by: 'supervisor-1', byErasedAgent: false, at: at(75_000), afterMs: 9_000 },
      ended: { at: at(161_000), audioMs: 161_000, reason: 'RECOVERED', alertId: ids.recovery },
    });
    expect(life[ids.stress]).toMatchObject({
      escalated: { alertId: ids.escalation, at: at(120_000), audioMs: 120_000 },
      acknowledged: null,
      ended: { at: at(240_000), audioMs: 240_000, reason: 'CALL_ENDED', alertId: null },
    });
    expect(life[ids.escalation]).toMatchObject({
      escalationOf: ids.stress,
      escalated: null,
      acknowledged: { by: 'supervisor-1', afterMs: 12_000 },
    });
    // A recovery ends the customer's alerts before it only; itself it ends with the call.
    expect(life[ids.moodDrop].ended).toMatchObject({ reason: 'CALL_ENDED' });
    expect(life[ids.recovery].ended).toMatchObject({ reason: 'CALL_ENDED' });
  });

  it('keeps every fact where it was when the records are replayed, in any order', async () => {
    const call = lifecycleCall({ callId: 'life-2', tenant: 'acme', startedAt });
    await store.write(call.events);
    const first = await lives(store, 'life-2');
    // A second acknowledgement (another supervisor, later) and a later copy of the escalation
    // arrive too: the first of each stays.
    const late: StoreEvent[] = [
      {
        kind: 'ack',
        alertId: call.ids.frustration,
        callId: 'life-2',
        tenant: 'acme',
        ackedBy: 'supervisor-2',
        ackedAt: at(100_000),
      },
    ];
    await store.write([...call.events].reverse());
    await store.write([...call.events, ...call.events, ...late]);
    // Each alert record alone, as a redelivery after a rebalance brings it.
    for (const event of call.events.filter((e) => e.kind === 'alert' || e.kind === 'ack'))
      await store.write([event]);
    expect(await lives(store, 'life-2')).toEqual(first);
    const rows = await store.backend.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM alerts WHERE tenant = 'acme' AND call_id = 'life-2'`,
    );
    expect(rows[0].n).toBe(5);
  });

  it('ends an alert at a consent withdrawal that came first, and a replay of it moves nothing', async () => {
    const call = lifecycleCall({ callId: 'life-3', tenant: 'acme', startedAt });
    const withdrawn = (ms: number): StoreEvent => ({
      kind: 'alert-end',
      alertId: call.ids.frustration,
      callId: 'life-3',
      tenant: 'acme',
      endedAt: at(ms),
      reason: 'CONSENT_WITHDRAWN',
    });
    await store.write([...call.events, withdrawn(100_000)]);
    await store.write([withdrawn(150_000)]);
    expect((await lives(store, 'life-3'))[call.ids.frustration].ended).toEqual({
      at: at(100_000),
      audioMs: null,
      reason: 'CONSENT_WITHDRAWN',
      alertId: null,
    });
  });

  it('leaves an alert of a live call open until something ends it', async () => {
    const call = lifecycleCall({ callId: 'life-4', tenant: 'acme', startedAt });
    await store.write(call.live);
    const life = await lives(store, 'life-4');
    expect(life[call.ids.moodDrop].ended).toBeNull();
    expect(life[call.ids.stress].ended).toBeNull();
    expect(life[call.ids.frustration].ended).toMatchObject({ reason: 'RECOVERED' });
  });

  it('says an erased agent acknowledged, never their id', async () => {
    const call = lifecycleCall({
      callId: 'life-5',
      tenant: 'acme',
      agentId: 'ann',
      startedAt,
      frustrationAckedBy: 'ann',
    });
    await store.write(call.events);
    expect((await lives(store, 'life-5'))[call.ids.frustration].acknowledged?.by).toBe('ann');
    await store.eraseAgent('acme', 'ann', 'admin-1');
    const erased = await store.getCall(staff, 'life-5');
    const frustration = erased.alerts.find((a) => a.alertId === call.ids.frustration);
    expect(frustration?.lifecycle.acknowledged).toEqual({
      by: null,
      byErasedAgent: true,
      at: at(75_000),
      afterMs: 9_000,
    });
    expect(JSON.stringify(erased)).not.toMatch(/"ann"/);
  });
});
