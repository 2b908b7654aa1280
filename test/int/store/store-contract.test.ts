// One contract suite for every call-store backend (PGlite and a real PostgreSQL): idempotent
// writes, dead-letter-worthy rejects, summaries, consent, search, timeline, reviews, retention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../../services/call-store/migrate.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { BACKENDS } from './backends.ts';

const tenantScope = { tenant: 'acme', agentId: null, teams: null };

describe.each(BACKENDS.map((make) => [make().name, make] as const))('call store on %s', (_name, make) => {
  const fixture = make();
  let store: CallStore;
  beforeAll(async () => {
    await fixture.setup();
    store = await fixture.open();
  });
  afterAll(() => fixture.teardown());

  it('migrations are versioned and a second run applies nothing', async () => {
    expect(listMigrations().map((m) => m.version)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
    ]);
    expect(await migrate(store.backend)).toEqual([]);
  });

  it('stores every window once however often the events are replayed', async () => {
    const call = syntheticStoreCall({
      callId: 'replay-1',
      durationS: 60,
      angryFromS: 20,
      angryToS: 40,
      alert: true,
      ackAfterS: 12,
    });
    const events = syntheticEvents(call);
    const first = await store.write(events);
    expect(first.rejected).toEqual([]);
    // A crash replays a prefix, a rebalance the whole call, in batches of another size.
    await store.write(events.slice(0, 50));
    for (let i = 0; i < events.length; i += 37) await store.write(events.slice(i, i + 37));
    const counts = await store.backend.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM speaker_windows WHERE call_id = 'replay-1')::int AS n
       UNION ALL SELECT (SELECT count(*) FROM emotion_events WHERE call_id = 'replay-1')::int
       UNION ALL SELECT (SELECT count(*) FROM dynamics_windows WHERE call_id = 'replay-1')::int
       UNION ALL SELECT (SELECT count(*) FROM alerts WHERE call_id = 'replay-1')::int`,
    );
    expect(counts.map((r) => r.n)).toEqual([118, 118, 59, 1]);
    const again = await store.write(events);
    expect(again.inserted).toBe(0);
    expect(again.duplicates).toBe(events.length);
  });

  it('rejects a bad record with a reason and still writes the others', async () => {
    const call = syntheticStoreCall({ callId: 'bad-1', durationS: 10 });
    const bad = { ...call.body[0], speechFraction: 7 };
    const result = await store.write([call.start, bad, { kind: 'nonsense' }, ...call.body.slice(1)]);
    expect(result.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(result.rejected[0].error.code).toBe('INVALID_RECORD');
    expect(result.rejected[0].error.details.join()).toMatch(/speechFraction/);
    expect(result.inserted).toBe(1 + call.body.length - 1);
    // A call id no route can open (a control character): refused, not stored and listed.
    const odd = syntheticStoreCall({ callId: '\t=cmd', durationS: 4 });
    const refused = await store.write([odd.start]);
    expect(refused.rejected.map((r) => r.error.details.join())).toEqual([
      expect.stringMatching(/control character/),
    ]);
  });

  it('summarises an ended call with its scorecard and search columns', async () => {
    expect(await store.finalizePending(0)).toBeGreaterThanOrEqual(1);
    const call = await store.getCall(tenantScope, 'replay-1');
    expect(call.status).toBe('ended');
    expect(call.durationMs).toBe(60_000);
    expect(call.customerAngerS).toBeGreaterThan(5);
    expect(call.alertsCount).toBe(1);
    expect(call.unacknowledgedAlerts).toBe(0);
    expect(call.score).toBeGreaterThanOrEqual(0);
    expect(call.score).toBeLessThanOrEqual(100);
    const parts = (call.scorecard as { parts: { name: string }[] }).parts.map((p) => p.name);
    expect(parts).toContain('deEscalation');
    expect(call.alerts[0].acknowledgement?.by).toBe('supervisor-1');
  });

  it('keeps only the summary when the caller did not consent to storing features', async () => {
    const call = syntheticStoreCall({
      callId: 'noconsent-1',
      durationS: 40,
      storeFeatures: false,
      angryFromS: 5,
      angryToS: 20,
    });
    await store.write(syntheticEvents(call));
    await store.finalizeCall('acme', 'noconsent-1');
    const stored = await store.getCall(tenantScope, 'noconsent-1');
    expect(stored.storeFeatures).toBe(false);
    expect(stored.summary).not.toBeNull();
    expect(stored.customerAngerS).toBeGreaterThan(0);
    const timeline = await store.getTimeline(tenantScope, 'noconsent-1', null);
    expect(timeline.speakers.agent.windows.startMs).toEqual([]);
    expect(timeline.speakers.customer.emotions.startMs).toEqual([]);
    // A late replay of the windows does not bring them back.
    await store.write(call.body.slice(0, 20));
    await store.finalizePending(0);
    expect(
      (await store.getTimeline(tenantScope, 'noconsent-1', null)).speakers.agent.windows.startMs,
    ).toEqual([]);
  });

  it('never serves the held details of a call without feature consent: live, or replayed after its summary', async () => {
    const call = syntheticStoreCall({
      callId: 'noconsent-live',
      durationS: 30,
      storeFeatures: false,
      angryFromS: 5,
      angryToS: 20,
      alert: true,
    });
    // Live: the rows are held for the summary, not shown; the alerts are.
    await store.write([call.start, ...call.body, ...call.alerts]);
    const expectNoDetails = async () => {
      for (const points of [null, 50]) {
        const timeline = await store.getTimeline(tenantScope, 'noconsent-live', points);
        for (const channel of ['agent', 'customer'] as const) {
          expect(timeline.speakers[channel].windows.startMs).toEqual([]);
          expect(timeline.speakers[channel].emotions.startMs).toEqual([]);
        }
        expect(timeline.dynamics.startMs).toEqual([]);
        expect(timeline.alerts).toHaveLength(call.alerts.length);
      }
      expect((await store.exportCsv(tenantScope, 'noconsent-live')).trim().split('\n')).toHaveLength(1);
    };
    expect(call.alerts.length).toBeGreaterThan(0);
    await expectNoDetails();
    // Ended and summarised, then a replay lands before the next summary run drops it again.
    await store.write([call.end]);
    await store.finalizeCall('acme', 'noconsent-live');
    await store.write(call.body.slice(0, 20));
    await expectNoDetails();
  });

  it('applies the narrowest consent of a call started again (a resumed stream), never a wider one', async () => {
    const customerRef = pseudonymiseCustomerRef('k'.repeat(32), 'acme', '+44 7700 900009');
    const call = syntheticStoreCall({ callId: 'narrowed-1', durationS: 30, customerRef });
    const narrowed = (start: typeof call.start, consent: object) =>
      ({ ...start, consent: { ...(start as { consent: object }).consent, ...consent } }) as typeof call.start;
    await store.write(syntheticEvents(call));
    await store.finalizePending(0);
    expect((await store.getCall(tenantScope, 'narrowed-1')).customerRef).toBe(customerRef);
    const windowsOf = async () =>
      (await store.getTimeline(tenantScope, 'narrowed-1', null)).speakers.agent.windows.startMs.length;
    expect(await windowsOf()).toBeGreaterThan(0);
    // The resumed stream's start (same event id) says: no features kept, not in the history.
    const result = await store.write([narrowed(call.start, { storeFeatures: false, historyOptOut: true })]);
    expect(result).toMatchObject({ inserted: 0, duplicates: 1 });
    // Before the next summary run too: the stored timeline is not served any more.
    expect(await windowsOf()).toBe(0);
    await store.finalizePending(0);
    const narrowedCall = await store.getCall(tenantScope, 'narrowed-1');
    expect([narrowedCall.storeFeatures, narrowedCall.customerRef]).toEqual([false, null]);
    expect(await windowsOf()).toBe(0);
    // A later start asking for more again changes nothing.
    await store.write([call.start]);
    expect((await store.getCall(tenantScope, 'narrowed-1')).storeFeatures).toBe(false);

    // Both starts in one batch: the narrower one wins too.
    const twice = syntheticStoreCall({ callId: 'narrowed-2', durationS: 10 });
    await store.write([twice.start, narrowed(twice.start, { storeFeatures: false })]);
    expect((await store.getCall(tenantScope, 'narrowed-2')).storeFeatures).toBe(false);
  });

  it('counts a late acknowledgement of a call kept without its features', async () => {
    const call = syntheticStoreCall({
      callId: 'noconsent-ack',
      durationS: 40,
      storeFeatures: false,
      angryFromS: 5,
      angryToS: 20,
      alert: true,
      ackAfterS: 30,
    });
    const ack = call.alerts.find((e) => e.kind === 'ack') as StoreEvent;
    await store.write(syntheticEvents(call).filter((e) => e !== ack));
    await store.finalizePending(0);
    const counts = async () => {
      const c = await store.getCall(tenantScope, 'noconsent-ack');
      return [c.alertsCount, c.unacknowledgedAlerts];
    };
    expect(await counts()).toEqual([1, 1]);
    await store.write([ack]);
    await store.finalizePending(0);
    expect(await counts()).toEqual([1, 0]);
  });

  it('ends a call whose end never came once its audio has stopped long enough, and honours its consent', async () => {
    const startedAt = new Date('2026-11-21T10:00:00Z');
    const call = syntheticStoreCall({ callId: 'lost-end-1', durationS: 30, storeFeatures: false, startedAt });
    await store.write([call.start, ...call.body]);
    const hour = 3_600_000;
    // 30 s of audio, then silence: not yet an hour after the last window.
    const lost = { tenant: 'acme', callId: 'lost-end-1' };
    const early = await store.closeAbandoned(hour, new Date(startedAt.getTime() + 30_000 + hour - 1_000));
    expect(early).not.toContainEqual(lost);
    expect((await store.getCall(tenantScope, 'lost-end-1')).status).toBe('live');
    const closed = await store.closeAbandoned(hour, new Date(startedAt.getTime() + 30_000 + hour + 1_000));
    expect(closed).toContainEqual(lost); // (and the earlier tests' calls left without an end)
    await store.finalizePending(0);
    const stored = await store.getCall(tenantScope, 'lost-end-1');
    expect(stored).toMatchObject({
      status: 'ended',
      durationMs: 30_000,
      storeFeatures: false,
      endReason: 'abandoned',
    });
    expect(stored.summary).not.toBeNull();
    const timeline = await store.getTimeline(tenantScope, 'lost-end-1', null);
    expect(timeline.speakers.customer.windows.startMs).toEqual([]);
    // The end arriving late (a lagging calls topic) replaces the sweep's guess: its reason, its
    // duration (the same here), and the summary stays.
    await store.write([{ ...call.end, endReason: 'transfer' }]);
    await store.finalizePending(0);
    const ended = await store.getCall(tenantScope, 'lost-end-1');
    expect(ended).toMatchObject({ status: 'ended', durationMs: 30_000, endReason: 'transfer' });
    expect(ended.summary).not.toBeNull();
  });

  it('serves a timeline per speaker, downsampled on request', async () => {
    const full = await store.getTimeline(tenantScope, 'replay-1', null);
    expect(full.speakers.customer.windows.startMs).toHaveLength(59);
    expect(full.speakers.customer.emotions.state).toContain('angry');
    expect(full.alerts).toHaveLength(1);
    // Built once at call end; a late event drops the stored copy and the next read rebuilds it.
    const stored = () =>
      store.backend.query(`SELECT 1 FROM call_timelines WHERE call_id = 'replay-1'`).then((r) => r.length);
    expect(await stored()).toBe(1);
    const late = syntheticStoreCall({ callId: 'replay-1', durationS: 62 }).body.filter(
      (e) => e.kind === 'features' && e.windowIndex === 60,
    );
    await store.write(late);
    expect(await stored()).toBe(0);
    const rebuilt = await store.getTimeline(tenantScope, 'replay-1', null);
    expect(rebuilt.speakers.agent.windows.startMs).toHaveLength(60);
    await store.finalizePending(0);
    expect(await stored()).toBe(1);
    expect(
      (await store.getTimeline(tenantScope, 'replay-1', null)).speakers.agent.windows.startMs,
    ).toHaveLength(60);
    const small = await store.getTimeline(tenantScope, 'replay-1', 10);
    expect(small.speakers.agent.windows.startMs).toHaveLength(10);
    expect(small.dynamics.startMs).toHaveLength(10);
    const csv = await store.exportCsv(tenantScope, 'replay-1');
    expect(csv.split('\n')[0]).toMatch(/^call_id,channel,window_index/);
    expect(csv.trim().split('\n')).toHaveLength(1 + 120); // 59 + 1 late window per speaker
  });

  it("exports an hour's call as CSV in one pass, every window with its emotion", async () => {
    // The database's join had chosen a nested loop without fresh statistics: 15-40 s on PGlite
    // for an hour, holding the single-connection store meanwhile.
    const hour = syntheticStoreCall({ callId: 'hour-1', durationS: 3600, angryFromS: 600, angryToS: 900 });
    expect((await store.write(syntheticEvents(hour))).rejected).toEqual([]);
    const started = performance.now();
    const lines = (await store.exportCsv(tenantScope, 'hour-1')).trim().split('\n');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(lines).toHaveLength(1 + 2 * 3599);
    const angry = lines.filter((l) => l.split(',')[1] === 'customer' && l.split(',')[10] === 'angry');
    expect(angry.length).toBeGreaterThan(100);
    expect(lines.every((l, i) => i === 0 || l.split(',')[10] !== '')).toBe(true);
  });

  it("counts a live call's alerts in the list as they arrive, not at its summary", async () => {
    const live = syntheticStoreCall({
      callId: 'live-alerted',
      startedAt: new Date('2026-11-03T08:00:00Z'),
      durationS: 60,
      angryFromS: 10,
      angryToS: 40,
      alert: true,
      ackAfterS: 5,
    });
    const [alert, ack] = live.alerts;
    // The alert before its call's start (the topics are not ordered), then the start.
    await store.write([alert]);
    await store.write([live.start, ...live.body]);
    const search = () =>
      store.searchCalls(tenantScope, {
        sort: 'startedAt',
        order: 'desc',
        limit: 5,
        status: 'live',
        from: '2026-11-03T00:00:00Z',
        to: '2026-11-04T00:00:00Z',
      });
    expect((await search()).calls).toEqual([
      expect.objectContaining({ callId: 'live-alerted', alertsCount: 1, unacknowledgedAlerts: 1 }),
    ]);
    await store.write([ack]);
    expect((await search()).calls[0]).toMatchObject({ alertsCount: 1, unacknowledgedAlerts: 0 });
  });

  it('searches with filters, sorting and cursor pagination inside the scope', async () => {
    const start = new Date('2026-11-01T08:00:00Z').getTime();
    for (let i = 0; i < 12; i++) {
      const call = syntheticStoreCall({
        callId: `search-${String(i).padStart(2, '0')}`,
        agentId: i % 3 === 0 ? 'agent-7' : 'agent-8',
        tenant: i === 11 ? 'other' : 'acme',
        team: i % 2 === 0 ? 'north' : 'south',
        startedAt: new Date(start + i * 60_000),
        durationS: 30,
        angryFromS: i % 2 === 0 ? 2 : undefined,
        angryToS: i % 2 === 0 ? 28 : undefined,
        alert: i % 2 === 0,
        ackAfterS: i % 4 === 0 ? 5 : null,
        seed: i,
      });
      await store.write(syntheticEvents(call));
    }
    await store.finalizePending(0);
    const base = {
      sort: 'startedAt',
      order: 'desc',
      limit: 5,
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
    } as const;
    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.searchCalls(tenantScope, { ...base, cursor });
      pages.push(...page.calls.map((c) => c.callId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual(Array.from({ length: 11 }, (_, i) => `search-${String(10 - i).padStart(2, '0')}`));
    const angry = await store.searchCalls(tenantScope, { ...base, limit: 50, minCustomerAngerS: 10 });
    expect(angry.calls.map((c) => c.callId).sort()).toEqual([
      'search-00',
      'search-02',
      'search-04',
      'search-06',
      'search-08',
      'search-10',
    ]);
    const unacked = await store.searchCalls(tenantScope, { ...base, limit: 50, alerts: 'unacknowledged' });
    expect(unacked.calls.map((c) => c.callId).sort()).toEqual(['search-02', 'search-06', 'search-10']);
    const agent = await store.searchCalls(
      { tenant: 'acme', agentId: 'agent-7', teams: null },
      { ...base, limit: 50 },
    );
    expect(agent.calls.every((c) => c.agentId === 'agent-7')).toBe(true);
    const byScore = await store.searchCalls(tenantScope, { ...base, sort: 'score', order: 'asc', limit: 3 });
    const next = await store.searchCalls(tenantScope, {
      ...base,
      sort: 'score',
      order: 'asc',
      limit: 3,
      cursor: byScore.nextCursor ?? undefined,
    });
    expect((next.calls[0].score ?? 0) >= (byScore.calls[2].score ?? 0)).toBe(true);
    await expect(
      store.getCall({ tenant: 'acme', agentId: null, teams: null }, 'search-11'),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // A supervisor limited to teams: search, detail and agent summary see those teams' calls only.
    const north = { tenant: 'acme', agentId: null, teams: ['north'] };
    const teamCalls = await store.searchCalls(north, { ...base, limit: 50 });
    expect(teamCalls.calls.map((c) => c.callId)).toEqual([
      'search-10',
      'search-08',
      'search-06',
      'search-04',
      'search-02',
      'search-00',
    ]);
    await expect(store.getCall(north, 'search-01')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.getTimeline(north, 'search-01', null)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const both = await store.searchCalls({ ...north, teams: ['north', 'south'] }, { ...base, limit: 50 });
    expect(both.calls).toHaveLength(11);
    expect((await store.searchCalls({ ...north, teams: ['east'] }, base)).calls).toEqual([]);
    const summary = await store.agentSummary(north, 'agent-7', base.from, base.to);
    expect(summary.calls).toBe(2); // agent-7 has calls 0, 3, 6, 9: only 0 and 6 are north's
  });

  it('summarises an agent over a period', async () => {
    const summary = await store.agentSummary(
      tenantScope,
      'agent-7',
      '2026-11-01T00:00:00Z',
      '2026-11-02T00:00:00Z',
    );
    expect(summary.calls).toBe(4);
    expect(summary.alertsReceived).toBe(2);
    // agent-7 has calls 0, 3, 6, 9: alerts on 0 and 6, only call 0's acknowledged.
    expect(summary.alertsAcknowledged).toBe(1);
    expect(summary.paceCompliance).not.toBeNull();
  });

  it('keeps a reviewer note and score override beside the automatic score', async () => {
    const review = await store.addReview(tenantScope, 'replay-1', 'qa-1', {
      notes: 'Good recovery',
      scoreOverride: 81,
    });
    expect(review.scoreOverride).toBe(81);
    const call = await store.getCall(tenantScope, 'replay-1');
    expect(call.reviews.map((r) => r.notes)).toEqual(['Good recovery']);
    expect(call.reviewScore).toBe(81);
    expect(call.score).not.toBe(null);
    await expect(store.addReview(tenantScope, 'replay-1', 'qa-1', { notes: '' })).rejects.toMatchObject({
      code: 'INVALID_BODY',
    });
  });

  it("keeps two tenants' calls with the same id apart in every table and query", async () => {
    const ofAcme = syntheticStoreCall({
      callId: 'shared-id',
      durationS: 30,
      angryFromS: 5,
      angryToS: 25,
      alert: true,
    });
    const ofRival = syntheticStoreCall({
      callId: 'shared-id',
      tenant: 'rival',
      agentId: 'rival-agent',
      durationS: 50,
    });
    expect((await store.write(syntheticEvents(ofAcme))).rejected).toEqual([]);
    // Nothing of the rival's call is taken for a replay of acme's (it used to be dropped as one).
    const second = await store.write(syntheticEvents(ofRival));
    expect(second).toMatchObject({ rejected: [], duplicates: 0 });
    expect(await store.finalizeCall('acme', 'shared-id')).toBe(true);
    expect(await store.finalizeCall('rival', 'shared-id')).toBe(true);
    const rivalScope = { tenant: 'rival', agentId: null, teams: null };
    const acme = await store.getCall(tenantScope, 'shared-id');
    const rival = await store.getCall(rivalScope, 'shared-id');
    expect([acme.tenant, acme.durationMs, rival.tenant, rival.agentId, rival.durationMs]).toEqual([
      'acme',
      30_000,
      'rival',
      'rival-agent',
      50_000,
    ]);
    expect(acme.alerts.length).toBeGreaterThan(0);
    expect(rival.alerts).toEqual([]);
    const windowsOf = async (scope: typeof tenantScope) =>
      (await store.getTimeline(scope, 'shared-id', null)).speakers.customer.windows.startMs.length;
    expect(await windowsOf(tenantScope)).toBeLessThan(30);
    expect(await windowsOf(rivalScope)).toBeGreaterThan(40);
    await store.addReview(rivalScope, 'shared-id', 'qa-rival', { notes: 'rival only' });
    expect((await store.getCall(tenantScope, 'shared-id')).reviews).toEqual([]);
    // A global admin must say which tenant's call it means.
    await expect(
      store.getCall({ tenant: null, agentId: null, teams: null }, 'shared-id'),
    ).rejects.toMatchObject({
      code: 'AMBIGUOUS_CALL',
    });
  });

  it("never sums two tenants' agents of one id into one summary for an admin of every tenant", async () => {
    const startedAt = new Date('2026-10-07T08:00:00Z');
    for (const [tenant, callId, durationS] of [
      ['acme', 'agent-twin-a', 30],
      ['rival', 'agent-twin-r', 50],
    ] as const)
      await store.write(
        syntheticEvents(syntheticStoreCall({ callId, tenant, agentId: 'agent-twin', durationS, startedAt })),
      );
    const period = ['2026-10-07T00:00:00Z', '2026-10-08T00:00:00Z'] as const;
    const everyTenant = { tenant: null, agentId: null, teams: null };
    await expect(store.agentSummary(everyTenant, 'agent-twin', ...period)).rejects.toMatchObject({
      code: 'AMBIGUOUS_AGENT',
    });
    const named = await store.agentSummary({ ...everyTenant, tenant: 'rival' }, 'agent-twin', ...period);
    expect([named.tenant, named.calls, named.talkMinutes]).toEqual(['rival', 1, 0.8]);
    // One tenant's agent alone is answered, and the answer says whose.
    await store.write(
      syntheticEvents(
        syntheticStoreCall({
          callId: 'agent-solo-a',
          tenant: 'acme',
          agentId: 'agent-solo',
          durationS: 30,
          startedAt,
        }),
      ),
    );
    const alone = await store.agentSummary(everyTenant, 'agent-solo', ...period);
    expect([alone.tenant, alone.calls]).toEqual(['acme', 1]);
    const nobody = await store.agentSummary(everyTenant, 'agent-7-nowhere-else', ...period);
    expect([nobody.tenant, nobody.calls]).toEqual([null, 0]);
  });

  it("pages an every-tenant search across two tenants' calls with one id and one start, skipping neither", async () => {
    const startedAt = new Date('2026-10-05T08:00:00Z');
    for (const tenant of ['acme', 'rival'])
      await store.write(
        syntheticEvents(syntheticStoreCall({ callId: 'twin-id', tenant, durationS: 10, startedAt })),
      );
    const everyTenant = { tenant: null, agentId: null, teams: null };
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const found = await store.searchCalls(everyTenant, {
        from: '2026-10-05T00:00:00Z',
        to: '2026-10-06T00:00:00Z',
        sort: 'startedAt',
        order: 'desc',
        limit: 1,
        cursor,
      });
      seen.push(...found.calls.map((c) => `${c.tenant}/${c.callId}`));
      if (!found.nextCursor) break;
      cursor = found.nextCursor;
    }
    expect(seen).toEqual(['rival/twin-id', 'acme/twin-id']);
    // A tenant's own cursor is not one of the every-tenant search (and the other way round).
    const own = await store.searchCalls(tenantScope, { sort: 'startedAt', order: 'desc', limit: 1 });
    await expect(
      store.searchCalls(everyTenant, {
        sort: 'startedAt',
        order: 'desc',
        limit: 1,
        cursor: own.nextCursor as string,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('purges calls older than their tenant retention, and only those', async () => {
    await store.setRetention('acme', 10);
    const now = new Date('2026-11-25T00:00:00Z');
    const purged = await store.purgeExpired({ defaultDays: null, orphanGraceMs: 86_400_000 }, now);
    // acme's calls of 2026-11-01 are older than 10 days; "other" has no retention: kept.
    expect(purged.calls.acme).toBeGreaterThanOrEqual(11);
    expect(purged.calls.other).toBeUndefined();
    await expect(store.getCall(tenantScope, 'search-00')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const left = await store.backend.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM speaker_windows WHERE call_id = 'search-00'`,
    );
    expect(left[0].n).toBe(0);
    expect((await store.getCall({ tenant: 'other', agentId: null, teams: null }, 'search-11')).callId).toBe(
      'search-11',
    );
  });
});
