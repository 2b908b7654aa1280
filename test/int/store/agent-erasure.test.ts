// An agent's erasure (a departing employee's request, GDPR Art. 17) on both backends: their voice
// analysis inside their legs goes and the customer's stays, their id is on no row of the tenant
// (a random tombstone per call instead), their scorecards and the reviews of their own calls go,
// the audit names the id's digest only, a second erasure finds nothing, another tenant's agent of
// the same id is untouched, and what a call live at the erasure sends afterwards is not stored
// under the id (nor the agent channel of their leg at all).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { agentDigest } from '../../../services/call-store/store/erased-agents.ts';
import { parseAgentId } from '../../../services/call-store/store/agent-erasure.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { describeEachBackend } from './backends.ts';

const staff = { tenant: 'acme', agentId: null, teams: null };

/** A 120-s call of ann until 60 s, then of bob (a transfer on the same call id). */
function transferred(callId: string): StoreEvent[] {
  const call = syntheticStoreCall({ callId, agentId: 'ann', durationS: 120, angryFromS: 70, angryToS: 100 });
  const second = { ...call.start, agentId: 'bob', legStartMs: 60_000 } as StoreEvent;
  return [{ ...call.start, legStartMs: 0 } as StoreEvent, second, ...call.body, call.end];
}

const count = async (store: CallStore, sql: string, params: unknown[] = []) =>
  (await store.backend.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS q`, params))[0].n;

/** Rows of the tenant that still carry `agentId` anywhere an agent id is stored. */
async function rowsNaming(store: CallStore, tenant: string, agentId: string): Promise<number> {
  const p = [tenant, agentId];
  return (
    (await count(
      store,
      'SELECT 1 FROM calls WHERE tenant = $1 AND (agent_id = $2 OR $2 = ANY(coalesce(leg_agents, ARRAY[]::text[])))',
      p,
    )) +
    (await count(store, 'SELECT 1 FROM call_legs WHERE tenant = $1 AND agent_id = $2', p)) +
    (await count(store, 'SELECT 1 FROM alert_acks WHERE tenant = $1 AND acked_by = $2', p)) +
    (await count(store, 'SELECT 1 FROM reviews WHERE tenant = $1 AND reviewer = $2', p))
  );
}

const channelRows = (store: CallStore, tenant: string, callId: string, channel: string, extra = 'true') =>
  count(
    store,
    `SELECT 1 FROM speaker_windows WHERE tenant = $1 AND call_id = $2 AND channel = $3 AND ${extra}
     UNION ALL SELECT 1 FROM emotion_events WHERE tenant = $1 AND call_id = $2 AND channel = $3 AND ${extra}`,
    [tenant, callId, channel],
  );

describeEachBackend('agent erasure on %s', (opened) => {
  let store: CallStore;
  let customerRowsBefore: number;
  let betaRowsBefore: number;
  beforeAll(async () => {
    store = opened();
    await store.write(
      syntheticEvents(
        syntheticStoreCall({
          callId: 'ann-1',
          agentId: 'ann',
          durationS: 60,
          angryFromS: 20,
          angryToS: 50,
          alert: true,
          ackAfterS: 5,
        }),
      ),
    );
    await store.write(transferred('ann-bob'));
    await store.write(
      syntheticEvents(syntheticStoreCall({ callId: 'bob-1', agentId: 'bob', durationS: 60 })),
    );
    await store.write(
      syntheticEvents(syntheticStoreCall({ callId: 'ann-1', tenant: 'beta', agentId: 'ann', durationS: 60 })),
    );
    await store.finalizePending(0);
    for (const callId of ['ann-1', 'ann-bob', 'bob-1'])
      await store.addReview(staff, callId, 'qa-1', { notes: `review of ${callId}` });
    // Ann once acknowledged an alert herself (acked_by is the acknowledging user).
    await store.backend.query(`UPDATE alert_acks SET acked_by = 'ann' WHERE tenant = 'acme'`);
    expect(await count(store, `SELECT 1 FROM alert_acks WHERE tenant = 'acme' AND acked_by = 'ann'`)).toBe(1);
    customerRowsBefore = await channelRows(store, 'acme', 'ann-1', 'customer');
    betaRowsBefore = await channelRows(store, 'beta', 'ann-1', 'agent');
    expect(await rowsNaming(store, 'acme', 'ann')).toBeGreaterThan(0);
    expect(await channelRows(store, 'acme', 'ann-1', 'agent')).toBeGreaterThan(0);
  });

  it("deletes the agent's voice analysis and scorecards, keeps the call and the customer's figures", async () => {
    const before = await store.getCall(staff, 'ann-1');
    const result = await store.eraseAgent('acme', 'ann', 'admin-1');
    expect(result).toMatchObject({ tenant: 'acme', calls: 2 });
    expect(result.rows['calls:agent_id']).toBe(2);
    expect(result.rows['call_legs:agent_id']).toBe(2);
    expect(result.rows.speaker_windows).toBeGreaterThan(0);
    expect(result.rows.reviews).toBe(1);
    expect(await channelRows(store, 'acme', 'ann-1', 'agent')).toBe(0);
    expect(await channelRows(store, 'acme', 'ann-1', 'customer')).toBe(customerRowsBefore);
    const after = await store.getCall(staff, 'ann-1');
    expect([after.scorecard, after.score]).toEqual([null, null]);
    const summary = after.summary as Record<string, unknown>;
    expect(summary.agentSpeechS).toBeNull();
    expect(summary.agentTensionCompliance).toBeNull();
    expect(summary.customerAngerS).toEqual((before.summary as Record<string, unknown>).customerAngerS);
    expect(
      await count(store, `SELECT 1 FROM calls WHERE call_id = 'ann-1' AND customer_mood IS NOT NULL`),
    ).toBe(2);
    expect(
      await count(
        store,
        `SELECT 1 FROM dynamics_windows WHERE tenant = 'acme' AND call_id = 'ann-1' AND talk_ratio_agent IS NOT NULL`,
      ),
    ).toBe(0);
  });

  it('leaves the id on no row of the tenant: a tombstone per call, unlinkable, not found by id', async () => {
    expect(await rowsNaming(store, 'acme', 'ann')).toBe(0);
    const single = await store.getCall(staff, 'ann-1');
    const shared = await store.getCall(staff, 'ann-bob');
    expect(single.agentId).toMatch(/^erased-agent:[0-9a-f-]{36}$/);
    expect(shared.legs.map((l) => l.agentId)).toEqual([shared.agentId, 'bob']);
    expect(shared.agentId).toMatch(/^erased-agent:/);
    expect(shared.agentId).not.toBe(single.agentId);
    const found = await store.searchCalls(staff, {
      limit: 50,
      sort: 'startedAt',
      order: 'desc',
      agentId: 'ann',
    });
    expect(found.calls).toEqual([]);
    const day = ['2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z'] as const;
    expect((await store.agentSummary(staff, 'ann', ...day)).calls).toBe(0);
  });

  it("keeps the other agent's leg of a transferred call, their figures and the call's review", async () => {
    // Ann's leg (0-60 s) lost its agent-channel emotions, bob's (60-120 s) kept them.
    expect(await channelRows(store, 'acme', 'ann-bob', 'agent', 'start_ms < 60000')).toBe(0);
    expect(await channelRows(store, 'acme', 'ann-bob', 'agent', 'start_ms >= 60000')).toBeGreaterThan(0);
    const shared = await store.getCall(staff, 'ann-bob');
    expect(shared.legs[0].measures).toBeNull();
    expect(shared.legs[1].measures).not.toBeNull();
    expect(await count(store, `SELECT 1 FROM reviews WHERE tenant = 'acme' AND call_id = 'ann-bob'`)).toBe(1);
    expect(await count(store, `SELECT 1 FROM reviews WHERE tenant = 'acme' AND call_id = 'bob-1'`)).toBe(1);
    expect((await store.getCall(staff, 'bob-1')).scorecard).not.toBeNull();
  });

  it("touches nothing of another tenant's agent of the same id", async () => {
    expect(await rowsNaming(store, 'beta', 'ann')).toBeGreaterThan(0);
    expect(await channelRows(store, 'beta', 'ann-1', 'agent')).toBe(betaRowsBefore);
    expect((await store.getCall({ ...staff, tenant: 'beta' }, 'ann-1')).scorecard).not.toBeNull();
  });

  it('audits the erasure by the digest of the id, never the id; a second erasure finds nothing', async () => {
    const again = await store.eraseAgent('acme', 'ann', 'admin-1');
    expect(again.calls).toBe(0);
    expect(Object.values(again.rows).every((n) => n === 0)).toBe(true);
    const audit = await store.listErasures('acme', 10);
    expect(audit.map((a) => [a.scope, a.subjectDigest, a.requestedBy])).toEqual([
      ['agent', agentDigest('ann'), 'admin-1'],
      ['agent', agentDigest('ann'), 'admin-1'],
    ]);
    const raw = await store.backend.query('SELECT * FROM customer_erasures');
    expect(JSON.stringify(raw)).not.toMatch(/"ann"|\bann\b/);
    const remembered = await store.backend.query('SELECT * FROM erased_agents');
    expect(JSON.stringify(remembered)).not.toMatch(/\bann\b/);
  });
});

describeEachBackend('an agent erased while a call of theirs is live, on %s', (opened) => {
  let store: CallStore;
  const live = syntheticStoreCall({ callId: 'live-1', agentId: 'cy', durationS: 60 });
  const half = (e: StoreEvent) => 'startMs' in e && (e as { startMs: number }).startMs < 30_000;
  beforeAll(async () => {
    store = opened();
    await store.write([live.start, ...live.body.filter(half)]);
    await store.eraseAgent('acme', 'cy', 'admin-1');
  });

  it("stores the call's later records without the id and without the agent's voice", async () => {
    // A transfer back to cy and a replay of the first start, both announced before the erasure,
    // and the second half of the call.
    const replay = { ...live.start, announcedAt: new Date(Date.now() - 60_000).toISOString() } as StoreEvent;
    const backToCy = { ...live.start, legStartMs: 40_000, team: 'north' } as StoreEvent;
    await store.write([replay, backToCy, ...live.body.filter((e) => !half(e)), live.end]);
    await store.finalizePending(0);
    expect(await rowsNaming(store, 'acme', 'cy')).toBe(0);
    expect(await channelRows(store, 'acme', 'live-1', 'agent')).toBe(0);
    expect(await channelRows(store, 'acme', 'live-1', 'customer')).toBeGreaterThan(0);
    const call = await store.getCall(staff, 'live-1');
    expect(call.status).toBe('ended');
    expect(new Set(call.legs.map((l) => l.agentId)).size).toBe(1);
    expect(call.agentId).toMatch(/^erased-agent:/);
  });

  it('stores a call whose start reaches the store after the erasure under a tombstone', async () => {
    const late = syntheticStoreCall({ callId: 'late-1', agentId: 'cy', durationS: 30 });
    await store.write(syntheticEvents(late));
    expect(await rowsNaming(store, 'acme', 'cy')).toBe(0);
    expect((await store.getCall(staff, 'late-1')).agentId).toMatch(/^erased-agent:/);
    expect(await channelRows(store, 'acme', 'late-1', 'agent')).toBe(0);
  });

  it('deletes what of the agent reached the store before such a late start', async () => {
    // The topics are not ordered: the call's windows first (stored without a call), its start later.
    const early = syntheticStoreCall({ callId: 'early-1', agentId: 'cy', durationS: 30 });
    await store.write(early.body);
    expect(await channelRows(store, 'acme', 'early-1', 'agent')).toBeGreaterThan(0);
    await store.write([early.start, early.end]);
    expect(await channelRows(store, 'acme', 'early-1', 'agent')).toBe(0);
    expect(await channelRows(store, 'acme', 'early-1', 'customer')).toBeGreaterThan(0);
    expect((await store.getCall(staff, 'early-1')).agentId).toMatch(/^erased-agent:/);
  });

  it('stores a call the agent starts after the erasure as usual (they work again)', async () => {
    const next = syntheticStoreCall({ callId: 'next-1', agentId: 'cy', durationS: 30 });
    const start = { ...next.start, announcedAt: new Date(Date.now() + 1_000).toISOString() } as StoreEvent;
    await store.write([start, ...next.body, next.end]);
    expect((await store.getCall(staff, 'next-1')).agentId).toBe('cy');
    expect(await channelRows(store, 'acme', 'next-1', 'agent')).toBeGreaterThan(0);
  });
});

describe('an agent id to erase', () => {
  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(201), 'longer than 200'],
    ['ann\u0001', 'control character'],
    ['erased-agent:0f0e', 'erased agent already'],
  ])('refuses %j with INVALID_QUERY', (raw, why) => {
    expect(() => parseAgentId(raw)).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
    try {
      parseAgentId(raw);
    } catch (error) {
      expect((error as { details: string[] }).details.join()).toContain(why);
    }
  });

  it('takes an id as calls carry it (NFC, invisible characters removed)', () => {
    expect(parseAgentId('ann\u200b')).toBe('ann');
  });
});
