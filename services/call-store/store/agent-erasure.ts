// Erasure of an agent of one tenant (DELETE /agents/{id}; agents are data subjects too, GDPR Art.
// 17): their voice analysis goes (the agent channel's windows, emotions and alerts inside their
// legs, the agent side of the dynamics windows there, the calls' summary figures and scorecards
// of the agent side), reviews of calls that were theirs alone go, and their id is replaced on every
// call and leg by the call's tombstone (erased-agents.ts) — the calls, their customer channel and
// the customer's figures stay: they are the company's and the customer's records. A slice of calls
// per transaction (eraseAgent), audited in customer_erasures (scope 'agent', row counts, the id's digest, never the id); the
// agent is remembered (erased_agents) so a live call's later start does not bring the id back.
// I/O: database.
import { randomUUID } from 'node:crypto';
import type { SqlBackend, SqlExecutor } from '../backend/backend.ts';
import { StoreError } from '../errors.ts';
import { callMetadataProblem, canonicalName } from '../../shared/call-metadata.ts';
import { lockAgents, lockCalls } from './call-locks.ts';
import {
  agentDigest,
  erasedSpans,
  newTombstone,
  rememberErasedAgent,
  tombstonesOf,
  TOMBSTONE_PREFIX,
} from './erased-agents.ts';
import { updateAlertCounts } from './alert-counts.ts';
import { AGENT_SIDE_MEASURES } from './own-legs.ts';
import { jsonParam } from './rows.ts';
import { callKey } from '../../shared/call-key.ts';

export interface AgentErasureResult {
  erasureId: string;
  tenant: string;
  /** Calls the agent's id was on (their id replaced there). */
  calls: number;
  /** Rows per table: `table` deleted, `table:column` changed in place (see README). */
  rows: Record<string, number>;
}

/** The id as calls carry it (canonicalName), or INVALID_QUERY: empty, too long, controls, a tombstone. */
export function parseAgentId(raw: string): string {
  const agentId = canonicalName(raw);
  const problem =
    callMetadataProblem('agentId', agentId) ??
    (agentId.startsWith(TOMBSTONE_PREFIX) ? 'agentId is an erased agent already' : null);
  if (problem) throw new StoreError('INVALID_QUERY', 'invalid agent id', [`agentId: ${problem}`]);
  return agentId;
}

/** The tenant's calls the agent had a leg of (or, from before legs, the row's agent). */
const AGENT_CALLS = `SELECT call_id FROM calls WHERE tenant = $1 AND agent_id = $2
  UNION SELECT call_id FROM call_legs WHERE tenant = $1 AND agent_id = $2`;

export async function eraseAgent(
  db: SqlBackend,
  tenant: string,
  rawAgentId: string,
  requestedBy: string,
): Promise<AgentErasureResult> {
  const agentId = parseAgentId(rawAgentId);
  const digest = agentDigest(agentId);
  // First, alone, the agent's lock: a batch with a start of theirs in flight commits before this
  // reads the calls (which are then erased below), a later one sees erased_agents and renames the
  // start itself (call-locks.ts, erased-agents.ts).
  const found = await db.transaction(async (tx) => {
    await lockAgents(tx, [{ tenant, agentId }], 'exclusive');
    await rememberErasedAgent(tx, tenant, digest);
    return (await tx.query<{ call_id: string }>(AGENT_CALLS, [tenant, agentId])).map((r) => r.call_id);
  });
  // Then their calls a slice per transaction: one transaction over every call held every call
  // lock bucket (an agent of ~1 500 calls covers all 256) and stopped every tenant's ingest for
  // the whole erasure (review: 50 000 calls, 95 s on PostgreSQL). Run again after a failure: it
  // goes on with the calls still naming the agent.
  const rows: Record<string, number> = {};
  const add = (key: string, n: number) => (rows[key] = (rows[key] ?? 0) + n);
  found.sort();
  for (let i = 0; i < found.length; i += AGENT_ERASURE_SLICE) {
    const slice = found.slice(i, i + AGENT_ERASURE_SLICE);
    const counts = await db.transaction(async (tx) => {
      const calls = slice.map((callId) => ({ tenant, callId }));
      await lockCalls(tx, calls, 'exclusive');
      // The calls' rows before their children, in key order: as finalize.ts and the erasures take them.
      await tx.query(
        `SELECT 1 FROM calls WHERE tenant = $1 AND call_id = ANY($2::text[]) ORDER BY call_id FOR UPDATE`,
        [tenant, slice],
      );
      return eraseFromCalls(tx, tenant, agentId, calls);
    });
    for (const [key, n] of Object.entries(counts)) add(key, n);
  }
  return db.transaction(async (tx) => {
    // Their id as the one who acknowledged an alert or wrote a review (any call of the tenant).
    for (const [table, column] of [
      ['alert_acks', 'acked_by'],
      ['reviews', 'reviewer'],
      ['alert_verdicts', 'reviewer'],
    ])
      add(
        `${table}:${column}`,
        await changed(
          tx,
          `UPDATE ${table} SET ${column} = '${TOMBSTONE_PREFIX}' || gen_random_uuid()::text
           WHERE tenant = $1 AND ${column} = $2`,
          [tenant, agentId],
        ),
      );
    const result = { erasureId: randomUUID(), tenant, calls: found.length, rows: withZeros(rows) };
    await tx.query(
      `INSERT INTO customer_erasures (erasure_id, tenant, requested_by, calls, rows_deleted, scope, subject_digest)
       VALUES ($1, $2, $3, $4, $5::text::jsonb, 'agent', $6)`,
      [result.erasureId, tenant, requestedBy, result.calls, jsonParam(result.rows), digest],
    );
    return result;
  });
}

/** Calls an agent's erasure handles per transaction (the lock buckets ingest waits on meanwhile). */
export const AGENT_ERASURE_SLICE = 200;

/** Every key an agent erasure reports, so a second one reads as zeros everywhere. */
const ROW_KEYS = [
  'speaker_windows',
  'emotion_events',
  'alerts',
  'alert_acks',
  'reviews',
  'alert_verdicts',
  'call_timelines',
  'dynamics_windows:agent_side',
  'calls:agent_id',
  'call_legs:agent_id',
  'alert_acks:acked_by',
  'reviews:reviewer',
  'alert_verdicts:reason',
  'alert_verdicts:reviewer',
] as const;

function withZeros(rows: Record<string, number>): Record<string, number> {
  return Object.fromEntries(ROW_KEYS.map((key) => [key, rows[key] ?? 0]));
}

async function changed(tx: SqlExecutor, sql: string, params: unknown[]): Promise<number> {
  const [{ n }] = await tx.query<{ n: number }>(
    `WITH c AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM c`,
    params,
  );
  return n;
}

/** The summary's agent-side figures, null (merged over the stored summary). */
const AGENT_SIDE_NULLS = jsonParam(Object.fromEntries(AGENT_SIDE_MEASURES.map((key) => [key, null])));

/**
 * Where in each call the agent spoke: the whole call where every leg is theirs (or erased before,
 * or the call is from before legs), else their legs' spans (a transfer: read per call).
 */
async function spansOf(
  tx: SqlExecutor,
  tenant: string,
  agentId: string,
  callIds: readonly string[],
): Promise<{ callId: string; fromMs: number; toMs: number | null }[]> {
  const shared = await tx.query<{ call_id: string }>(
    `SELECT DISTINCT call_id FROM call_legs WHERE tenant = $1 AND call_id = ANY($2::text[])
       AND agent_id <> $3 AND agent_id NOT LIKE '${TOMBSTONE_PREFIX}%'`,
    [tenant, callIds, agentId],
  );
  const partial = new Set(shared.map((r) => r.call_id));
  const spans: { callId: string; fromMs: number; toMs: number | null }[] = callIds
    .filter((id) => !partial.has(id))
    .map((callId) => ({ callId, fromMs: 0, toMs: null }));
  for (const callId of partial)
    for (const span of await erasedSpans(tx, tenant, callId, agentId)) spans.push({ callId, ...span });
  return spans;
}

/**
 * The agent's calls at once (a statement per table, not per call: at 270 calls the per-call loop
 * held the calls' locks 9 s on PGlite): their voice inside their legs, their id, then the
 * figures made of them. $1 tenant, $2 the call ids, $3 the spans of transferred calls (JSON), $4
 * the calls wholly theirs.
 */
async function eraseFromCalls(
  tx: SqlExecutor,
  tenant: string,
  agentId: string,
  calls: readonly { tenant: string; callId: string }[],
): Promise<Record<string, number>> {
  const callIds = calls.map((c) => c.callId);
  const spans = await spansOf(tx, tenant, agentId, callIds);
  // Calls wholly theirs by id ($4); only the few transferred ones by span ($3): a span test on
  // every row made it quadratic (PGlite, 900 calls: 28 s).
  const whole = spans.filter((s) => s.fromMs === 0 && s.toMs === null).map((s) => s.callId);
  const inside = `(call_id = ANY($4::text[]) OR EXISTS (
    SELECT 1 FROM jsonb_to_recordset($3::text::jsonb) AS s("callId" text, "fromMs" int, "toMs" int)
    WHERE s."callId" = call_id AND start_ms >= s."fromMs" AND (s."toMs" IS NULL OR start_ms < s."toMs")))`;
  const wholeSet = new Set(whole);
  const p = [tenant, callIds, jsonParam(spans.filter((s) => !wholeSet.has(s.callId))), whole];
  const agentRows = `tenant = $1 AND call_id = ANY($2::text[]) AND channel = 'agent' AND ${inside}`;
  const n: Record<string, number> = {};
  n.speaker_windows = await changed(tx, `DELETE FROM speaker_windows WHERE ${agentRows}`, p);
  n.emotion_events = await changed(tx, `DELETE FROM emotion_events WHERE ${agentRows}`, p);
  n.alert_acks = await changed(
    tx,
    `DELETE FROM alert_acks WHERE tenant = $1 AND alert_id IN (SELECT alert_id FROM alerts WHERE ${agentRows})`,
    p,
  );
  // Their alerts' verdicts go with them (the foreign key would take them unseen: counted here).
  n.alert_verdicts = await changed(
    tx,
    `DELETE FROM alert_verdicts WHERE tenant = $1 AND alert_id IN (SELECT alert_id FROM alerts WHERE ${agentRows})`,
    p,
  );
  const alerted = await tx.query<{ call_id: string }>(
    `DELETE FROM alerts WHERE ${agentRows} RETURNING call_id`,
    p,
  );
  n.alerts = alerted.length;
  n['dynamics_windows:agent_side'] = await changed(
    tx,
    `UPDATE dynamics_windows SET talk_ratio_agent = NULL, agent_latencies_ms = '[]'::jsonb
     WHERE tenant = $1 AND call_id = ANY($2::text[]) AND ${inside}
       AND (talk_ratio_agent IS NOT NULL OR agent_latencies_ms <> '[]'::jsonb)`,
    p,
  );
  // Reviews judge the agent of the call: gone where every leg was theirs (a transferred call's
  // review may be of the other agent, and stays).
  n.reviews = await changed(tx, 'DELETE FROM reviews WHERE tenant = $1 AND call_id = ANY($2::text[])', [
    tenant,
    whole,
  ]);
  // The verdicts on the other alerts of those calls judge the rule, not the agent, and stay; their
  // free-text reasons may speak of the agent, as the reviews did, and go.
  n['alert_verdicts:reason'] = await changed(
    tx,
    'UPDATE alert_verdicts SET reason = NULL WHERE tenant = $1 AND call_id = ANY($2::text[]) AND reason IS NOT NULL',
    [tenant, whole],
  );
  const tombstones = await tombstonesOf(tx, calls);
  const renamed = jsonParam(
    calls.map((c) => ({
      callId: c.callId,
      tombstone: tombstones.get(callKey(tenant, c.callId)) ?? newTombstone(),
    })),
  );
  const t = `jsonb_to_recordset($2::text::jsonb) AS t("callId" text, tombstone text)`;
  // A start replayed between the erasure's first transaction and this slice was stored under the
  // call's tombstone beside the leg still naming the agent: that leg goes, the tombstone's stays.
  await tx.query(
    `DELETE FROM call_legs l USING ${t}
     WHERE l.tenant = $1 AND l.call_id = t."callId" AND l.agent_id = $3 AND EXISTS (
       SELECT 1 FROM call_legs d WHERE d.tenant = l.tenant AND d.call_id = l.call_id
         AND d.start_ms = l.start_ms AND d.team = l.team AND d.queue = l.queue AND d.agent_id = t.tombstone)`,
    [tenant, renamed, agentId],
  );
  n['call_legs:agent_id'] = await changed(
    tx,
    `UPDATE call_legs l SET agent_id = t.tombstone, measures = NULL FROM ${t}
     WHERE l.tenant = $1 AND l.call_id = t."callId" AND l.agent_id = $3`,
    [tenant, renamed, agentId],
  );
  // The scorecard judged the agent side too: it goes with the summary's agent-side figures; the
  // customer's figures (mood, anger, trajectory) stay. The stored timeline held their windows.
  // updated_at stays: stamped now() it was the audit row's erased_at on every call of the agent
  // and on no other, linking the calls the tombstones keep apart (it only paces summaries).
  // (xmin, the transaction id, still groups them for a reader of system columns: README.)
  n['calls:agent_id'] = await changed(
    tx,
    `UPDATE calls c SET agent_id = CASE WHEN c.agent_id = $3 THEN t.tombstone ELSE c.agent_id END,
       leg_agents = (SELECT array_agg(DISTINCT a ORDER BY a) FROM unnest(array_replace(c.leg_agents, $3, t.tombstone)) AS a),
       summary = CASE WHEN c.summary IS NULL THEN NULL ELSE c.summary || $4::text::jsonb END,
       scorecard = NULL, score = NULL
     FROM ${t} WHERE c.tenant = $1 AND c.call_id = t."callId"`,
    [tenant, renamed, agentId, AGENT_SIDE_NULLS],
  );
  // The list counts of the calls that lost an agent-channel alert.
  for (const callId of [...new Set(alerted.map((r) => r.call_id))].sort())
    await updateAlertCounts(tx, tenant, callId);
  n.call_timelines = await changed(
    tx,
    'DELETE FROM call_timelines WHERE tenant = $1 AND call_id = ANY($2::text[])',
    [tenant, callIds],
  );
  return n;
}
