// The legs of a call (migration 019): one row per call start, where its leg starts in audio time
// and whom it names. Written with the starts (idempotent: a start seen twice is one leg, in any
// order); the calls row keeps the first leg's agent, team and queue. Read back as spans for the
// API, and summarised per leg at call end (finalize.ts). I/O: database.
import {
  legSpans,
  type LegMeasures,
  type LegSpan,
  type LegStart,
} from '../../../pipelines/scorecard/index.ts';
import { MAX_CHUNK_AUDIO_TIME_MS } from '../../shared/audio-chunk-limits.ts';
import type { SqlExecutor } from '../backend/backend.ts';
import type { CallStartEvent } from '../events.ts';
import { jsonParam } from './rows.ts';

/**
 * Where a start's leg starts: the record's own audio time, else (a record from before the gateway
 * set it) the wall-clock time from the call's start to the start's announcement. That bounds it
 * from above for a call streamed in real time (its audio cannot run ahead of the clock), and is
 * too late by as much as a sender streamed faster than real time. Imports have one leg, at 0.
 */
export function legStartOf(start: CallStartEvent): { startMs: number; known: boolean } {
  if (start.legStartMs != null) return { startMs: start.legStartMs, known: true };
  if (start.source === 'import' || start.announcedAt === undefined) return { startMs: 0, known: false };
  const elapsed = Date.parse(start.announcedAt) - Date.parse(start.startedAt);
  return { startMs: Math.min(MAX_CHUNK_AUDIO_TIME_MS, Math.max(0, Math.round(elapsed))), known: false };
}

const PAIRS = `SELECT tenant, "callId" FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text)`;

/**
 * Before the batch's starts are written: a call stored before migration 019 (a row, no legs) gets
 * its row's agent as its leg at 0, so a start that resumes it adds the second leg, not the first.
 */
export async function keepLegacyFirstLegs(tx: SqlExecutor, starts: readonly CallStartEvent[]): Promise<void> {
  if (starts.length === 0) return;
  await tx.query(
    `INSERT INTO call_legs (tenant, call_id, start_ms, agent_id, team, queue, start_known)
     SELECT c.tenant, c.call_id, 0, c.agent_id, c.team, c.queue, false FROM calls c
     WHERE (c.tenant, c.call_id) IN (${PAIRS})
       AND NOT EXISTS (SELECT 1 FROM call_legs l WHERE l.tenant = c.tenant AND l.call_id = c.call_id)
     ON CONFLICT DO NOTHING`,
    [jsonParam(starts.map((s) => ({ tenant: s.tenant, callId: s.callId })))],
  );
}

/** One leg per start (a replay is the same leg); then each call's row names its first leg. */
export async function writeLegs(tx: SqlExecutor, starts: readonly CallStartEvent[]): Promise<void> {
  if (starts.length === 0) return;
  const rows = starts.map((s) => {
    const { startMs, known } = legStartOf(s);
    return {
      tenant: s.tenant,
      callId: s.callId,
      startMs,
      agentId: s.agentId,
      team: s.team,
      queue: s.queue,
      known,
      announcedAt: s.announcedAt ?? null,
    };
  });
  await tx.query(
    `INSERT INTO call_legs (tenant, call_id, start_ms, agent_id, team, queue, start_known, announced_at)
     SELECT tenant, "callId", "startMs", "agentId", coalesce(team, ''), coalesce(queue, ''), known,
       "announcedAt"
     FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text, "startMs" int,
       "agentId" text, team text, queue text, known boolean, "announcedAt" timestamptz)
     ON CONFLICT DO NOTHING`,
    [jsonParam(rows)],
  );
  // A later leg's start may arrive first (the topic is not ordered across gateways): the row
  // always names the earliest leg (by audio time, then announcement: legSpans' order), whatever
  // came first, and a call of several legs lists every
  // leg's agents and teams for the scope's index searches (leg-scope.ts).
  await tx.query(
    `UPDATE calls c SET agent_id = f.agent_id, team = f.team, queue = f.queue,
       leg_agents = f.agents, leg_teams = f.teams, updated_at = now()
     FROM (SELECT l.tenant, l.call_id, (array_agg(l.agent_id ORDER BY l.start_ms, l.announced_at NULLS FIRST))[1] AS agent_id,
             (array_agg(l.team ORDER BY l.start_ms, l.announced_at NULLS FIRST))[1] AS team,
             (array_agg(l.queue ORDER BY l.start_ms, l.announced_at NULLS FIRST))[1] AS queue,
             CASE WHEN count(*) > 1 THEN array_agg(DISTINCT l.agent_id ORDER BY l.agent_id) END AS agents,
             CASE WHEN count(*) > 1 THEN array_agg(DISTINCT l.team ORDER BY l.team) END AS teams
           FROM call_legs l WHERE (l.tenant, l.call_id) IN (${PAIRS})
           GROUP BY l.tenant, l.call_id) f
     WHERE c.tenant = f.tenant AND c.call_id = f.call_id
       AND (c.agent_id, c.team, c.queue, c.leg_agents, c.leg_teams)
         IS DISTINCT FROM (f.agent_id, f.team, f.queue, f.agents, f.teams)`,
    [jsonParam(rows)],
  );
}

interface LegRow {
  start_ms: number;
  agent_id: string;
  team: string;
  queue: string;
  announced_at: unknown;
  measures: LegMeasures | null;
}

/** A leg row's key (migration 019): its start's audio time and whom it names. */
const legKey = (leg: LegStart) => JSON.stringify([leg.startMs, leg.agentId, leg.team, leg.queue]);

/** A call's legs as spans (consecutive starts of one agent are one leg), with their figures. */
export async function readLegs(
  db: SqlExecutor,
  tenant: string,
  callId: string,
  durationMs: number | null,
): Promise<(LegSpan & { measures: LegMeasures | null })[]> {
  const rows = await db.query<LegRow>(
    `SELECT start_ms, agent_id, team, queue, announced_at, measures FROM call_legs
     WHERE tenant = $1 AND call_id = $2 ORDER BY start_ms`,
    [tenant, callId],
  );
  const starts = rows.map((r) => ({
    startMs: Number(r.start_ms),
    agentId: r.agent_id,
    team: r.team,
    queue: r.queue,
    announcedAtMs: r.announced_at == null ? null : new Date(r.announced_at as string).getTime(),
  }));
  const measuresOf = new Map(starts.map((start, i) => [legKey(start), rows[i].measures ?? null]));
  return legSpans(starts, durationMs).map(({ announcedAtMs: _a, ...leg }) => ({
    ...leg,
    measures: measuresOf.get(legKey(leg)) ?? null,
  }));
}

/** Stores each leg's figures on the row that starts it (the rows it merged keep none). */
export async function writeLegMeasures(
  tx: SqlExecutor,
  tenant: string,
  callId: string,
  legs: readonly (LegStart & { measures: LegMeasures & { fromMs: number; toMs: number } })[],
): Promise<void> {
  await tx.query(
    `UPDATE call_legs l SET measures = m.measures
     FROM (SELECT r.start_ms, r.agent_id, r.team, r.queue, x.measures FROM call_legs r
           LEFT JOIN jsonb_to_recordset($3::text::jsonb)
               AS x("startMs" int, "agentId" text, team text, queue text, measures jsonb)
             ON (x."startMs", x."agentId", x.team, x.queue) = (r.start_ms, r.agent_id, r.team, r.queue)
           WHERE r.tenant = $1 AND r.call_id = $2) m
     WHERE l.tenant = $1 AND l.call_id = $2
       AND (l.start_ms, l.agent_id, l.team, l.queue) = (m.start_ms, m.agent_id, m.team, m.queue)`,
    [tenant, callId, jsonParam(legs)],
  );
}
