// Analytics withdrawn mid-call with store_features kept: SECURITY.md says the call store "keeps the
// narrower consent" even when a resumed stream elsewhere sends the call's audio again. Windows,
// emotions, dynamics and alerts of audio after the change (consent_audio_ms, kept as
// calls.analytics_until_ms, migration 018) must not be kept or served; what came before is kept.
// On PGlite and PostgreSQL, with the change before, after (summarised already) and replayed.
import { expect, it } from 'vitest';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { parseStoreEvent, type StoreEvent } from '../../../services/call-store/events.ts';
import { decodeStoreRecord } from '../../../services/call-store/ingest/map-records.ts';
import { callEventCodec } from '../../../services/shared/index.ts';
import { describeEachBackend } from './backends.ts';

const tenantScope = { tenant: 'acme', agentId: null, teams: null };

/** The gateway's record withdrawing analytics at `atMs`, decoded as the store's consumer does. */
function analyticsWithdrawn(callId: string, startedAt: string, atMs: number, storeFeatures = true) {
  const record = callEventCodec.encode({
    eventId: `acme/${callId}:call:consent:0${storeFeatures ? 1 : 0}0`,
    callId,
    tenant: 'acme',
    type: 'consent-changed',
    agentId: 'agent-1',
    startTimeMs: Date.parse(startedAt),
    producedAtMs: Date.parse(startedAt) + atMs,
    consent: { analytics: false, storeFeatures },
    consentAudioMs: atMs,
  } as never);
  return parseStoreEvent(decodeStoreRecord('calls', record, undefined));
}

/** A 30 s call with an acknowledged alert at 26 s (anger from 20 s), and when it started. */
function callOf(callId: string) {
  const call = syntheticStoreCall({
    callId,
    durationS: 30,
    angryFromS: 20,
    angryToS: 30,
    alert: true,
    ackAfterS: 2,
  });
  return { call, startedAt: (call.start as { startedAt: string }).startedAt };
}

describeEachBackend('analytics withdrawn, store_features kept, on %s', (storeOf) => {
  /** Rows of the call starting before / at or after `atMs`: windows, emotions, dynamics, alerts. */
  const rowsAround = async (callId: string, atMs: number) => {
    const count = (table: string, op: string) =>
      `SELECT (SELECT count(*) FROM ${table} WHERE call_id = $1 AND start_ms ${op} $2)::int AS n`;
    const tables = ['speaker_windows', 'emotion_events', 'dynamics_windows', 'alerts'];
    const query = (op: string) =>
      storeOf()
        .backend.query<{ n: number }>(tables.map((t) => count(t, op)).join(' UNION ALL '), [callId, atMs])
        .then((rows) => rows.map((r) => r.n));
    return { before: await query('<'), after: await query('>=') };
  };

  const write = async (events: StoreEvent[]) => {
    expect((await storeOf().write(events)).rejected).toEqual([]);
  };

  it('keeps no window, emotion, dynamics or alert of audio after the change, and all before it', async () => {
    const { call, startedAt } = callOf('withdrawn-window-1');
    await write([call.start, analyticsWithdrawn('withdrawn-window-1', startedAt, 10_000), ...call.body]);
    await write([...call.alerts, call.end]);
    await storeOf().finalizePending(0);
    const rows = await rowsAround('withdrawn-window-1', 10_000);
    expect(rows.after).toEqual([0, 0, 0, 0]);
    expect(rows.before.slice(0, 3).every((n) => n > 0)).toBe(true); // the alert is at 26 s
    const stored = await storeOf().getCall(tenantScope, 'withdrawn-window-1');
    expect([stored.alerts.length, stored.storeFeatures]).toEqual([0, true]);
    const timeline = await storeOf().getTimeline(tenantScope, 'withdrawn-window-1', null);
    expect(Math.max(...timeline.speakers.customer.windows.startMs.map(Number))).toBeLessThan(10_000);
  });

  it('deletes what was stored and summarised before the change arrived, and a replay changes nothing', async () => {
    const { call, startedAt } = callOf('withdrawn-window-2');
    await write([call.start, ...call.body, ...call.alerts, call.end]);
    await storeOf().finalizePending(0);
    expect((await rowsAround('withdrawn-window-2', 25_000)).after.every((n) => n > 0)).toBe(true);
    // The later withdrawal first, then the earlier one, then the later one again: the earliest wins.
    await write([analyticsWithdrawn('withdrawn-window-2', startedAt, 25_000, false)]);
    await write([analyticsWithdrawn('withdrawn-window-2', startedAt, 12_000)]);
    await write([
      analyticsWithdrawn('withdrawn-window-2', startedAt, 25_000, false),
      ...call.body,
      ...call.alerts,
    ]);
    const live = await rowsAround('withdrawn-window-2', 12_000);
    expect(live.after).toEqual([0, 0, 0, 0]);
    expect(live.before.slice(0, 3).every((n) => n > 0)).toBe(true);
    const counts = await storeOf().backend.query<{ until: number; alerts: number }>(
      `SELECT analytics_until_ms AS until, alerts_count AS alerts FROM calls WHERE call_id = $1`,
      ['withdrawn-window-2'],
    );
    expect(counts).toEqual([{ until: 12_000, alerts: 0 }]);
    await storeOf().finalizePending(0);
    // store_features went too (the 25 s change): the summary stays, the details go.
    expect((await rowsAround('withdrawn-window-2', 12_000)).before).toEqual([0, 0, 0, 0]);
  });
});
