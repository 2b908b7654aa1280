// The calls a call is linked to by a transfer that got a new call id (CallStart.previous_call_id,
// migration 022): the call it continues and the calls that continue it, each listed only when the
// reader may open it (the same scope as every read), so a link never names a call the reader
// cannot see. I/O: database.
import type { SqlExecutor } from '../backend/backend.ts';
import type { Scope } from '../../shared/auth/call-access.ts';
import { legScopeSql } from './leg-scope.ts';

export interface CallLinks {
  /** The call this one continues; null when none, or when the reader may not open it. */
  previousCallId: string | null;
  /** The calls that continue this one (oldest first), those the reader may open. */
  continuedBy: string[];
}

/** A chain is short (one call per transfer); more than this is not a transfer chain. */
const MAX_CONTINUATIONS = 20;

export async function callLinks(
  db: SqlExecutor,
  scope: Scope,
  tenant: string,
  callId: string,
  previousCallId: string | null,
): Promise<CallLinks> {
  const params: unknown[] = [tenant, callId, previousCallId ?? ''];
  const where = ['c.tenant = $1', '(c.previous_call_id = $2 OR c.call_id = $3)'];
  legScopeSql(scope, params, where);
  params.push(MAX_CONTINUATIONS + 1);
  const rows = await db.query<{ call_id: string; previous_call_id: string | null }>(
    `SELECT c.call_id, c.previous_call_id FROM calls c WHERE ${where.join(' AND ')}
     ORDER BY c.started_at, c.call_id LIMIT $${params.length}`,
    params,
  );
  return {
    previousCallId: rows.some((r) => r.call_id === previousCallId) ? previousCallId : null,
    continuedBy: rows.filter((r) => r.previous_call_id === callId).map((r) => r.call_id),
  };
}
