// Calls whose end never came: the gateway crashed, or a broker outage lost the call-end record.
// Without an end a call is never summarised, so its consent (store_features=false: only the
// summary may stay) would not be honoured until retention, months later. A live call whose audio
// stopped `idleMs` ago (its start plus the end of its last analysed window, in audio time) is
// closed here as ended at that point, and the summaries then treat it like any ended call.
// I/O: database.

import type { SqlBackend } from '../backend/backend.ts';

export interface ClosedCall {
  tenant: string;
  callId: string;
}

export async function closeAbandonedCalls(
  backend: SqlBackend,
  idleMs: number,
  now: Date = new Date(),
): Promise<ClosedCall[]> {
  const rows = await backend.query<{ tenant: string; call_id: string }>(
    `WITH stale AS (
       SELECT c.tenant, c.call_id, c.started_at,
         coalesce((SELECT max(w.end_ms) FROM speaker_windows w
                   WHERE w.tenant = c.tenant AND w.call_id = c.call_id), 0)::bigint AS last_ms
       FROM calls c
       WHERE c.status = 'live' AND c.started_at < $1::timestamptz - ($2::int * interval '1 millisecond')
     )
     UPDATE calls SET status = 'ended',
       ended_at = stale.started_at + (stale.last_ms * interval '1 millisecond'),
       duration_ms = least(stale.last_ms, 2147483647)::int, end_reason = 'abandoned', needs_summary = true,
       updated_at = now()
     FROM stale
     WHERE calls.tenant = stale.tenant AND calls.call_id = stale.call_id AND calls.status = 'live'
       AND stale.started_at + ((stale.last_ms + $2::bigint) * interval '1 millisecond') < $1::timestamptz
     RETURNING calls.tenant, calls.call_id`,
    [now.toISOString(), Math.max(0, Math.round(idleMs))],
  );
  return rows.map((r) => ({ tenant: r.tenant, callId: r.call_id }));
}
