// The agents an erasure was for (erased_agents, migration 020) and what ingest does with them. An
// erased agent's id is replaced on their calls by a tombstone (agent-erasure.ts); a start of a call
// live at the erasure that reaches the store after it (a transfer's leg, a resumed stream, a
// replay) named the agent again and stored their id back. Remembered as a one-way digest, as
// erased customers are (erased-customers.ts): such a start is stored under the call's tombstone,
// and the agent-channel analysis of a tombstone's legs is not stored at all. I/O: database.
import { createHash, randomUUID } from 'node:crypto';
import { callKey } from '../../shared/call-key.ts';
import type { SqlExecutor } from '../backend/backend.ts';
import type { StoreEvent } from '../events.ts';
import { readLegs } from './legs.ts';
import { insideOwnLegs, insideOwnLegsSql, type OwnSpan } from './own-legs.ts';
import { jsonParam } from './rows.ts';

/** Keeps the digests apart from any other use of SHA-256. */
const AGENT_DIGEST_PREFIX = 'va-erased-agent\n';

/**
 * One-way digest of an agent id: what erased_agents and the erasure audit hold. Not keyed: an id is
 * guessable, so whoever can read the table and knows an id learns that it was erased and when —
 * which is what the audit must prove to a DPO — but no call carries the digest or the id, so it
 * links the person to none of their calls.
 */
export function agentDigest(agentId: string): string {
  return createHash('sha256').update(`${AGENT_DIGEST_PREFIX}${agentId}`).digest('hex');
}

/** What an erased agent's id becomes on a call: random per call, so calls are not linked either. */
export const TOMBSTONE_PREFIX = 'erased-agent:';

export function newTombstone(): string {
  return `${TOMBSTONE_PREFIX}${randomUUID()}`;
}

const PAIRS = `SELECT tenant, "callId" FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text)`;
const LIKE_TOMBSTONE = `LIKE '${TOMBSTONE_PREFIX}%'`;

/**
 * The tombstone each call already has (on a leg, or on the row of a call from before its legs), by
 * callKey: one per call, whichever agents of it were erased, so a late start joins its leg.
 */
export async function tombstonesOf(
  tx: SqlExecutor,
  calls: readonly { tenant: string; callId: string }[],
): Promise<Map<string, string>> {
  if (calls.length === 0) return new Map();
  const rows = await tx.query<{ tenant: string; call_id: string; agent_id: string }>(
    `SELECT tenant, call_id, min(agent_id) AS agent_id FROM (
       SELECT tenant, call_id, agent_id FROM call_legs
       WHERE (tenant, call_id) IN (${PAIRS}) AND agent_id ${LIKE_TOMBSTONE}
       UNION ALL
       SELECT tenant, call_id, agent_id FROM calls
       WHERE (tenant, call_id) IN (${PAIRS}) AND agent_id ${LIKE_TOMBSTONE}) AS t
     GROUP BY tenant, call_id`,
    [jsonParam(calls)],
  );
  return new Map(rows.map((r) => [callKey(r.tenant, r.call_id), r.agent_id]));
}

/** Notes the erasure of an agent again: the newest counts, at the time it holds its locks. */
export async function rememberErasedAgent(tx: SqlExecutor, tenant: string, digest: string): Promise<void> {
  await tx.query(
    `INSERT INTO erased_agents (tenant, agent_digest, erased_at) VALUES ($1, $2, clock_timestamp())
     ON CONFLICT (tenant, agent_digest) DO UPDATE SET erased_at = excluded.erased_at`,
    [tenant, digest],
  );
}

/**
 * Which of `items` name an agent erased at or after `at` (the start's announcement, the
 * acknowledgement's time): their indexes. One query for a batch.
 */
async function erasedAtOrAfter(
  tx: SqlExecutor,
  items: readonly { tenant: string; agentId: string; at: string }[],
): Promise<Set<number>> {
  if (items.length === 0) return new Set();
  const rows = await tx.query<{ i: number }>(
    `SELECT DISTINCT x.i FROM jsonb_to_recordset($1::text::jsonb)
       AS x(i int, tenant text, digest text, at timestamptz)
     JOIN erased_agents e ON e.tenant = x.tenant AND e.agent_digest = x.digest
     WHERE x.at <= e.erased_at`,
    [
      jsonParam(
        items.map((item, i) => ({ i, tenant: item.tenant, digest: agentDigest(item.agentId), at: item.at })),
      ),
    ],
  );
  return new Set(rows.map((r) => Number(r.i)));
}

type Start = Extract<StoreEvent, { kind: 'call-start' }>;

/**
 * The batch with each start that names an erased agent and was announced before the erasure
 * renamed to its call's tombstone (a new one for a call the store does not hold yet). A start
 * announced after it (the agent working again) is stored as usual. The caller holds the starts'
 * agent locks (call-locks.ts), so an erasure is either committed and seen here or not begun.
 */
export async function withErasedAgentsReplaced(
  tx: SqlExecutor,
  batch: readonly StoreEvent[],
): Promise<readonly StoreEvent[]> {
  const events = await withErasedAckersReplaced(tx, batch);
  const starts = events.filter((e): e is Start => e.kind === 'call-start');
  if (starts.length === 0) return events;
  const hits = await erasedAtOrAfter(
    tx,
    starts.map((st) => ({ tenant: st.tenant, agentId: st.agentId, at: st.announcedAt ?? st.startedAt })),
  );
  if (hits.size === 0) return events;
  const named = starts.filter((_, i) => hits.has(i));
  const erased = new Set(named.map((st) => `${callKey(st.tenant, st.callId)}\u0000${st.agentId}`));
  const tombstones = await tombstonesOf(
    tx,
    named.map((st) => ({ tenant: st.tenant, callId: st.callId })),
  );
  return events.map((e) => {
    if (e.kind !== 'call-start' || !erased.has(`${callKey(e.tenant, e.callId)}\u0000${e.agentId}`)) return e;
    const key = callKey(e.tenant, e.callId);
    if (!tombstones.has(key)) tombstones.set(key, newTombstone());
    return { ...e, agentId: tombstones.get(key)! };
  });
}

type Ack = Extract<StoreEvent, { kind: 'ack' }>;

/**
 * The batch with each acknowledgement by an erased agent made before their erasure (one in flight
 * at it, or a replay) under a new tombstone, as the erasure renamed the stored ones: it brought the
 * id back into alert_acks. The caller holds the ackers' agent locks (writes.ts).
 */
async function withErasedAckersReplaced(
  tx: SqlExecutor,
  events: readonly StoreEvent[],
): Promise<readonly StoreEvent[]> {
  const acks = events.filter((e): e is Ack => e.kind === 'ack');
  if (acks.length === 0) return events;
  const hits = await erasedAtOrAfter(
    tx,
    acks.map((ack) => ({ tenant: ack.tenant, agentId: ack.ackedBy, at: ack.ackedAt })),
  );
  if (hits.size === 0) return events;
  const erased = new Set(
    acks.filter((_, i) => hits.has(i)).map((ack) => `${ack.tenant}\u0000${ack.ackedBy}`),
  );
  return events.map((e) =>
    e.kind === 'ack' && erased.has(`${e.tenant}\u0000${e.ackedBy}`) ? { ...e, ackedBy: newTombstone() } : e,
  );
}

/** An agent-channel measurement: what of a call is the agent's voice. */
function agentChannelStartMs(e: StoreEvent): number | null {
  if ((e.kind === 'features' || e.kind === 'emotion') && e.channel === 'agent') return e.startMs;
  if (e.kind === 'alert' && e.channel === 'agent') return e.startMs;
  if (e.kind === 'dynamics') return e.startMs;
  return null;
}

/**
 * The batch without the agent-channel windows, emotions and alerts that fall inside an erased
 * agent's legs (a tombstone's), and with the agent side of such dynamics windows cleared: what a
 * call live at the erasure still sends of the agent's voice. After the batch's legs are written.
 */
export async function withoutErasedAgentsVoice(
  tx: SqlExecutor,
  events: readonly StoreEvent[],
): Promise<readonly StoreEvent[]> {
  const calls = new Map<string, { tenant: string; callId: string }>();
  for (const e of events)
    if (agentChannelStartMs(e) !== null)
      calls.set(callKey(e.tenant, e.callId), { tenant: e.tenant, callId: e.callId });
  if (calls.size === 0) return events;
  const tombstones = await tombstonesOf(tx, [...calls.values()]);
  if (tombstones.size === 0) return events;
  const spans = new Map<string, OwnSpan[]>();
  for (const key of tombstones.keys()) {
    const { tenant, callId } = calls.get(key)!;
    spans.set(key, await erasedSpans(tx, tenant, callId, null));
  }
  const kept: StoreEvent[] = [];
  for (const e of events) {
    const startMs = agentChannelStartMs(e);
    const within = spans.get(callKey(e.tenant, e.callId));
    if (startMs === null || within === undefined || !insideOwnLegs(startMs, within)) kept.push(e);
    else if (e.kind === 'dynamics')
      kept.push({ ...e, talkRatioAgent: null, agentResponseLatencyMs: [] } as StoreEvent);
  }
  return kept;
}

/**
 * Where in a call's audio the tombstoned agents' legs run (`agentId` also counts as erased: the
 * erasure asks before it renames). A call from before migration 019 has no legs: its row's agent is
 * its one leg, the whole call.
 */
export async function erasedSpans(
  tx: SqlExecutor,
  tenant: string,
  callId: string,
  agentId: string | null,
): Promise<OwnSpan[]> {
  const legs = await readLegs(tx, tenant, callId, null);
  const erased = (id: string) => id === agentId || id.startsWith(TOMBSTONE_PREFIX);
  if (legs.length === 0) {
    const row = await tx.query<{ agent_id: string }>(
      'SELECT agent_id FROM calls WHERE tenant = $1 AND call_id = $2',
      [tenant, callId],
    );
    return row.length > 0 && erased(row[0].agent_id) ? [{ fromMs: 0, toMs: null }] : [];
  }
  return legs.filter((l) => erased(l.agentId)).map(({ fromMs, toMs }) => ({ fromMs, toMs }));
}

/**
 * For starts renamed to a tombstone in this batch (after their legs are written): what of the
 * agent's voice reached the store before the start did (the topics are not ordered, so windows of
 * a call the erasure could not see yet were stored without a call) is deleted now.
 */
export async function deleteErasedAgentsVoice(tx: SqlExecutor, starts: readonly Start[]): Promise<void> {
  const calls = new Map<string, { tenant: string; callId: string }>();
  for (const s of starts)
    if (s.agentId.startsWith(TOMBSTONE_PREFIX)) calls.set(callKey(s.tenant, s.callId), s);
  for (const { tenant, callId } of calls.values()) {
    const p = [tenant, callId, jsonParam(await erasedSpans(tx, tenant, callId, null))];
    const inside = insideOwnLegsSql('start_ms', '$3');
    const agentRows = `tenant = $1 AND call_id = $2 AND channel = 'agent' AND ${inside}`;
    await tx.query(`DELETE FROM speaker_windows WHERE ${agentRows}`, p);
    await tx.query(`DELETE FROM emotion_events WHERE ${agentRows}`, p);
    await tx.query(
      `DELETE FROM alert_acks WHERE tenant = $1 AND alert_id IN (SELECT alert_id FROM alerts WHERE ${agentRows})`,
      p,
    );
    await tx.query(`DELETE FROM alerts WHERE ${agentRows}`, p);
    await tx.query(
      `UPDATE dynamics_windows SET talk_ratio_agent = NULL, agent_latencies_ms = '[]'::jsonb
       WHERE tenant = $1 AND call_id = $2 AND ${inside}`,
      p,
    );
  }
}
