// A call id used again after its call ended (a platform that recycles ids) names another call,
// which the store does not file under the first: the first call stays as it was (agent, team,
// customer, consent, windows, alerts, history) and the later call's records are dropped and counted
// (CALL_ID_REUSED). Told apart as the alert service tells them (call-registry.ts): a start dated
// after the stored call's end is a later call's; one dated at or before it is the call's own start
// again (a replay, a hand-over, a consent change all carry the call's start time). I/O: database.
import { callKey } from '../../shared/call-key.ts';
import type { SqlExecutor } from '../backend/backend.ts';
import type { StoreEvent } from '../events.ts';
import { jsonParam } from './rows.ts';

/** Stable code of the later call's dropped records (metric result, log line). */
export const CALL_ID_REUSED = 'CALL_ID_REUSED';

type Call = { tenant: string; callId: string };

/** What the store knows of an id: when its call ended, and when a later call took the id. */
interface IdState {
  endedAtMs: number | null;
  reusedAtMs: number | null;
}

export interface LaterCallStarts {
  /** The batch without the later calls' starts and ends, in its order. */
  events: readonly StoreEvent[];
  /** Records after a later call's start in this batch (a mixed store.write), not yet dropped. */
  after: ReadonlySet<StoreEvent>;
  /** Ids a later call's start reached in this batch, with the earliest such start. */
  reused: (Call & { reusedAt: string })[];
  dropped: number;
}

const PAIRS = `SELECT tenant, "callId" FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text)`;

function callsOf(events: readonly StoreEvent[]): Map<string, Call> {
  const calls = new Map<string, Call>();
  for (const e of events) calls.set(callKey(e.tenant, e.callId), { tenant: e.tenant, callId: e.callId });
  return calls;
}

async function storedStates(tx: SqlExecutor, calls: Map<string, Call>): Promise<Map<string, IdState>> {
  const rows = await tx.query<{
    tenant: string;
    call_id: string;
    ended_ms: number | null;
    reused_ms: number | null;
  }>(
    `SELECT tenant, call_id,
       (CASE WHEN status = 'ended' THEN extract(epoch FROM ended_at) * 1000 END)::float8 AS ended_ms,
       (extract(epoch FROM reused_at) * 1000)::float8 AS reused_ms
     FROM calls WHERE (tenant, call_id) IN (${PAIRS})`,
    [jsonParam([...calls.values()])],
  );
  const states = new Map<string, IdState>();
  for (const r of rows)
    states.set(callKey(r.tenant, r.call_id), {
      endedAtMs: r.ended_ms === null ? null : Number(r.ended_ms),
      reusedAtMs: r.reused_ms === null ? null : Number(r.reused_ms),
    });
  return states;
}

/**
 * The starts and ends of later calls, dropped, in batch order (a call's records of one topic are
 * on one partition, in order, so its end is read before a later call's start, on replays too).
 * Only the calls topic's batches write an id's end and reuse: read without a lock.
 */
export async function withoutLaterCallStarts(
  tx: SqlExecutor,
  batch: readonly StoreEvent[],
): Promise<LaterCallStarts> {
  const none: LaterCallStarts = { events: batch, after: new Set(), reused: [], dropped: 0 };
  const lifecycle = batch.filter((e) => e.kind === 'call-start' || e.kind === 'call-end');
  if (lifecycle.length === 0) return none;
  const states = await storedStates(tx, callsOf(lifecycle));
  const events: StoreEvent[] = [];
  const after = new Set<StoreEvent>();
  const reused = new Map<string, Call & { reusedAt: string }>();
  let dropped = 0;
  for (const e of batch) {
    const key = callKey(e.tenant, e.callId);
    const state = states.get(key);
    if (e.kind === 'call-start') {
      const atMs = Date.parse(e.startedAt);
      // A leg starting past audio 0 resumes the call where it left off (a transfer or a hand-over,
      // dated by its gateway's clock), and a consent change is the call's own too (dated by the
      // start of the leg it came on): even after an end the store swept `abandoned` (a long hold).
      // Not once a later call took the id: its leg-0 start, which the calls partition orders before
      // its own transfers and consent changes, marked it (review).
      const resumed =
        (e.consentChange === true || (e.legStartMs != null && e.legStartMs > 0)) &&
        (state?.reusedAtMs == null || atMs < state.reusedAtMs);
      if (!resumed && state?.endedAtMs != null && atMs > state.endedAtMs) {
        if (state.reusedAtMs === null || atMs < state.reusedAtMs) {
          state.reusedAtMs = atMs;
          reused.set(key, { tenant: e.tenant, callId: e.callId, reusedAt: e.startedAt });
        }
        dropped += 1;
        continue;
      }
      if (!state) states.set(key, { endedAtMs: null, reusedAtMs: null });
    } else if (e.kind === 'call-end') {
      // The first call's end is stored already (a replay of it changes nothing): a later one's.
      if (state?.reusedAtMs != null) {
        dropped += 1;
        continue;
      }
      if (state && state.endedAtMs === null) state.endedAtMs = Date.parse(e.endedAt);
    } else if (state?.reusedAtMs != null) after.add(e);
    events.push(e);
  }
  return { events, after, reused: [...reused.values()], dropped };
}

/**
 * Marks the ids a later call reached (after the batch's own starts and ends are written). Their
 * locks exclusive (taken by writes.ts): a batch of windows or alerts in flight commits first (it read no mark), one
 * after waits and reads the mark (withoutReusedCallsData, under its shared locks).
 */
export async function markReused(tx: SqlExecutor, reused: LaterCallStarts['reused']): Promise<void> {
  if (reused.length === 0) return;
  // Their locks are held exclusive already: taken with the batch's others in one ascending pass
  // (writes.ts withoutErased), as a second pass here deadlocked with an erasure (review).
  await tx.query(
    `UPDATE calls SET reused_at = least(coalesce(calls.reused_at, x."reusedAt"), x."reusedAt"), updated_at = now()
     FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text, "reusedAt" timestamptz)
     WHERE calls.tenant = x.tenant AND calls.call_id = x."callId"`,
    [jsonParam(reused)],
  );
}

/**
 * Windows, emotions, alerts, acknowledgements and alert ends of ids a later call took, dropped:
 * nothing in them tells the later call's from a first call's not stored yet (window numbers and
 * audio times restart at 0, alert ids are made of them), and a guess could file one customer's
 * data under another's call. A first call's record stored already is unchanged (a replay of it
 * would have been a duplicate); one that reaches the store only after the later call's start is
 * lost (SECURITY.md). Under the batch's shared call locks (writes.ts), so a mark committed
 * before is read.
 */
export async function withoutReusedCallsData(
  tx: SqlExecutor,
  events: readonly StoreEvent[],
  after: ReadonlySet<StoreEvent>,
): Promise<{ events: readonly StoreEvent[]; dropped: number }> {
  const data = events.filter((e) => e.kind !== 'call-start' && e.kind !== 'call-end');
  if (data.length === 0) return { events, dropped: 0 };
  const rows = await tx.query<{ tenant: string; call_id: string }>(
    `SELECT tenant, call_id FROM calls
     WHERE (tenant, call_id) IN (${PAIRS}) AND reused_at IS NOT NULL`,
    [jsonParam([...callsOf(data).values()])],
  );
  const reused = new Set(rows.map((r) => callKey(r.tenant, r.call_id)));
  if (reused.size === 0 && after.size === 0) return { events, dropped: 0 };
  const kept = events.filter(
    (e) =>
      e.kind === 'call-start' ||
      e.kind === 'call-end' ||
      (!after.has(e) && !reused.has(callKey(e.tenant, e.callId))),
  );
  return { events: kept, dropped: events.length - kept.length };
}
