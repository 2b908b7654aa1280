// Idempotent batch writes of validated store events: one INSERT … ON CONFLICT DO NOTHING per table
// per batch (primary keys = tenant + event-id components), inside one transaction. I/O: database.
import { callKey } from '../../shared/call-key.ts';
import type { SqlExecutor } from '../backend/backend.ts';
import type { StoreEvent } from '../events.ts';
import { eventIdOf } from '../events.ts';
import { lockAgents, lockCalls, lockCustomers } from './call-locks.ts';
import {
  deleteErasedAgentsVoice,
  withErasedAgentsReplaced,
  withoutErasedAgentsVoice,
} from './erased-agents.ts';
import { forgetCalls, startsOfErasedCustomers, type CallStartOfCustomer } from './erased-customers.ts';
import { jsonParam } from './rows.ts';
import { relinkCustomers, withCurrentPseudonyms } from './customer-relink.ts';
import { keepLegacyFirstLegs, writeLegs } from './legs.ts';
import { announceWithin, type AnnounceErasure } from './erasure.ts';
import { updateAlertCounts } from './alert-counts.ts';
import { BEFORE_ANALYTICS_WITHDRAWN, deleteAfterAnalyticsWithdrawn } from './analytics-window.ts';
import { expiredStarts, type RetentionPolicy } from './retention.ts';
import { markReused, withoutLaterCallStarts, withoutReusedCallsData } from './later-calls.ts';

export interface WriteResult {
  /** Rows that were new. */
  inserted: number;
  /** Events already stored (replays) or of calls already ended. */
  duplicates: number;
  /**
   * Events of calls a customer erasure deleted, dropped (a live call's or a replay's records), and
   * of calls a replay brings back past their tenant's retention: not duplicates (they read as a
   * replay storm after every erasure).
   */
  erased: number;
  /**
   * Records of a later call under an id whose call ended (a recycled id), dropped: the stored call
   * keeps its own (later-calls.ts, CALL_ID_REUSED).
   */
  reused: number;
}

type Of<K extends StoreEvent['kind']> = Extract<StoreEvent, { kind: K }>;

async function insertCount(tx: SqlExecutor, sql: string, rows: unknown[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await tx.query<{ n: number }>(
    `WITH ins AS (${sql} ON CONFLICT DO NOTHING RETURNING 1) SELECT count(*)::int AS n FROM ins`,
    [jsonParam(rows)],
  );
  return result[0].n;
}

/** Rows an UPDATE over `rows` (as $1) changed. */
async function updateCount(tx: SqlExecutor, sql: string, rows: unknown[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await tx.query<{ n: number }>(
    `WITH up AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM up`,
    [jsonParam(rows)],
  );
  return result[0].n;
}

/** One acknowledgement per alert of a batch, the earliest (an upsert may touch a row once). */
function earliestAcks(acks: Of<'ack'>[]): Of<'ack'>[] {
  const first = new Map<string, Of<'ack'>>();
  for (const ack of acks) {
    const key = `${ack.tenant}\u0000${ack.alertId}`;
    const seen = first.get(key);
    if (!seen || Date.parse(ack.ackedAt) < Date.parse(seen.ackedAt)) first.set(key, ack);
  }
  return [...first.values()];
}

const SQL = {
  start: `INSERT INTO calls (call_id, tenant, agent_id, queue, team, customer_ref, started_at, store_features,
      source, in_history, analytics_until_ms, previous_call_id)
    SELECT "callId", tenant, "agentId", queue, coalesce(team, ''), "customerRef", "startedAt", "storeFeatures",
      source, "inHistory", "analyticsUntilMs", nullif("previousCallId", "callId")
    FROM jsonb_to_recordset($1::text::jsonb) AS x("callId" text, tenant text, "agentId" text, queue text,
      team text, "customerRef" text, "startedAt" timestamptz, "storeFeatures" boolean, source text,
      "inHistory" boolean, "analyticsUntilMs" int, "previousCallId" text)`,
  /**
   * The measures the readers use (timeline, CSV, scorecard, import) in columns of their own; the
   * whole feature object is no longer kept (features is NULL, migration 015): it was 628 of a
   * 728-byte row and nothing read it.
   */
  windows: `INSERT INTO speaker_windows (tenant, call_id, channel, window_index, start_ms, end_ms, speech_fraction,
      voiced_fraction, pitch_hz, pitch_st, loudness_dbfs, syllable_rate, tension)
    SELECT tenant, "callId", channel, "windowIndex", "startMs", "endMs", "speechFraction", "voicedFraction",
      (features->'pitch'->>'medianHz')::real, (features->'pitch'->>'medianSt')::real,
      (features->'loudness'->>'meanDbfs')::real, (features->'pace'->>'syllableRate')::real,
      "tensionIndex"
    FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text, channel text, "windowIndex" int,
      "startMs" int, "endMs" int, "speechFraction" real, "voicedFraction" real, "tensionIndex" real,
      features jsonb)
    ${BEFORE_ANALYTICS_WITHDRAWN}`,
  emotions: `INSERT INTO emotion_events (tenant, call_id, channel, window_index, start_ms, end_ms, state, raw_label,
      arousal, valence, confidence, probabilities, evidence)
    SELECT tenant, "callId", channel, "windowIndex", "startMs", "endMs", state, "rawLabel", arousal, valence,
      confidence, probabilities, evidence
    FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text, channel text, "windowIndex" int,
      "startMs" int, "endMs" int, state text, "rawLabel" text, arousal real, valence real, confidence real,
      probabilities jsonb, evidence jsonb)
    ${BEFORE_ANALYTICS_WITHDRAWN}`,
  dynamics: `INSERT INTO dynamics_windows (tenant, call_id, window_index, start_ms, end_ms, overtalk_count, overtalk_ms,
      mutual_silence_ms, longest_mutual_silence_ms, talk_ratio_agent, agent_latencies_ms, customer_latencies_ms,
      hold_ms, customer_line_fault_ms)
    SELECT tenant, "callId", "windowIndex", "startMs", "endMs", "overtalkCount", round("overtalkMs"),
      round("mutualSilenceMs"), round("longestMutualSilenceMs"), "talkRatioAgent",
      "agentResponseLatencyMs", "customerResponseLatencyMs", round("holdMs"),
      NULLIF(round("customerLineFaultMs"), 0)
    FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text, "windowIndex" int,
      "startMs" int, "endMs" int, "overtalkCount" int, "overtalkMs" float8, "mutualSilenceMs" float8,
      "longestMutualSilenceMs" float8, "talkRatioAgent" real, "agentResponseLatencyMs" jsonb,
      "customerResponseLatencyMs" jsonb, "holdMs" float8, "customerLineFaultMs" float8)
    ${BEFORE_ANALYTICS_WITHDRAWN}`,
  /**
   * An escalation's link (escalation_of) and whether it is a recovery (ends_earlier_alerts, NULL
   * when the record does not say) come with its row: a replay changes nothing.
   */
  alerts: `INSERT INTO alerts (alert_id, call_id, tenant, rule_id, severity, audience, channel, start_ms, fired_at,
      message, evidence, escalation_of, ends_earlier_alerts)
    SELECT "alertId", "callId", tenant, "ruleId", severity, audience, channel, "startMs", "firedAt", message,
      evidence, "escalationOf", "endsEarlierAlerts"
    FROM jsonb_to_recordset($1::text::jsonb) AS x("alertId" text, "callId" text, tenant text, "ruleId" text,
      severity text, audience text, channel text, "startMs" int, "firedAt" timestamptz, message text,
      evidence jsonb, "escalationOf" text, "endsEarlierAlerts" boolean)
    ${BEFORE_ANALYTICS_WITHDRAWN}`,
  acks: `INSERT INTO alert_acks (tenant, alert_id, call_id, acked_by, acked_at)
    SELECT tenant, "alertId", "callId", "ackedBy", "ackedAt"
    FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "alertId" text, "callId" text,
      "ackedBy" text, "ackedAt" timestamptz)
    ON CONFLICT (tenant, alert_id) DO UPDATE SET acked_by = EXCLUDED.acked_by, acked_at = EXCLUDED.acked_at
    WHERE EXCLUDED.acked_at < alert_acks.acked_at`,
  /** The first end of an alert is kept (a replayed or repeated resolution changes nothing). */
  alertEnds: `UPDATE alerts SET ended_at = x."endedAt", end_reason = x.reason
    FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "alertId" text, "endedAt" timestamptz,
      reason text)
    WHERE alerts.tenant = x.tenant AND alerts.alert_id = x."alertId" AND alerts.ended_at IS NULL`,
  /** The (tenant, call id) pairs of a batch, as rows to join with. */
  pairs: `SELECT tenant, "callId" FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text)`,
};

/**
 * Call starts. A call resumed after a gateway hand-over starts again with the same event id,
 * and its caller may have narrowed the consent meanwhile: the narrowest consent seen wins (never
 * the first, never a wider one), inside a batch and across batches. A call narrowed to "no
 * features" after its end is summarised again, which deletes its details (finalize.ts).
 */
async function writeStarts(tx: SqlExecutor, starts: Of<'call-start'>[]): Promise<number> {
  const rows = new Map<
    string,
    Of<'call-start'> & { storeFeatures: boolean; inHistory: boolean; analyticsUntilMs?: number }
  >();
  for (const e of starts) {
    const storeFeatures = e.consent.storeFeatures;
    // Opted out, or no analytics consent (then there is no mood to show either): not in the history.
    const inHistory = e.consent.historyOptOut !== true && e.consent.analytics;
    const seen = rows.get(eventIdOf(e));
    rows.set(eventIdOf(e), {
      ...(seen ?? e),
      storeFeatures: storeFeatures && (seen?.storeFeatures ?? true),
      inHistory: inHistory && (seen?.inHistory ?? true),
      analyticsUntilMs: earliest(e.analyticsUntilMs, seen?.analyticsUntilMs),
      // The first link seen stays (a resumed stream's start repeats it; a call continues one call).
      previousCallId: seen?.previousCallId ?? e.previousCallId,
    });
  }
  if (rows.size === 0) return 0;
  const result = await tx.query<{ n: number }>(
    `WITH up AS (${SQL.start}
       ON CONFLICT (tenant, call_id) DO UPDATE SET
         store_features = calls.store_features AND excluded.store_features,
         in_history = calls.in_history AND excluded.in_history,
         analytics_until_ms = least(calls.analytics_until_ms, excluded.analytics_until_ms),
         previous_call_id = coalesce(calls.previous_call_id, excluded.previous_call_id),
         needs_summary = calls.needs_summary OR calls.status = 'ended', updated_at = now()
       WHERE (calls.store_features AND NOT excluded.store_features)
         OR (calls.in_history AND NOT excluded.in_history)
         OR excluded.analytics_until_ms < coalesce(calls.analytics_until_ms, 2147483647)
         OR (calls.previous_call_id IS NULL AND excluded.previous_call_id IS NOT NULL)
       RETURNING xmax = 0 AS inserted)
     SELECT count(*) FILTER (WHERE inserted)::int AS n FROM up`,
    [jsonParam([...rows.values()])],
  );
  return result[0].n;
}

/** The earlier of two withdrawal times (the narrowest consent wins); undefined: none. */
function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

/** Drops repeats inside one batch (the database drops repeats across batches). */
function unique<T extends StoreEvent>(events: T[]): T[] {
  const seen = new Map<string, T>();
  for (const event of events) if (!seen.has(eventIdOf(event))) seen.set(eventIdOf(event), event);
  return [...seen.values()];
}

/**
 * The events of calls a customer erasure deleted dropped (what a live call or a replay still
 * sends), and of calls whose start reaches the store only after their customer's erasure.
 */
async function withoutErased(
  tx: SqlExecutor,
  events: readonly StoreEvent[],
  announce: AnnounceErasure | undefined,
  reusedIds: readonly { tenant: string; callId: string }[] = [],
): Promise<readonly StoreEvent[]> {
  const calls = new Map<string, { tenant: string; callId: string }>();
  for (const e of events) calls.set(callKey(e.tenant, e.callId), { tenant: e.tenant, callId: e.callId });
  if (calls.size === 0 && reusedIds.length === 0) return events;
  const starts: CallStartOfCustomer[] = [];
  for (const e of events) {
    if (e.kind === 'call-start' && e.customerRef !== null)
      starts.push({
        tenant: e.tenant,
        callId: e.callId,
        customerRef: e.customerRef,
        announcedAt: e.announcedAt ?? e.startedAt,
      });
  }
  // Excludes a concurrent erasure of these calls and customers (call-locks.ts): under READ
  // COMMITTED a batch that checked before the erasure committed stored its rows after the
  // erasure's deletes (review). Customers first; a call whose customer was erased after its start
  // is locked exclusive, so a batch writing its other records meanwhile either commits before
  // (and is deleted here) or waits and sees it in erased_calls (review).
  await lockCustomers(tx, starts, 'shared');
  const late = await startsOfErasedCustomers(tx, starts);
  // Then the agents of every start (an agent's erasure: agent-erasure.ts), then the calls.
  await lockAgents(
    tx,
    events.flatMap((e) =>
      e.kind === 'call-start'
        ? [{ tenant: e.tenant, agentId: e.agentId }]
        : e.kind === 'ack'
          ? [{ tenant: e.tenant, agentId: e.ackedBy }]
          : [],
    ),
    'shared',
  );
  const lateCalls = [...late].map((key) => calls.get(key)!);
  // Ids a later call's start took (later-calls.ts: markReused) exclusive in this one ascending
  // pass: a second pass for them deadlocked with an erasure holding one and waiting for another.
  await lockCalls(tx, [...calls.values(), ...reusedIds], 'shared', [...lateCalls, ...reusedIds]);
  if (lateCalls.length > 0) {
    // The alert service saw the calls forgotten now (it reads va.calls.v1 itself): its wallboards
    // forget them too. Before the commit: a failure fails the batch, which is retried; a replay of
    // a start forgotten before announces nothing again (and needs no Kafka).
    const forgotten = await forgetCalls(tx, lateCalls);
    for (const tenant of new Set(forgotten.map((c) => c.tenant)))
      await announceWithin(announce, {
        erasureId: '',
        tenant,
        callIds: forgotten.filter((c) => c.tenant === tenant).map((c) => c.callId),
      });
  }
  const erased = await tx.query<{ tenant: string; call_id: string }>(
    `SELECT tenant, call_id FROM erased_calls WHERE (tenant, call_id) IN (${SQL.pairs})`,
    [jsonParam([...calls.values()])],
  );
  if (erased.length === 0) return events;
  const gone = new Set(erased.map((r) => callKey(r.tenant, r.call_id)));
  return events.filter((e) => !gone.has(callKey(e.tenant, e.callId)));
}

/**
 * The events of calls whose start in this batch is past their tenant's retention, dropped: a replay
 * brought back what the purge deleted (the rest of such a call's records, in other batches, have
 * no call and leave with the purge's orphans).
 */
async function withoutExpired(
  tx: SqlExecutor,
  events: readonly StoreEvent[],
  retention: Pick<RetentionPolicy, 'defaultDays' | 'tenantDays'> | undefined,
): Promise<readonly StoreEvent[]> {
  if (retention === undefined) return events;
  const expired = await expiredStarts(
    tx,
    retention,
    events.filter((e) => e.kind === 'call-start'),
  );
  return expired.size === 0 ? events : events.filter((e) => !expired.has(callKey(e.tenant, e.callId)));
}

export async function writeEvents(
  tx: SqlExecutor,
  batch: readonly StoreEvent[],
  announce?: AnnounceErasure,
  retention?: Pick<RetentionPolicy, 'defaultDays' | 'tenantDays'>,
): Promise<WriteResult> {
  // A later call under an ended call's id first: nothing of its start (customer, agent, consent,
  // erasures of its customer) may reach the first call.
  const later = await withoutLaterCallStarts(tx, batch);
  // Customers first: a start of a key rotation carries an erasure of its previous pseudonym over
  // to the current one, which the erasure check then sees; the starts kept are then relinked
  // (customer-relink.ts).
  const current = await withCurrentPseudonyms(tx, later.events);
  // Under the calls' locks (withoutErased): the data of ids a later call took.
  const ownData = await withoutReusedCallsData(
    tx,
    await withoutErased(tx, current.events, announce, later.reused),
    later.after,
  );
  const reused = later.dropped + ownData.dropped;
  // A start naming an erased agent, announced before the erasure, takes its call's tombstone.
  let events = await withErasedAgentsReplaced(tx, await withoutExpired(tx, ownData.events, retention));
  await relinkCustomers(tx, current.moves, events);
  const by = <K extends StoreEvent['kind']>(kind: K) =>
    unique(events.filter((e) => e.kind === kind) as Of<K>[]);
  let inserted = 0;
  const starts = events.filter((e) => e.kind === 'call-start') as Of<'call-start'>[];
  // A consent change narrows the call's consent (writeStarts) but starts no leg.
  const legStarts = starts.filter((s) => s.consentChange !== true);
  await keepLegacyFirstLegs(tx, legStarts);
  inserted += await writeStarts(tx, starts);
  await writeLegs(tx, legStarts);
  // What a call live at an agent's erasure still sends of their voice is not stored (the legs
  // written above say whose it is).
  events = await withoutErasedAgentsVoice(tx, events);
  await deleteErasedAgentsVoice(tx, legStarts);
  // Analysis of audio after a withdrawal that reached the store first (the topics are not ordered)
  // goes now; what arrives after it is not inserted (BEFORE_ANALYTICS_WITHDRAWN). The alert counts
  // move below with the starts'.
  for (const e of unique(starts.filter((s) => s.analyticsUntilMs !== undefined)))
    await deleteAfterAnalyticsWithdrawn(tx, e.tenant, e.callId);
  inserted += await insertCount(
    tx,
    SQL.windows,
    by('features').map((e) => ({
      tenant: e.tenant,
      callId: e.callId,
      channel: e.channel,
      windowIndex: e.windowIndex,
      startMs: e.startMs,
      endMs: e.endMs,
      speechFraction: e.speechFraction,
      voicedFraction: e.voicedFraction,
      tensionIndex: e.tensionIndex,
      // Only what the columns above take (voice quality has no column: nothing reads it).
      features: { pace: e.pace, pitch: e.pitch, loudness: e.loudness },
    })),
  );
  inserted += await insertCount(tx, SQL.emotions, by('emotion'));
  inserted += await insertCount(tx, SQL.dynamics, by('dynamics'));
  inserted += await insertCount(tx, SQL.alerts, by('alert'));
  // The earliest acknowledgement of an alert is kept, whichever reached the store first: two
  // supervisors on two alert-service instances may both acknowledge, and the later one's record
  // can be on the topic first. A replay (the same time) changes nothing. Not by('ack'): its
  // dedupe by event id (one per alert) kept the first of the batch, the earlier one dropped.
  inserted += await updateCount(
    tx,
    SQL.acks,
    earliestAcks(events.filter((e): e is Of<'ack'> => e.kind === 'ack')),
  );
  // After the inserts: a batch may hold an alert and its end (one key, one partition, in order).
  inserted += await updateCount(tx, SQL.alertEnds, by('alert-end'));
  // A live call's list counts move with its alerts (they were filled at the summary only: a live
  // call with an open alert listed 0 and `alerts=unacknowledged` could not find it); a start
  // counts the alerts that reached the store before it (the topics are not ordered). In key
  // order, so concurrent batches lock the rows in one order.
  const counted = new Map<string, { tenant: string; callId: string }>();
  for (const e of [...by('alert'), ...by('ack'), ...by('call-start')])
    counted.set(callKey(e.tenant, e.callId), { tenant: e.tenant, callId: e.callId });
  for (const key of [...counted.keys()].sort()) {
    const { tenant, callId } = counted.get(key)!;
    await updateAlertCounts(tx, tenant, callId);
  }

  const ends = by('call-end');
  for (const end of ends) {
    const rows = await tx.query(
      `UPDATE calls SET status = 'ended', ended_at = $2,
         duration_ms = greatest(0, coalesce($3, (extract(epoch FROM ($2::timestamptz - started_at)) * 1000)::int)),
         end_reason = nullif($5, ''), needs_summary = true, updated_at = now()
       WHERE tenant = $4 AND call_id = $1
         AND (status = 'live' OR (end_reason = 'abandoned' AND nullif($5, '') IS DISTINCT FROM 'abandoned'))
       RETURNING 1`,
      [end.callId, end.endedAt, end.durationMs, end.tenant, end.endReason],
    );
    inserted += rows.length;
  }
  await markReused(tx, later.reused);
  // Late events of an ended call: summarise it again.
  const touched = new Map<string, { tenant: string; callId: string }>();
  for (const e of events) {
    if (e.kind !== 'call-start' && e.kind !== 'call-end')
      touched.set(callKey(e.tenant, e.callId), { tenant: e.tenant, callId: e.callId });
  }
  if (touched.size > 0) {
    const pairs = jsonParam([...touched.values()]);
    await tx.query(`DELETE FROM call_timelines WHERE (tenant, call_id) IN (${SQL.pairs})`, [pairs]);
    await tx.query(
      `UPDATE calls SET needs_summary = true, updated_at = now()
       WHERE (tenant, call_id) IN (${SQL.pairs}) AND status = 'ended' AND NOT needs_summary`,
      [pairs],
    );
  }
  return {
    inserted,
    duplicates: events.length - inserted,
    erased: batch.length - reused - events.length,
    reused,
  };
}
