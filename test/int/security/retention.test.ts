// After retention nothing of an expired call is left in any table, child rows
// whose call never arrived (or came after the purge; legacy rows with tenant '') go once older
// than the grace, a client reusing the id starts from an empty call, and a replay of the topics
// does not bring an expired call back. Real database (PGlite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { CHILD_TABLES, ERASED_CALL_DAYS } from '../../../services/call-store/store/retention.ts';
import { createCallStore, openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';

const DAY = 86_400_000;
/**
 * Every table with a call_id column, read from the schema: the purge must cover each. Except
 * erased_calls: the ids of calls a customer erasure deleted (no call rows), kept by a clock of
 * their own, ERASED_CALL_DAYS (tested below).
 */
let TABLES: string[] = [];
const NOT_CALL_ROWS = new Set(['erased_calls']);
const acme = { tenant: 'acme', agentId: null, teams: null };
const policy = { defaultDays: 90, orphanGraceMs: DAY };

let store: CallStore;
beforeAll(async () => {
  store = await openCallStore({});
  const rows = await store.backend.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
     WHERE column_name = 'call_id' AND table_schema = current_schema() ORDER BY table_name`,
  );
  TABLES = rows.map((r) => r.table_name).filter((t) => !NOT_CALL_ROWS.has(t));
});
afterAll(() => store?.close());

/** Rows of a call id in every table, whatever their tenant. */
async function rowsOf(callId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [{ n }] = await store.backend.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE call_id = $1`,
      [callId],
    );
    if (n > 0) counts[table] = n;
  }
  return counts;
}

/** A finished call with windows, emotions, dynamics, an acknowledged and judged alert, a review, a timeline. */
async function storeCall(callId: string, startedAt: Date): Promise<void> {
  const call = syntheticStoreCall({
    callId,
    startedAt,
    durationS: 40,
    angryFromS: 5,
    angryToS: 30,
    alert: true,
    ackAfterS: 3,
    seed: 7,
  });
  await store.write(syntheticEvents(call));
  await store.addReview(acme, callId, 'qa-1', { notes: 'check the tone', scoreOverride: 55 });
  const alert = call.alerts.find((e) => e.kind === 'alert') as unknown as { alertId: string };
  await store.putVerdict(acme, callId, alert.alertId, 'qa-1', { verdict: 'right', reason: 'she was angry' });
  await store.finalizePending(0);
}

/** Every child event of a call, without its start and end: what arrives when the start is lost. */
function childEvents(callId: string, startedAt: Date): StoreEvent[] {
  const call = syntheticStoreCall({
    callId,
    startedAt,
    durationS: 20,
    angryFromS: 2,
    angryToS: 15,
    alert: true,
    ackAfterS: 2,
    seed: 3,
  });
  return syntheticEvents(call).filter((e) => e.kind !== 'call-start' && e.kind !== 'call-end');
}

describe('retention', () => {
  it('purges every table that holds rows of a call (read from the schema)', () => {
    expect(TABLES).toEqual(['calls', ...CHILD_TABLES].sort());
  });

  it('leaves nothing of an expired call in any table, and a reused id starts empty', async () => {
    const old = new Date(Date.now() - 120 * DAY);
    await storeCall('expired-1', old);
    const before = await rowsOf('expired-1');
    // Rows in every call table but surveys (no survey came back for this call).
    expect(Object.keys(before).sort()).toEqual(TABLES.filter((t) => t !== 'surveys'));

    const purged = await store.purgeExpired(policy);
    expect(purged.calls.acme).toBe(1);
    expect(await rowsOf('expired-1')).toEqual({});

    // The same client reuses the id for a new call: none of the old call shows through.
    await store.write(
      syntheticEvents(
        syntheticStoreCall({ callId: 'expired-1', startedAt: new Date(), durationS: 10, seed: 1 }),
      ).filter((e) => e.kind === 'call-start'),
    );
    const reused = await store.getCall(acme, 'expired-1');
    expect([reused.alerts, reused.reviews, reused.reviewScore]).toEqual([[], [], null]);
    const timeline = await store.getTimeline(acme, 'expired-1', null);
    expect(timeline.speakers.customer.windows.startMs).toEqual([]);
    expect(timeline.alerts).toEqual([]);
  });

  it('does not bring back a call past retention when the topics are replayed', async () => {
    // A replay (a consumer-group reset, a new store) sends the calls the purge deleted again; the
    // service's store drops them at the write instead of keeping them until the next purge.
    const retaining = createCallStore(store.backend, { retention: policy });
    const replayed = syntheticEvents(
      syntheticStoreCall({
        callId: 'replayed-1',
        startedAt: new Date(Date.now() - 120 * DAY),
        durationS: 20,
        seed: 4,
      }),
    );
    const written = await retaining.write(replayed);
    expect([written.inserted, written.erased]).toEqual([0, replayed.length]);
    expect(await rowsOf('replayed-1')).toEqual({});

    // Within its tenant's retention (the API's 200 days win over the 90 of the configuration): kept.
    await store.setRetention('acme', 200);
    try {
      expect((await retaining.write(replayed)).inserted).toBeGreaterThan(0);
      expect((await rowsOf('replayed-1')).calls).toBe(1);
    } finally {
      await store.clearRetention('acme');
    }
    // A call still stored (longer than a 1-day retention, the purge not run yet): its resumed
    // start and the rest of its records are written, not dropped with the start.
    const long = createCallStore(store.backend, { retention: { defaultDays: 90, tenantDays: { acme: 1 } } });
    const longCall = syntheticEvents(
      syntheticStoreCall({
        callId: 'long-1',
        startedAt: new Date(Date.now() - 24.5 * 3_600_000),
        durationS: 20,
        seed: 6,
      }),
    );
    const start = longCall.filter((e) => e.kind === 'call-start');
    await store.write(start);
    const rest = await long.write(longCall);
    expect(rest.erased).toBe(0);
    expect((await store.getCall(acme, 'long-1')).status).toBe('ended');
    // A reused id starts now: written.
    const fresh = syntheticEvents(
      syntheticStoreCall({ callId: 'replayed-2', startedAt: new Date(), durationS: 10, seed: 5 }),
    );
    expect((await retaining.write(fresh)).erased).toBe(0);
  });

  it('deletes child rows whose call never arrived once they are older than the grace', async () => {
    await store.write(childEvents('ghost-1', new Date(Date.now() - 2 * DAY)));
    // A row from before migration 004 whose call never came: tenant ''. Such rows are in the store
    // before its first orphan check since migration 015, which reads every table once (later
    // checks read only what was received since): the store as it is then.
    await store.backend.query(
      `INSERT INTO speaker_windows (tenant, call_id, channel, window_index, start_ms, end_ms, speech_fraction,
         voiced_fraction, features, received_at)
       VALUES ('', 'ghost-legacy', 'customer', 0, 0, 2000, 0.9, 0.7, '{}'::jsonb, now() - interval '400 days')`,
    );
    await store.backend.query('DELETE FROM orphan_checks');
    const ghost = await rowsOf('ghost-1');
    expect(Object.keys(ghost).sort()).toEqual(
      ['alert_acks', 'alerts', 'dynamics_windows', 'emotion_events', 'speaker_windows'].sort(),
    );

    // Within the grace the call start may still come: kept.
    const early = await store.purgeExpired(policy);
    expect(early.orphanRows.speaker_windows).toBe(1); // the legacy row only
    expect(await rowsOf('ghost-1')).toEqual(ghost);
    expect(await rowsOf('ghost-legacy')).toEqual({});

    // A day and more later it has not: every orphan row goes.
    const later = await store.purgeExpired(policy, new Date(Date.now() + DAY + 60_000));
    expect(Object.values(later.orphanRows).reduce((a, b) => a + b, 0)).toBe(
      Object.values(ghost).reduce((a, b) => a + b, 0),
    );
    expect(await rowsOf('ghost-1')).toEqual({});
  });

  it("forgets an erased call id and an erased customer's or agent's digest after ERASED_CALL_DAYS, not before", async () => {
    await store.backend.query(`INSERT INTO erased_calls (tenant, call_id) VALUES ('acme', 'erased-1')`);
    await store.backend.query(
      `INSERT INTO erased_customers (tenant, customer_digest) VALUES ('acme', 'digest-1')`,
    );
    await store.backend.query(`INSERT INTO erased_agents (tenant, agent_digest) VALUES ('acme', 'digest-2')`);
    const remembered = async () => [
      (await store.backend.query(`SELECT 1 FROM erased_calls WHERE call_id = 'erased-1'`)).length,
      (await store.backend.query(`SELECT 1 FROM erased_customers WHERE customer_digest = 'digest-1'`)).length,
      (await store.backend.query(`SELECT 1 FROM erased_agents WHERE agent_digest = 'digest-2'`)).length,
    ];
    await store.purgeExpired(policy, new Date(Date.now() + (ERASED_CALL_DAYS - 1) * DAY));
    expect(await remembered()).toEqual([1, 1, 1]);
    await store.purgeExpired(policy, new Date(Date.now() + (ERASED_CALL_DAYS + 1) * DAY));
    expect(await remembered()).toEqual([0, 0, 0]);
  });

  it('keeps the children of a call that is still in the store', async () => {
    await storeCall('recent-1', new Date(Date.now() - 10 * DAY));
    const before = await rowsOf('recent-1');
    await store.purgeExpired(policy, new Date(Date.now() + 2 * DAY));
    expect(await rowsOf('recent-1')).toEqual(before);
  });

  it('refuses a far-future start time, so no call escapes retention', async () => {
    const future = syntheticEvents(
      syntheticStoreCall({
        callId: 'future-1',
        startedAt: new Date(Date.now() + 400 * DAY),
        durationS: 10,
        seed: 2,
      }),
    ).filter((e) => e.kind === 'call-start');
    const written = await store.write(future);
    expect(written.inserted).toBe(0);
    expect(written.rejected.map((r) => [r.error.code, r.error.details])).toEqual([
      ['INVALID_RECORD', ['event.startedAt: is more than a day in the future']],
    ]);
    expect(await rowsOf('future-1')).toEqual({});
  });
});
