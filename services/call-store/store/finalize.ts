// Call-end summaries: loads a finished call's rows, runs the pure scorecard, stores the summary and
// the search columns, and honours consent (store_features=false: the detail rows are deleted once
// summarised, only the summary stays). Every row is read and written by (tenant, call id). I/O: database.
import { customerMood } from '../../../pipelines/history/index.ts';
import { HOLD_EVIDENCE } from '../../../pipelines/emotion/hold-event.ts';
import { computeScorecard, legMeasures } from '../../../pipelines/scorecard/index.ts';
import type { ScorecardInput } from '../../../pipelines/scorecard/index.ts';
import type { EmotionState } from '../../../pipelines/emotion/types.ts';
import type { Channel } from '../../../pipelines/dsp/types.ts';
import type { SqlBackend, SqlExecutor } from '../backend/backend.ts';
import { jsonParam, num } from './rows.ts';
import { readLegs, writeLegMeasures } from './legs.ts';
import { buildTimelineJson } from './timeline.ts';
import { deleteAfterAnalyticsWithdrawn } from './analytics-window.ts';
import { erasedSpans, TOMBSTONE_PREFIX } from './erased-agents.ts';
import { AGENT_SIDE_MEASURES } from './own-legs.ts';
import { updateAlertCounts } from './alert-counts.ts';
import { loadScoreAlerts, resummariseAlerts } from './alert-resummary.ts';
import { DEFAULT_PACE_LINE, type PaceLineOf } from '../../../pipelines/alerts/pace-line.ts';

const DETAIL_TABLES = ['speaker_windows', 'emotion_events', 'dynamics_windows'] as const;

async function deleteDetails(tx: SqlExecutor, tenant: string, callId: string): Promise<void> {
  for (const table of DETAIL_TABLES)
    await tx.query(`DELETE FROM ${table} WHERE tenant = $1 AND call_id = $2`, [tenant, callId]);
}

export async function loadScorecardInput(
  tx: SqlExecutor,
  tenant: string,
  callId: string,
  durationMs: number,
) {
  // Sequential: a pg transaction is one connection, which runs one query at a time anyway.
  // Alerts in the QA API's order (calls.ts listAlerts): a viewer's de-escalation entries match them.
  const windows = await tx.query<Record<string, unknown>>(
    `SELECT channel, start_ms, end_ms, speech_fraction, syllable_rate, tension
       FROM speaker_windows WHERE tenant = $1 AND call_id = $2`,
    [tenant, callId],
  );
  const emotions = await tx.query<Record<string, unknown>>(
    // A window on hold says so in its evidence (the store keeps no on_hold column): not the
    // customer's speech to the scorecard.
    `SELECT channel, start_ms, end_ms, state, valence, arousal, evidence @> $3::jsonb AS on_hold
       FROM emotion_events WHERE tenant = $1 AND call_id = $2`,
    [tenant, callId, JSON.stringify([HOLD_EVIDENCE])],
  );
  const dynamics = await tx.query<Record<string, unknown>>(
    `SELECT start_ms, end_ms, overtalk_count, longest_mutual_silence_ms, talk_ratio_agent, hold_ms,
         customer_line_fault_ms
       FROM dynamics_windows WHERE tenant = $1 AND call_id = $2`,
    [tenant, callId],
  );
  const input: ScorecardInput = {
    durationMs,
    windows: windows.map((r) => ({
      channel: r.channel as Channel,
      startMs: Number(r.start_ms),
      endMs: Number(r.end_ms),
      speechFraction: Number(r.speech_fraction),
      syllableRate: num(r.syllable_rate),
      tensionIndex: num(r.tension),
    })),
    emotions: emotions.map((r) => ({
      channel: r.channel as Channel,
      startMs: Number(r.start_ms),
      endMs: Number(r.end_ms),
      state: r.state as EmotionState,
      valence: Number(r.valence),
      arousal: Number(r.arousal),
      ...(r.on_hold === true ? { onHold: true } : {}),
    })),
    dynamics: dynamics.map((r) => ({
      startMs: Number(r.start_ms),
      endMs: Number(r.end_ms),
      overtalkCount: Number(r.overtalk_count),
      longestMutualSilenceMs: Number(r.longest_mutual_silence_ms),
      talkRatioAgent: num(r.talk_ratio_agent),
      holdMs: Number(r.hold_ms ?? 0),
      ...(Number(r.customer_line_fault_ms ?? 0) > 0
        ? { customerLineFaultMs: Number(r.customer_line_fault_ms) }
        : {}),
    })),
    alerts: await loadScoreAlerts(tx, tenant, callId),
  };
  return input;
}

/** Summarises one ended call. Returns false when the call is unknown or still live. */
export async function finalizeCall(
  backend: SqlBackend,
  tenant: string,
  callId: string,
  paceLineOf: PaceLineOf,
): Promise<boolean> {
  return backend.transaction(async (tx) => {
    // The row lock makes a concurrent writer's "needs_summary = true" wait for this commit.
    const calls = await tx.query<Record<string, unknown>>(
      `SELECT duration_ms, store_features, queue, summary IS NOT NULL AS summarised FROM calls
       WHERE tenant = $1 AND call_id = $2 AND status = 'ended' FOR UPDATE`,
      [tenant, callId],
    );
    if (calls.length === 0) return false;
    const call = calls[0];
    // Analysis of audio after analytics was withdrawn is neither summarised nor kept (the write
    // drops and deletes it already: this holds for rows written by a release from before 018).
    await deleteAfterAnalyticsWithdrawn(tx, tenant, callId);
    if (!call.store_features && call.summarised) {
      // Consent withheld and already summarised: late detail rows are dropped, the summary stays;
      // so is the timeline of a call whose consent was narrowed after its summary (writes.ts).
      await deleteDetails(tx, tenant, callId);
      await tx.query('DELETE FROM call_timelines WHERE tenant = $1 AND call_id = $2', [tenant, callId]);
      // A late alert or acknowledgement still moves the counts and the summary's alert figures
      // (the alert rows are kept): an earlier acknowledgement shortens ackDelaysS.
      await updateAlertCounts(tx, tenant, callId);
      await resummariseAlerts(tx, tenant, callId);
      await tx.query('UPDATE calls SET needs_summary = false WHERE tenant = $1 AND call_id = $2', [
        tenant,
        callId,
      ]);
      return true;
    }
    // The pace line the agent's page judged this call by: the agent-too-fast rule in force for
    // its tenant and queue now (each leg its own queue's, below).
    const input = {
      ...(await loadScorecardInput(tx, tenant, callId, Number(call.duration_ms ?? 0))),
      paceLine: paceLineOf(tenant, String(call.queue ?? '')),
    };
    const card = computeScorecard(input);
    const m = card.measures;
    const mood = customerMood(
      input.emotions.filter((e) => e.channel === 'customer'),
      input.alerts,
    );
    // A call of an erased agent (a tombstone's leg) is summarised as their erasure left it: no
    // scorecard, no agent-side figures, no measures of their legs (agent-erasure.ts).
    const erased = (await erasedSpans(tx, tenant, callId, null)).length > 0;
    const summary = erased
      ? { ...m, ...Object.fromEntries(AGENT_SIDE_MEASURES.map((key) => [key, null])) }
      : m;
    await tx.query(
      `UPDATE calls SET summary = $2::text::jsonb, scorecard = $3::text::jsonb, score = $4,
         customer_anger_s = $5, trajectory = $6, customer_mood = $8::text::jsonb,
         needs_summary = false, updated_at = now()
       WHERE tenant = $7 AND call_id = $1`,
      [
        callId,
        jsonParam(summary),
        erased
          ? null
          : jsonParam({
              version: card.version,
              score: card.score,
              unscored: card.unscored,
              parts: card.parts,
            }),
        erased ? null : card.score,
        m.customerAngerS,
        m.trajectory,
        tenant,
        jsonParam(mood),
      ],
    );
    await updateAlertCounts(tx, tenant, callId);
    // Each agent's figures over their own leg (the call's stay whole-call), while the details exist.
    const legs = await readLegs(tx, tenant, callId, input.durationMs);
    await writeLegMeasures(
      tx,
      tenant,
      callId,
      legs
        .filter((leg) => !leg.agentId.startsWith(TOMBSTONE_PREFIX))
        .map((leg) => ({
          startMs: leg.startMs,
          agentId: leg.agentId,
          team: leg.team,
          queue: leg.queue,
          // The span goes with the figures: the agent reports count the alerts inside it (agent-legs.ts).
          measures: {
            ...legMeasures({ ...input, paceLine: paceLineOf(tenant, leg.queue) }, leg),
            fromMs: leg.fromMs,
            toMs: leg.toMs ?? input.durationMs,
          },
        })),
    );
    if (!call.store_features) {
      await deleteDetails(tx, tenant, callId);
    } else {
      // The finished call's timeline, stored once for the review page (dropped on late events).
      const row = { duration_ms: call.duration_ms, store_features: call.store_features };
      await tx.query(
        `INSERT INTO call_timelines (tenant, call_id, body) VALUES ($1, $2, $3)
         ON CONFLICT (tenant, call_id) DO UPDATE SET body = excluded.body, built_at = now()`,
        [tenant, callId, await buildTimelineJson(tx, row, tenant, callId, null)],
      );
    }
    return true;
  });
}

/**
 * Summarises every ended call untouched for `settleMs` (late events get a chance to land first).
 * Calls never summarised go first: a backlog of calls queued again (README's upgrade note queues
 * every old call with an escalation) held back the first summary of every call that ended meanwhile.
 */
export async function finalizePending(
  backend: SqlBackend,
  settleMs: number,
  limit = 100,
  paceLineOf: PaceLineOf = () => DEFAULT_PACE_LINE,
): Promise<number> {
  const due = await backend.query<{ tenant: string; call_id: string }>(
    `SELECT tenant, call_id FROM calls WHERE needs_summary AND updated_at <= now() - ($1::int * interval '1 millisecond')
     ORDER BY summary IS NOT NULL, updated_at LIMIT $2`,
    [Math.max(0, Math.round(settleMs)), limit],
  );
  let done = 0;
  for (const row of due) if (await finalizeCall(backend, row.tenant, row.call_id, paceLineOf)) done++;
  return done;
}
