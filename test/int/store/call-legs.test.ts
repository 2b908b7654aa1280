// A call transferred on the same call id (a resumed CallStart naming a new agent, team and queue)
// keeps each leg: both agents can open it and find it, each is judged on their own leg, the call's
// figures stay whole-call, and the legs go with the call's erasure. On both backends.
import { beforeAll, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { describeEachBackend } from './backends.ts';

const staff = { tenant: 'acme', agentId: null, teams: null };
const agent = (agentId: string, tenant = 'acme') => ({ tenant, agentId, teams: null });
const teams = (...names: string[]) => ({ tenant: 'acme', agentId: null, teams: names });
const DAY = { from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z' };

/**
 * A 120-s call: ann (team north, queue billing) until 60 s, then bob (team south, queue
 * retention). The customer is angry 70–100 s (a frustration alert at 76 s, in bob's leg). Ann's
 * agent channel carries no windows, so her leg has no agent speech and bob's has all of it.
 */
function transferredCall(callId: string) {
  const call = syntheticStoreCall({
    callId,
    agentId: 'ann',
    team: 'north',
    durationS: 120,
    angryFromS: 70,
    angryToS: 100,
    alert: true,
    ackAfterS: 5,
  });
  const first = { ...call.start, legStartMs: 0 } as StoreEvent;
  const second = { ...call.start, agentId: 'bob', team: 'south', queue: 'retention', legStartMs: 60_000 };
  const body = call.body.filter(
    (e) => !(e.kind === 'features' && e.channel === 'agent' && e.startMs < 60_000),
  );
  return { first, second: second as StoreEvent, body: [...body, ...call.alerts], end: call.end };
}

describeEachBackend('call legs on %s', (opened) => {
  let store: CallStore;
  beforeAll(() => {
    store = opened();
  });

  it('keeps one leg per start, sorted by start, whatever the order and however often they arrive', async () => {
    const call = transferredCall('legs-1');
    // The second leg's start first (another gateway's record overtook the first), then replays.
    await store.write([call.second, ...call.body]);
    await store.write([call.first, call.second, call.end]);
    await store.write([call.first]);
    const stored = await store.getCall(staff, 'legs-1');
    expect(stored.legs.map((l) => [l.agentId, l.team, l.queue, l.fromMs, l.toMs])).toEqual([
      ['ann', 'north', 'billing', 0, 60_000],
      ['bob', 'south', 'retention', 60_000, 120_000],
    ]);
    // The call row names its first leg, as before.
    expect([stored.agentId, stored.team, stored.queue]).toEqual(['ann', 'north', 'billing']);
    const rows = await store.backend.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM call_legs WHERE tenant = 'acme' AND call_id = 'legs-1'`,
    );
    expect(rows[0].n).toBe(2);
  });

  it('lets an agent of any leg and a team of any leg open and find the call, and nobody else', async () => {
    for (const scope of [agent('ann'), agent('bob'), teams('south'), teams('north')])
      expect((await store.getCall(scope, 'legs-1')).callId).toBe('legs-1');
    for (const scope of [agent('cy'), agent('bob', 'beta'), teams('east'), teams()])
      await expect(store.getCall(scope, 'legs-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const found = async (scope: Parameters<CallStore['searchCalls']>[0], q: object = {}) =>
      (await store.searchCalls(scope, { limit: 50, sort: 'startedAt', order: 'desc', ...q })).calls.map(
        (c) => c.callId,
      );
    expect(await found(agent('bob'))).toContain('legs-1');
    expect(await found(staff, { agentId: 'bob' })).toContain('legs-1');
    expect(await found(staff, { team: 'south' })).toContain('legs-1');
    expect(await found(agent('cy'))).not.toContain('legs-1');
    expect(await found(staff, { agentId: 'cy' })).not.toContain('legs-1');
  });

  it("judges each agent on their own leg; the call's figures stay whole-call", async () => {
    expect(await store.finalizeCall('acme', 'legs-1')).toBe(true);
    const call = await store.getCall(staff, 'legs-1');
    const [ann, bob] = call.legs.map((l) => l.measures);
    const whole = call.summary as { durationMs: number; agentSpeechS: number; alertsCount: number };
    expect(whole.durationMs).toBe(120_000);
    expect([ann?.durationMs, bob?.durationMs]).toEqual([60_000, 60_000]);
    expect(ann?.agentSpeechS).toBe(0);
    expect(ann?.agentPaceCompliance).toBeNull();
    expect(bob?.agentSpeechS).toBeGreaterThan(10);
    expect(bob?.agentSpeechS).toBeCloseTo(whole.agentSpeechS, 1);
    expect([ann?.alertsCount, bob?.alertsCount, whole.alertsCount]).toEqual([0, 1, 1]);
    // An agent reads their own leg's figures, not the other agent's.
    const asBob = await store.getCall(agent('bob'), 'legs-1');
    expect(asBob.legs.map((l) => l.measures === null)).toEqual([true, false]);
  });

  it("counts each leg for its agent in the agent summary (talk time, alerts in the agent's leg)", async () => {
    const ann = await store.agentSummary(staff, 'ann', DAY.from, DAY.to);
    const bob = await store.agentSummary(staff, 'bob', DAY.from, DAY.to);
    expect([ann.calls, bob.calls]).toEqual([1, 1]);
    expect([ann.talkMinutes, bob.talkMinutes]).toEqual([1, 1]);
    expect([ann.alertsReceived, bob.alertsReceived]).toEqual([0, 1]);
    expect([ann.alertsAcknowledged, bob.alertsAcknowledged]).toEqual([0, 1]);
    expect(ann.paceCompliance).toBeNull();
    expect(bob.paceCompliance).not.toBeNull();
  });

  it('bounds the leg start of a record from before by the wall-clock time since the call start', async () => {
    const call = transferredCall('legs-old');
    const startedAt = Date.parse((call.first as { startedAt: string }).startedAt);
    const old = (e: StoreEvent, afterMs: number) => {
      const { legStartMs: _l, ...rest } = e as StoreEvent & { legStartMs?: number };
      return { ...rest, announcedAt: new Date(startedAt + afterMs).toISOString() } as StoreEvent;
    };
    await store.write([old(call.first, 40), old(call.second, 45_000), call.end]);
    const stored = await store.getCall(staff, 'legs-old');
    expect(stored.legs.map((l) => [l.agentId, l.fromMs, l.toMs])).toEqual([
      ['ann', 0, 45_000],
      ['bob', 45_000, 120_000],
    ]);
  });

  it("keeps a call stored before migration 019 as its row's leg when a transfer resumes it", async () => {
    const call = transferredCall('legs-legacy');
    await store.write([call.first]);
    await store.backend.query(`DELETE FROM call_legs WHERE call_id = 'legs-legacy'`);
    expect((await store.getCall(staff, 'legs-legacy')).legs.map((l) => [l.agentId, l.fromMs])).toEqual([
      ['ann', 0],
    ]);
    await store.write([call.second]);
    const stored = await store.getCall(staff, 'legs-legacy');
    expect(stored.legs.map((l) => [l.agentId, l.fromMs])).toEqual([
      ['ann', 0],
      ['bob', 60_000],
    ]);
    expect(stored.agentId).toBe('ann');
  });

  it("treats a resumed start of the same agent (a gateway's crash, not a transfer) as one leg", async () => {
    const call = transferredCall('legs-resume');
    await store.write([call.first, { ...call.first, legStartMs: 30_000 } as StoreEvent, call.end]);
    const stored = await store.getCall(staff, 'legs-resume');
    expect(stored.legs.map((l) => [l.agentId, l.fromMs, l.toMs])).toEqual([['ann', 0, 120_000]]);
  });

  it('keeps a transfer that starts at the same audio time as the start before it, ordered by announcement', async () => {
    // ann's stream resumed at 30 s (first frame at 30 000) and was handed to bob before its
    // second frame: bob's resumed stream starts at 30 000 too. Review revlegs: bob's leg was lost.
    const announced = (s: number) => new Date(Date.parse('2026-11-20T09:00:00Z') + s * 1000).toISOString();
    for (const bobFirst of [false, true]) {
      const callId = `legs-same-time-${bobFirst}`;
      const call = transferredCall(callId);
      const first = { ...call.first, announcedAt: announced(0) } as StoreEvent;
      const resumed = { ...call.first, legStartMs: 30_000, announcedAt: announced(40) } as StoreEvent;
      const moved = { ...call.second, legStartMs: 30_000, announcedAt: announced(41) } as StoreEvent;
      // In the order sent, or bob's start first (another gateway): the announcement orders them.
      const batches = bobFirst ? [[moved], [resumed, first]] : [[first], [resumed], [moved]];
      for (const batch of batches) await store.write(batch);
      await store.write([call.end]);
      const stored = await store.getCall(agent('bob'), callId);
      expect(stored.legs.map((l) => [l.agentId, l.fromMs, l.toMs])).toEqual([
        ['ann', 0, 30_000],
        ['bob', 30_000, 120_000],
      ]);
      expect([stored.agentId, stored.team]).toEqual(['ann', 'north']);
      // Each leg gets its own figures at call end (a row per start, keyed by whom it names).
      expect(await store.finalizeCall('acme', callId)).toBe(true);
      const summarised = await store.getCall(staff, callId);
      expect(summarised.legs.map((l) => l.measures?.durationMs)).toEqual([30_000, 90_000]);
    }
  });

  it("pages an agent's list across first and later legs in order, each call once", async () => {
    // bob's own calls (first leg) and calls transferred to him (second leg), interleaved in time:
    // the list reads the two apart (leg-scope.ts) and must merge them in order across pages.
    const at = (minutes: number) => new Date(Date.parse('2026-11-21T09:00:00Z') + minutes * 60_000);
    for (let k = 0; k < 6; k += 1) {
      const own = syntheticStoreCall({
        callId: `page-${k}`,
        agentId: k % 2 === 0 ? 'bob' : 'ann',
        startedAt: at(k),
        durationS: 10,
      });
      const events: StoreEvent[] = [own.start];
      if (k % 2 === 1) events.push({ ...own.start, agentId: 'bob', legStartMs: 5_000 } as StoreEvent);
      await store.write(events);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.searchCalls(agent('bob'), {
        limit: 2,
        sort: 'startedAt',
        order: 'desc',
        from: '2026-11-21T00:00:00Z',
        ...(cursor ? { cursor } : {}),
      } as never);
      seen.push(...page.calls.map((c) => c.callId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['page-5', 'page-4', 'page-3', 'page-2', 'page-1', 'page-0']);
    const staffFound = await store.searchCalls(staff, {
      limit: 10,
      sort: 'startedAt',
      order: 'asc',
      agentId: 'bob',
      from: '2026-11-21T00:00:00Z',
    } as never);
    expect(staffFound.calls.map((c) => c.callId)).toEqual([
      'page-0',
      'page-1',
      'page-2',
      'page-3',
      'page-4',
      'page-5',
    ]);
  });

  it("erases a call's legs with the call", async () => {
    await store.eraseCall('acme', 'legs-1', 'admin-1');
    const rows = await store.backend.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM call_legs WHERE tenant = 'acme' AND call_id = 'legs-1'`,
    );
    expect(rows[0].n).toBe(0);
    await expect(store.getCall(agent('bob'), 'legs-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
