// The service's call registry: owner metadata and live state per call, alert dedupe by id,
// idempotent acknowledgements, and purging of ended and idle calls (which frees their rule state).
import { agentTeamKey, parseUsers, teamsOfAgents } from '../../../../services/shared/auth/users.ts';
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import type { AlertView } from '../../../../services/alert-service/protocol.ts';

// A well-formed scrypt hash (never checked here).
const HASH = 'scrypt:16384:8:1:B8YJwTDEA9kcviClLbtMuQ==:xyvx1UEwkzdSfxlAd8/BZGGOCm0nO13vXr7jGW31on0=';

/** Alerts fire in the order the tests add them, unless a firing time is given. */
let clock = 0;
const alert = (alertId: string, callId: string, tenant = 'demo', firedAtMs = ++clock) =>
  ({
    alertId,
    callId,
    tenant,
    firedAtMs,
    audience: 'both',
    cue: 'Slow down',
    acknowledgedBy: null,
    acknowledgedAtMs: null,
  }) as unknown as AlertView;

describe('call registry', () => {
  it('tracks owners and live state, dedupes alerts and acknowledges once', () => {
    const r = createCallRegistry({ teamOfAgent: new Map([[agentTeamKey('demo', 'agent-1'), 'billing']]) });
    r.start({ callId: 'c1', tenant: 'demo', agentId: 'agent-1', team: '', queue: 'q', startedAtMs: 0 });
    expect(r.owner('demo', 'c1')).toMatchObject({ tenant: 'demo', agentId: 'agent-1', team: 'billing' });
    r.emotion(
      'demo',
      'c1',
      {
        channel: 'customer',
        windowIndex: 0,
        state: 'angry',
        arousal: 0.8,
        valence: 0.2,
        confidence: 0.7,
        endMs: 2000,
      },
      1,
    );
    expect(r.takeChanges(2).changed.map((c) => [c.customer.state, c.moodTrend])).toEqual([['angry', [0.2]]]);
    expect(r.takeChanges(3).changed).toEqual([]);
    expect(r.addAlert(alert('a1', 'c1'))).toBe(true);
    expect(r.addAlert(alert('a1', 'c1'))).toBe(false);
    expect(r.owner('demo', 'c1')).toMatchObject({ cue: 'Slow down' });
    expect(r.acknowledge('a1', 'sam', 5)).toBe(true);
    expect(r.acknowledge('a1', 'bea', 6)).toBe(false);
    expect(r.findAlert('a1')).toMatchObject({ acknowledgedBy: 'sam' });
  });

  it("bounds recent alerts per tenant: one tenant's many alerts never push out another's", () => {
    const r = createCallRegistry({ maxRecentAlerts: 3, maxAlertsPerCall: 10 });
    r.addAlert(alert('acme-1', 'a1', 'acme'));
    for (let i = 0; i < 20; i++) r.addAlert(alert(`globex-${i}`, `g${i}`, 'globex'));
    expect(r.findAlert('acme-1')).toBeDefined();
    expect(r.acknowledge('acme-1', 'sam', 5)).toBe(true);
    expect(r.recentAlerts().map((a) => a.alertId)).toEqual(['globex-19', 'globex-18', 'globex-17', 'acme-1']);
    expect(r.findAlert('globex-16')).toBeUndefined();
    r.addAlert(alert('acme-2', 'a1', 'acme'));
    expect(r.recentAlerts().map((a) => a.alertId)).toEqual([
      'acme-2',
      'globex-19',
      'globex-18',
      'globex-17',
      'acme-1',
    ]);
  });

  it('keeps the newest by firing time when alerts arrive out of order (a start re-reading partitions)', () => {
    const r = createCallRegistry({ maxRecentAlerts: 3, maxAlertsPerCall: 10 });
    for (const [id, at] of [
      ['t5', 5000],
      ['t1', 1000],
      ['t9', 9000],
      ['t3', 3000],
      ['t7', 7000],
    ] as const)
      r.addAlert(alert(id, `call-${id}`, 'acme', at));
    expect(r.recentAlerts().map((a) => a.alertId)).toEqual(['t9', 't7', 't5']);
    // One older than every kept alert is not news: dropped at once.
    expect(r.addAlert(alert('t0', 'call-t0', 'acme', 0))).toBe(false);
    expect(r.findAlert('t0')).toBeUndefined();
    // Nor the oldest of a call over its own bound: not pushed, and not the call's cue.
    const perCall = createCallRegistry({ maxRecentAlerts: 10, maxAlertsPerCall: 2 });
    perCall.start({ callId: 'c', tenant: 'acme', agentId: 'a', team: '', queue: '', startedAtMs: 0 });
    perCall.addAlert({ ...alert('new-1', 'c', 'acme', 5000), cue: 'newer cue' } as AlertView);
    perCall.addAlert({ ...alert('new-2', 'c', 'acme', 6000), cue: 'newer cue' } as AlertView);
    expect(perCall.addAlert({ ...alert('old', 'c', 'acme', 1000), cue: 'old cue' } as AlertView)).toBe(false);
    expect(perCall.findAlert('old')).toBeUndefined();
    expect(perCall.owner('acme', 'c')).toMatchObject({ cue: 'newer cue' });
  });

  it("keeps the newest alerts of a noisy call only, leaving room for the tenant's other calls", () => {
    const r = createCallRegistry({ maxRecentAlerts: 5, maxAlertsPerCall: 3 });
    r.addAlert(alert('quiet', 'q1', 'acme'));
    for (let i = 0; i < 10; i++) r.addAlert(alert(`noisy-${i}`, 'n1', 'acme'));
    expect(r.recentAlerts().map((a) => a.alertId)).toEqual(['noisy-9', 'noisy-8', 'noisy-7', 'quiet']);
    expect(r.findAlert('noisy-6')).toBeUndefined();
    expect(r.findAlert('quiet')).toBeDefined();
  });

  it("takes an agent's team from the agent's own tenant: agent ids repeat across tenants", () => {
    const users = parseUsers({
      users: [
        {
          username: 'acme-a1',
          displayName: 'A',
          role: 'agent',
          tenant: 'acme',
          agentId: 'agent-1',
          teams: ['north'],
          passwordHash: HASH,
        },
        {
          username: 'globex-a1',
          displayName: 'G',
          role: 'agent',
          tenant: 'globex',
          agentId: 'agent-1',
          teams: ['billing'],
          passwordHash: HASH,
        },
      ],
    });
    const r = createCallRegistry({ teamOfAgent: teamsOfAgents(users) });
    r.start({ callId: 'c', tenant: 'acme', agentId: 'agent-1', team: '', queue: '', startedAtMs: 0 });
    r.start({ callId: 'c', tenant: 'globex', agentId: 'agent-1', team: '', queue: '', startedAtMs: 0 });
    r.start({ callId: 'd', tenant: 'initech', agentId: 'agent-1', team: '', queue: '', startedAtMs: 0 });
    expect(r.owner('acme', 'c')).toMatchObject({ team: 'north' });
    expect(r.owner('globex', 'c')).toMatchObject({ team: 'billing' });
    expect(r.owner('initech', 'd')).toMatchObject({ team: '' });
  });

  it('purges ended calls after the retention and idle calls, and reports them', () => {
    const purged: string[] = [];
    const r = createCallRegistry({ endedRetentionMs: 100, idleMs: 1000, onPurged: (id) => purged.push(id) });
    r.start({ callId: 'ended', tenant: 't', agentId: 'a', team: '', queue: '', startedAtMs: 0 });
    r.dynamics('t', 'idle', { talkRatioAgent: 0.5, endMs: 2000 }, 0);
    r.end('t', 'ended', 10);
    expect(r.takeChanges(50).removed).toEqual([]);
    expect(r.takeChanges(200).removed.map((c) => c.callId)).toEqual(['ended']);
    expect(r.takeChanges(1500).removed).toEqual([{ callId: 'idle', tenant: 't', agentId: '', team: '' }]);
    expect(purged).toEqual(['t/ended', 't/idle']);
    expect(r.size()).toBe(0);
  });

  it('purges a call whose end is stamped years ahead after the retention from now', () => {
    const r = createCallRegistry({ endedRetentionMs: 100, idleMs: 1000 });
    const now = Date.now();
    r.start({ callId: 'c', tenant: 't', agentId: 'a', team: '', queue: '', startedAtMs: now - 5000 });
    r.end('t', 'c', now + 10 * 365 * 86_400_000);
    expect(r.takeChanges(now + 60_000).removed.map((c) => c.callId)).toEqual(['c']);
  });

  it("keeps two tenants' calls with the same id apart: a start never takes over the other call", () => {
    const r = createCallRegistry();
    r.start({ callId: 'X', tenant: 'tenant-a', agentId: 'a1', team: 'red', queue: 'q', startedAtMs: 0 });
    r.start({ callId: 'X', tenant: 'tenant-b', agentId: 'b1', team: 'blue', queue: 'q', startedAtMs: 1 });
    expect(r.owner('tenant-a', 'X')).toMatchObject({ tenant: 'tenant-a', agentId: 'a1', team: 'red' });
    expect(r.owner('tenant-b', 'X')).toMatchObject({ tenant: 'tenant-b', agentId: 'b1', team: 'blue' });
    r.emotion(
      'tenant-b',
      'X',
      {
        channel: 'customer',
        windowIndex: 0,
        state: 'angry',
        arousal: 0.9,
        valence: 0.1,
        confidence: 0.8,
        endMs: 2000,
      },
      2,
    );
    expect(r.owner('tenant-a', 'X')).toMatchObject({ moodPoints: 0 });
    expect(r.addAlert(alert('tenant-b/X:customer:0:r', 'X', 'tenant-b'))).toBe(true);
    expect(r.owner('tenant-a', 'X')).toMatchObject({ cue: null });
    r.end('tenant-b', 'X', 3);
    expect(r.owner('tenant-a', 'X')).toMatchObject({ endedAtMs: null });
    expect(r.size()).toBe(2);
  });

  it('ignores the records of an ended call once it is purged (a late window, a re-read at a start); a new start with its id is a new call', () => {
    const r = createCallRegistry({ endedRetentionMs: 1_000, endedRememberedMs: 60_000 });
    const sample = (windowIndex: number) => ({
      channel: 'customer' as const,
      windowIndex,
      state: 'angry',
      arousal: 0.9,
      valence: 0.1,
      confidence: 0.8,
      endMs: windowIndex * 1000,
    });
    r.start({ callId: 'X', tenant: 'demo', agentId: 'a1', team: 'red', queue: 'q', startedAtMs: 0 });
    r.emotion('demo', 'X', sample(0), 1);
    r.end('demo', 'X', 10_000);
    expect(r.takeChanges(20_000).removed.map((c) => c.callId)).toEqual(['X']);
    r.emotion('demo', 'X', sample(1), 20_001);
    r.features(
      'demo',
      'X',
      {
        channel: 'agent',
        windowIndex: 1,
        articulationRate: 4,
        tensionIndex: 0.3,
        speechFraction: 0.8,
        endMs: 1000,
      },
      20_002,
    );
    r.dynamics('demo', 'X', { talkRatioAgent: 0.5, endMs: 1000 }, 20_003);
    expect(r.size()).toBe(0);
    expect(r.takeChanges(20_004).changed).toEqual([]);
    r.start({ callId: 'X', tenant: 'demo', agentId: 'a2', team: 'red', queue: 'q', startedAtMs: 30_000 });
    r.emotion('demo', 'X', sample(0), 30_001);
    expect(r.owner('demo', 'X')).toMatchObject({ agentId: 'a2', moodPoints: 1 });
  });

  it('forgets a purged ended call after endedRememberedMs: a record then starts a call again', () => {
    const r = createCallRegistry({ endedRetentionMs: 1_000, endedRememberedMs: 60_000 });
    r.start({ callId: 'X', tenant: 'demo', agentId: 'a1', team: 'red', queue: 'q', startedAtMs: 0 });
    r.end('demo', 'X', 10_000);
    r.takeChanges(20_000);
    r.takeChanges(70_001);
    r.dynamics('demo', 'X', { talkRatioAgent: 0.5, endMs: 1000 }, 70_002);
    expect(r.owner('demo', 'X')).toMatchObject({ agentId: '', talkRatioAgent: 0.5 });
  });

  it('takes a start after an end (the id reused before the purge) as a new call: nothing of the ended one hides it', () => {
    const r = createCallRegistry();
    const sample = (windowIndex: number, state: string) => ({
      channel: 'customer' as const,
      windowIndex,
      state,
      arousal: 0.5,
      valence: 0.5,
      confidence: 0.7,
      endMs: windowIndex * 1000,
    });
    r.start({ callId: 'X', tenant: 'demo', agentId: 'a1', team: '', queue: 'q', startedAtMs: 0 });
    for (let i = 0; i < 30; i += 1) r.emotion('demo', 'X', sample(i, 'angry'), i);
    r.end('demo', 'X', 30_000);
    r.start({ callId: 'X', tenant: 'demo', agentId: 'a2', team: '', queue: 'q', startedAtMs: 31_000 });
    r.emotion('demo', 'X', sample(0, 'neutral'), 31_001);
    // The new call's start repeated (at-least-once) changes nothing.
    r.start({ callId: 'X', tenant: 'demo', agentId: 'a2', team: '', queue: 'q', startedAtMs: 31_000 });
    expect(r.owner('demo', 'X')).toMatchObject({
      agentId: 'a2',
      endedAtMs: null,
      moodPoints: 1,
      customer: { state: 'neutral' },
    });
  });

  it("ignores an ended call's own start repeated after its end, before and after the purge", () => {
    const r = createCallRegistry({ endedRetentionMs: 1_000, endedRememberedMs: 60_000 });
    const start = { callId: 'X', tenant: 'demo', agentId: 'a1', team: '', queue: 'q', startedAtMs: 0 };
    r.start(start);
    r.end('demo', 'X', 10_000);
    r.start(start);
    expect(r.owner('demo', 'X')).toMatchObject({ endedAtMs: 10_000 });
    r.takeChanges(20_000);
    r.start(start);
    expect(r.size()).toBe(0);
  });

  it('applies a dynamics window once: a repeat does not step the talk share back', () => {
    const r = createCallRegistry();
    r.dynamics('demo', 'Y', { talkRatioAgent: 0.4, endMs: 1000 }, 1);
    r.dynamics('demo', 'Y', { talkRatioAgent: 0.6, endMs: 2000 }, 2);
    r.dynamics('demo', 'Y', { talkRatioAgent: 0.4, endMs: 1000 }, 3);
    expect(r.owner('demo', 'Y')).toMatchObject({ talkRatioAgent: 0.6 });
  });

  it('applies an emotion window once: a repeat (a replay, a consumer rejoin) adds no trend point', () => {
    const r = createCallRegistry();
    const sample = (windowIndex: number, valence: number) => ({
      channel: 'customer' as const,
      windowIndex,
      state: 'neutral',
      arousal: 0.4,
      valence,
      confidence: 0.7,
      endMs: windowIndex * 1000,
    });
    for (const [i, v] of [
      [0, 0.5],
      [1, 0.6],
      [1, 0.6],
      [0, 0.5],
      [2, 0.7],
    ] as const)
      r.emotion('demo', 'Y', sample(i, v), i);
    expect(r.owner('demo', 'Y')).toMatchObject({ moodPoints: 3, moodTrend: [0.5, 0.6, 0.6] }); // neutral: the neutral band (mood-value.ts);
  });

  it("files a record that arrives before its call start under the record's tenant", () => {
    const r = createCallRegistry();
    r.dynamics('tenant-b', 'X', { talkRatioAgent: 0.5, endMs: 2000 }, 0);
    expect(r.owner('tenant-b', 'X')).toMatchObject({ tenant: 'tenant-b', agentId: '' });
    expect(r.owner('tenant-a', 'X')).toBeUndefined();
  });

  it('forgets an erased call at once: its tile, its alerts, and whatever of it arrives later', () => {
    const purged: string[] = [];
    const r = createCallRegistry({ onPurged: (key) => purged.push(key) });
    for (const callId of ['gone', 'kept'])
      r.start({ callId, tenant: 'demo', agentId: 'agent-1', team: 't', queue: 'q', startedAtMs: 0 });
    r.addAlert(alert('g1', 'gone'));
    r.addAlert(alert('k1', 'kept'));
    r.addAlert(alert('g2', 'gone'));
    r.addAlert(alert('x1', 'gone', 'other')); // another tenant's call of the same id stays
    expect(r.erase('demo', 'gone')).toEqual({
      owner: { agentId: 'agent-1', team: 't' },
      alerts: [
        { alertId: 'g2', audience: 'both' },
        { alertId: 'g1', audience: 'both' },
      ],
    });
    expect(r.erase('demo', 'gone')).toBeNull(); // idempotent: a re-read erasure changes nothing
    expect(purged).toEqual(['demo/gone']); // its rule state is freed
    expect(r.isErased('demo', 'gone')).toBe(true);
    expect(r.recentAlerts().map((a) => a.alertId)).toEqual(['x1', 'k1']);
    expect(r.findAlert('g1')).toBeUndefined();
    expect(r.calls().map((c) => c.callId)).toEqual(['kept']);
    // Late records of the erased call (a live call goes on, a start re-read) are dropped.
    expect(r.addAlert(alert('g3', 'gone'))).toBe(false);
    r.start({ callId: 'gone', tenant: 'demo', agentId: 'agent-1', team: 't', queue: 'q', startedAtMs: 9 });
    r.emotion(
      'demo',
      'gone',
      {
        channel: 'customer',
        windowIndex: 3,
        state: 'angry',
        arousal: 0.8,
        valence: 0.2,
        confidence: 0.7,
        endMs: 8000,
      },
      10,
    );
    expect(r.calls().map((c) => c.callId)).toEqual(['kept']);
    expect(r.takeChanges(11).removed).toEqual([]);
  });

  it('forgets an erasure once no topic can hold anything of the call from before it', () => {
    const day = 24 * 3_600_000;
    const r = createCallRegistry();
    r.erase('demo', 'gone', 1_000);
    // 7 days' retention plus a 7-day segment roll: an 8-day-old erasure re-read at a restart must
    // still hide the call's alerts that the catch-up reads after it.
    r.takeChanges(1_000 + 8 * day);
    expect(r.addAlert(alert('late', 'gone'))).toBe(false);
    r.takeChanges(1_000 + 30 * day);
    expect(r.isErased('demo', 'gone')).toBe(true);
    r.takeChanges(1_001 + 30 * day);
    expect(r.isErased('demo', 'gone')).toBe(false); // the process does not hold it for ever
  });

  it("shows an alert's cue for 30 s of the call's audio, then no cue (it stayed to the call's end)", () => {
    const r = createCallRegistry();
    r.start({ callId: 'c', tenant: 'demo', agentId: 'agent-1', team: '', queue: 'q', startedAtMs: 0 });
    const cueOf = () => r.calls().find((c) => c.callId === 'c')!.cue;
    const window = (endMs: number) =>
      r.emotion(
        'demo',
        'c',
        {
          channel: 'customer',
          windowIndex: endMs / 1000,
          state: 'neutral',
          arousal: 0.3,
          valence: 0.6,
          confidence: 0.7,
          endMs,
        },
        endMs,
      );
    window(50_000);
    r.addAlert({ ...alert('f1', 'c'), audioMs: 50_000 } as AlertView);
    expect(cueOf()).toBe('Slow down');
    window(80_000);
    expect(cueOf()).toBe('Slow down');
    window(81_000);
    expect(cueOf()).toBeNull();
    // An alert read late (a restart re-reads them), older than the hold: no cue comes back.
    r.addAlert({ ...alert('f0', 'c'), audioMs: 40_000 } as AlertView);
    expect(cueOf()).toBeNull();
  });
});
