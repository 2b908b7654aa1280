// Review revreuse30: a call the store swept `abandoned` (no analysed audio for ABANDONED_CALL_MS:
// a long hold) and then transferred (a resumed CallStart, dated by the gateway's clock, its leg
// starting where the call left off) is the same call, not a later call under a recycled id: the
// second agent's leg, the rest of the call and its real end are kept.
import { expect, it } from 'vitest';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { describeEachBackend } from './backends.ts';

const ADMIN = { tenant: 'acme', agentId: null, teams: null };
const T0 = new Date('2026-12-02T09:00:00Z').getTime();

describeEachBackend('a swept call resumed after a hold on %s', (store) => {
  it('keeps the transferred leg, the rest of the call and its end', async () => {
    // 200 s of audio; ann's first 30 s reach the store, then a 2-minute hold (no windows).
    const whole = syntheticStoreCall({
      callId: 'held-transfer',
      agentId: 'ann',
      startedAt: new Date(T0),
      durationS: 200,
    });
    const beforeHold = whole.body.filter((e) => 'endMs' in e && (e as { endMs: number }).endMs <= 30_000);
    const afterHold = whole.body.filter(
      (e) => 'startMs' in e && (e as { startMs: number }).startMs >= 30_000,
    );
    await store().write([whole.start, ...beforeHold]);
    // ABANDONED_CALL_MS=60000: swept 95 s into the call, ended at its last analysed audio (30 s).
    expect(await store().closeAbandoned(60_000, new Date(T0 + 95_000))).toHaveLength(1);
    // The transfer: bea's stream resumes the call at audio 30 s, its CallStart dated now (start_time_ms 0).
    const resumed: StoreEvent = {
      ...(whole.start as Extract<StoreEvent, { kind: 'call-start' }>),
      agentId: 'bea',
      startedAt: new Date(T0 + 150_000).toISOString(),
      legStartMs: 30_000,
    };
    const end = {
      ...(whole.end as Extract<StoreEvent, { kind: 'call-end' }>),
      endedAt: new Date(T0 + 320_000).toISOString(),
      endReason: 'hangup',
    };
    const written = await store().write([resumed, ...afterHold]);
    expect(written.reused).toBe(0);
    // The customer then withdraws storage consent on bea's leg (dated by that leg's start).
    const withdrawal: StoreEvent = {
      ...(resumed as Extract<StoreEvent, { kind: 'call-start' }>),
      consent: { analytics: true, storeFeatures: false },
      consentChange: true,
      legStartMs: null,
    };
    expect((await store().write([withdrawal])).reused).toBe(0);
    expect((await store().getCall(ADMIN, 'held-transfer')).storeFeatures).toBe(false);
    expect((await store().write([end])).reused).toBe(0);
    const call = await store().getCall(ADMIN, 'held-transfer');
    expect(call).toMatchObject({ status: 'ended', endReason: 'hangup' });
    const [{ n }] = await store().backend.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM speaker_windows WHERE tenant = 'acme' AND call_id = 'held-transfer' AND start_ms >= 30000`,
    );
    expect(n).toBe(afterHold.filter((e) => e.kind === 'features').length);
  });

  it("still drops a later call's own transfer under the recycled id", async () => {
    const ann = syntheticStoreCall({
      callId: 'reused-transfer',
      agentId: 'ann',
      startedAt: new Date(T0),
      durationS: 20,
    });
    await store().write([ann.start, ann.end]);
    const bob = syntheticStoreCall({
      callId: 'reused-transfer',
      agentId: 'bob',
      startedAt: new Date(T0 + 120_000),
      durationS: 60,
    });
    const bobsTransfer: StoreEvent = {
      ...(bob.start as Extract<StoreEvent, { kind: 'call-start' }>),
      agentId: 'bea',
      startedAt: new Date(T0 + 150_000).toISOString(),
      legStartMs: 30_000,
    };
    expect((await store().write([bob.start])).reused).toBe(1);
    expect((await store().write([bobsTransfer])).reused).toBe(1);
    const [{ n }] = await store().backend.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM call_legs WHERE tenant = 'acme' AND call_id = 'reused-transfer' AND agent_id <> 'ann'`,
    );
    expect(n).toBe(0);
  });
});
