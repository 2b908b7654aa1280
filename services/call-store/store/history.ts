// A customer's history across calls, by their keyed pseudonym (never the raw reference): the QA
// timeline of calls with mood at start and end (GET /customers/:ref/calls, scoped like every read)
// and the live summary behind the agent's one-line history (services/shared/customer-history-client.ts).
// Calls whose CallStart opted out of the history (in_history = false) are never part of it.
// I/O: database.
import { z } from 'zod';
import { HOLD_EVIDENCE } from '../../../pipelines/emotion/hold-event.ts';
import { customerMood, historyLine, type CustomerMood } from '../../../pipelines/history/index.ts';
import type { EmotionState } from '../../../pipelines/emotion/types.ts';
import type { SqlExecutor } from '../backend/backend.ts';
import { CUSTOMER_PSEUDONYM } from '../../shared/customer-pseudonym.ts';
import { StoreError, issueLines } from '../errors.ts';
import { iso } from './rows.ts';
import { callListItem, listColumns } from './search.ts';
import { soleTenant } from './sole-tenant.ts';
import type { Scope } from '../../shared/auth/call-access.ts';
import { legScopeSql } from './leg-scope.ts';
import { MAX_HISTORY_WINDOW_DAYS } from '../../shared/customer-history-client.ts';
import { CALL_ID_PATTERN } from '../../shared/audio-chunk-limits.ts';
import { contactEnds, sameContact } from './contact-chain.ts';

/** Earlier calls counted by the live line ("3rd call in 7 days"). */
export const DEFAULT_HISTORY_WINDOW_DAYS = 7;
/** A customer's timeline page shows at most this many calls (newest first). */
const MAX_HISTORY_CALLS = 500;

/** A path's customer reference must be a pseudonym: a raw one would never match and must not travel. */
export function parseCustomerRef(ref: string): string {
  if (!CUSTOMER_PSEUDONYM.test(ref))
    throw new StoreError('INVALID_QUERY', 'invalid customer reference', [
      'ref: the customer pseudonym (cref1_…), never the raw reference',
    ]);
  return ref;
}

/** The customer's mood of a call not summarised yet, from its rows (summaries store it, finalize.ts). */
async function moodFromRows(db: SqlExecutor, tenant: string, callId: string): Promise<CustomerMood> {
  const emotions = await db.query<Record<string, unknown>>(
    `SELECT start_ms, end_ms, state, arousal, valence, evidence @> $3::jsonb AS on_hold FROM emotion_events
     WHERE tenant = $1 AND call_id = $2 AND channel = 'customer'`,
    [tenant, callId, JSON.stringify([HOLD_EVIDENCE])],
  );
  const alerts = await db.query<{ alert_id: string; rule_id: string }>(
    'SELECT alert_id, rule_id FROM alerts WHERE tenant = $1 AND call_id = $2',
    [tenant, callId],
  );
  return customerMood(
    emotions.map((r) => ({
      startMs: Number(r.start_ms),
      endMs: Number(r.end_ms),
      state: r.state as EmotionState,
      arousal: Number(r.arousal),
      valence: Number(r.valence),
      ...(r.on_hold === true ? { onHold: true } : {}),
    })),
    alerts.map((a) => ({ alertId: a.alert_id, ruleId: a.rule_id })),
  );
}

async function moodOf(db: SqlExecutor, row: Record<string, unknown>): Promise<CustomerMood> {
  if (row.customer_mood) return row.customer_mood as CustomerMood;
  return moodFromRows(db, String(row.tenant), String(row.call_id));
}

/** The customer's calls inside the scope, newest first, each with the customer's mood. */
const nullableInt = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function customerCalls(db: SqlExecutor, scope: Scope, ref: string) {
  const params: unknown[] = [parseCustomerRef(ref)];
  const where = ['c.customer_ref = $1', 'c.in_history'];
  legScopeSql(scope, params, where);
  // A reference is pseudonymised with its tenant's key: two tenants' calls under one reference
  // are two customers (or a shared key), never one history.
  await soleTenant(db, scope, where, params, () => {
    throw new StoreError(
      'AMBIGUOUS_CUSTOMER',
      'this customer reference exists in several tenants: name the tenant (?tenant=…)',
    );
  });
  params.push(MAX_HISTORY_CALLS);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${listColumns(scope)}, c.customer_mood, s.csat, s.nps
     FROM calls c LEFT JOIN surveys s ON s.tenant = c.tenant AND s.call_id = c.call_id
     WHERE ${where.join(' AND ')}
     ORDER BY c.started_at DESC, c.call_id DESC LIMIT $${params.length}`,
    params,
  );
  if (rows.length === 0) throw new StoreError('NOT_FOUND', 'no calls of this customer');
  const calls = [];
  for (const r of rows) {
    const mood = await moodOf(db, r);
    calls.push({
      ...callListItem(r),
      moodAtStart: mood.start,
      moodAtEnd: mood.end,
      frustrationEpisodes: mood.frustrationEpisodes,
      escalations: mood.escalations,
      survey:
        r.csat === null && r.nps === null ? null : { csat: nullableInt(r.csat), nps: nullableInt(r.nps) },
    });
  }
  return { customerRef: ref, calls };
}

export const historySummaryQuery = z
  .object({
    tenant: z.string().min(1).max(200),
    /** The call being started: never part of its own history. */
    excludeCallId: z.string().min(1).max(200).optional(),
    /**
     * The start's pseudonym under the tenant's previous key, during a key rotation: its calls count
     * too, as the store may not have moved them to the current one yet (customer-relink.ts).
     */
    previousRef: z.string().regex(CUSTOMER_PSEUDONYM, 'must be a customer pseudonym').optional(),
    /** The call the starting one continues (a transfer given a new call id): the same contact. */
    previousCallId: z.string().regex(CALL_ID_PATTERN, 'must be a call id').optional(),
    windowDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_HISTORY_WINDOW_DAYS)
      .default(DEFAULT_HISTORY_WINDOW_DAYS),
  })
  .strict();

export function parseHistorySummaryQuery(input: Record<string, string>) {
  const parsed = historySummaryQuery.safeParse(input);
  if (!parsed.success)
    throw new StoreError('INVALID_QUERY', 'invalid query', issueLines(parsed.error.issues));
  return parsed.data;
}

/**
 * What the live line says about a customer's earlier calls of one tenant. Reads the newest calls
 * through calls_by_customer; the previous call's mood comes from its summary, or from its rows when
 * it ended seconds ago and is not summarised yet (a customer calling straight back). A contact of
 * several calls (transfers given new call ids) counts once; a transferred call's own earlier legs
 * are not earlier calls: the line says how the last leg ended instead.
 */
export async function historySummary(
  db: SqlExecutor,
  tenant: string,
  ref: string,
  options: { excludeCallId?: string; windowDays: number; previousRef?: string; previousCallId?: string },
  now: Date = new Date(),
) {
  const since = new Date(now.getTime() - options.windowDays * 86_400_000);
  const refs = [parseCustomerRef(ref)];
  if (options.previousRef !== undefined) refs.push(parseCustomerRef(options.previousRef));
  const fetched = await db.query<Record<string, unknown>>(
    `SELECT call_id, tenant, started_at, status, customer_mood, previous_call_id FROM calls
     WHERE tenant = $1 AND customer_ref = ANY($2::text[]) AND in_history AND call_id <> $3
       AND started_at <= $4::timestamptz
     ORDER BY started_at DESC, call_id DESC LIMIT 200`,
    [tenant, refs, options.excludeCallId ?? '', now.toISOString()],
  );
  // Only a leg of this customer's history is said (another customer's call, or one out of the
  // history, is not in `fetched`).
  const legs = sameContact(fetched, options.excludeCallId, options.previousCallId);
  const previousLeg = fetched.find((r) => r.call_id === options.previousCallId);
  const rows = fetched.filter((r) => !legs.has(String(r.call_id)));
  const isRecent = (r: Record<string, unknown>) =>
    new Date(iso(r.started_at) as string).getTime() >= since.getTime();
  const recent = rows.filter(isRecent);
  const contacts = contactEnds(rows);
  let escalations = 0;
  let frustrationEpisodes = 0;
  for (const r of recent) {
    const mood = await moodOf(db, r);
    escalations += mood.escalations;
    frustrationEpisodes += mood.frustrationEpisodes;
  }
  const last = contacts.find((r) => r.status === 'ended');
  const lastMood = last ? await moodOf(db, last) : null;
  const summary = {
    recentCalls: contacts.filter(isRecent).length,
    windowDays: options.windowDays,
    totalCalls: contacts.length,
    lastEndState: lastMood?.end.state ?? null,
    lastCallAt: rows.length > 0 ? iso(rows[0].started_at) : null,
    escalations,
    frustrationEpisodes,
    transferred: options.previousCallId !== undefined,
    previousLegEndState: previousLeg ? (await moodOf(db, previousLeg)).end.state : null,
  };
  return { ...summary, line: historyLine(summary, now.getTime()) };
}
