// GET /calls: filtered, sorted, cursor-paginated search over call summaries (keyset pagination on
// (sort value, call id[, tenant]), served by the calls_by_* indexes). Query validation is zod. I/O: database.
import { z } from 'zod';
import type { SqlExecutor } from '../backend/backend.ts';
import { StoreError, issueLines } from '../errors.ts';
import { iso, num, round } from './rows.ts';
import type { Scope } from '../../shared/auth/call-access.ts';
import { anyLegParts, anyLegSql, legScopeSql, type LegParts } from './leg-scope.ts';
import { canonicalName } from '../../shared/call-metadata.ts';
import { AGENT_DIRECTED, UNACKED } from './alert-counts.ts';
import { ownLegAlertCountSql } from './own-legs.ts';

/** |end − start valence| at or above this is an improved / worsened trajectory. */
export const TRAJECTORY_CHANGE = 0.1;

const SORTS = {
  startedAt: { sql: 'c.started_at', cast: 'timestamptz' },
  score: { sql: 'coalesce(c.score, -1)', cast: 'real' },
  customerAngerS: { sql: 'c.customer_anger_s', cast: 'real' },
  durationMs: { sql: 'coalesce(c.duration_ms, -1)', cast: 'int' },
} as const;

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** The times a query may name: 1970 to 9999 (PostgreSQL refused year 0 and +010000: a 500). */
const LATEST_QUERY_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');
const inQueryRange = (ms: number): boolean => ms >= 0 && ms <= LATEST_QUERY_TIME_MS;
// Passed on in UTC: ISO 8601 allows offsets to ±23:59, PostgreSQL only to ±15:59 (a 500).
// `abort`: a text that is no date-time gets that one message (it also got "must be a time from
// 1970 to 9999", which sent a user with an unencoded `+` looking for a year problem).
export const queryTime = z.iso
  .datetime({ offset: true, abort: true })
  .refine((v) => inQueryRange(Date.parse(v)), { error: 'must be a time from 1970 to 9999' })
  .transform((v) => new Date(v).toISOString());

export const searchQuerySchema = z
  .object({
    from: queryTime.optional(),
    to: queryTime.optional(),
    tenant: z.string().min(1).max(200).optional(),
    agentId: z.string().min(1).max(200).transform(canonicalName).optional(),
    queue: z.string().min(1).max(200).transform(canonicalName).optional(),
    /** The call's team (a team lead's review list); within the caller's scope like every filter. */
    team: z.string().min(1).max(64).transform(canonicalName).optional(),
    status: z.enum(['live', 'ended']).optional(),
    // Bounded to what the real column holds (a larger number was a database error: 500).
    minCustomerAngerS: z.coerce.number().min(0).max(1e9).optional(),
    alerts: z.enum(['fired', 'unacknowledged', 'none']).optional(),
    trajectory: z.enum(['improved', 'worsened']).optional(),
    minScore: z.coerce.number().min(0).max(100).optional(),
    maxScore: z.coerce.number().min(0).max(100).optional(),
    reviewed: bool.optional(),
    sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS]).default('startedAt'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export function parseSearchQuery(input: Record<string, string>): SearchQuery {
  const parsed = searchQuerySchema.safeParse(input);
  if (!parsed.success)
    throw new StoreError('INVALID_QUERY', 'invalid query', issueLines(parsed.error.issues));
  const q = parsed.data;
  if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) {
    throw new StoreError('INVALID_QUERY', 'invalid query', ['from: must not be after `to`']);
  }
  if (q.minScore !== undefined && q.maxScore !== undefined && q.minScore > q.maxScore) {
    throw new StoreError('INVALID_QUERY', 'invalid query', ['minScore: must not exceed maxScore']);
  }
  return q;
}

/**
 * The cursor: the sort and order it continues, the last row's sort value and tie-breakers (call
 * id; and tenant, across tenants). A cursor of another sort was taken and returned an arbitrary
 * page (a score compared as a duration).
 */
function encodeCursor(keys: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

/** Whether a cursor's value fits the sort column's type (else the database refused it: 500). */
const CURSOR_VALUE = {
  // Exactly the form the API emits (toISOString): V8 parses 2026-02-30, PostgreSQL refuses it.
  timestamptz: (v: unknown) =>
    typeof v === 'string' && inQueryRange(Date.parse(v)) && new Date(v).toISOString() === v,
  real: (v: unknown) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 3.4028234e38,
  int: (v: unknown) => Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) <= 2 ** 31 - 1,
} as const;

function decodeCursor(
  cursor: string,
  sorted: string,
  cast: keyof typeof CURSOR_VALUE,
  tieBreakers: number,
): [string | number, ...string[]] {
  try {
    const keys = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    // An untagged cursor (issued before the tag, by a page open across the upgrade) is still taken
    // for one release, as it was: its value is type-checked below. Remove with the next one.
    const legacy = Array.isArray(keys) && keys.length === 1 + tieBreakers;
    const [tag, ...value] = legacy ? [sorted, ...keys] : keys;
    if (
      tag === sorted &&
      value.length === 1 + tieBreakers &&
      // No NUL: PostgreSQL text cannot hold it (a database error: 500).
      value.slice(1).every((key) => typeof key === 'string' && !key.includes('\u0000')) &&
      CURSOR_VALUE[cast](value[0])
    )
      return value as [string | number, ...string[]];
  } catch {
    // fall through to the typed error
  }
  throw new StoreError('INVALID_CURSOR', 'invalid cursor', [
    `cursor: not a cursor this API returned for sort=${sorted.replace(' ', ' and order=')}`,
  ]);
}

export function callListItem(r: Record<string, unknown>) {
  return {
    callId: String(r.call_id),
    tenant: String(r.tenant),
    agentId: String(r.agent_id),
    queue: String(r.queue),
    team: String(r.team ?? ''),
    startedAt: iso(r.started_at) as string,
    endedAt: iso(r.ended_at),
    /** Why it ended ("hangup", "transfer", "abandoned", …); null while live or when none was given. */
    endReason: (r.end_reason ?? null) as string | null,
    durationMs: num(r.duration_ms),
    status: r.status as 'live' | 'ended',
    source: r.source as 'live' | 'import',
    customerAngerS: round(r.customer_anger_s, 1) as number,
    alertsCount: Number(r.alerts_count),
    unacknowledgedAlerts: Number(r.unacked_alerts),
    trajectory: round(r.trajectory, 3),
    score: num(r.score),
    reviewScore: num(r.review_score),
  };
}

/**
 * The alert count columns a scope reads: an agent (a scope with an agent id) counts the alerts
 * directed at agents, as its live socket showed them (migration 008); staff count every alert.
 */
export function alertCountColumns(scope: Scope): { count: string; unacked: string } {
  if (scope.agentId === null) return { count: 'c.alerts_count', unacked: 'c.unacked_alerts' };
  // On a call of several legs, the cues of the agent's own legs (what the call page shows them).
  const agentId = scope.agentId;
  const perLeg = (column: string, condition: string) =>
    `(CASE WHEN c.leg_agents IS NULL THEN ${column} ELSE ${ownLegAlertCountSql(agentId, condition)} END)`;
  return {
    count: perLeg('c.agent_alerts_count', AGENT_DIRECTED),
    unacked: perLeg('c.agent_unacked_alerts', `${AGENT_DIRECTED} AND ${UNACKED}`),
  };
}

/** The columns of a call list item, with the scope's alert counts. */
export function listColumns(scope: Scope): string {
  const alerts = alertCountColumns(scope);
  return `c.call_id, c.tenant, c.agent_id, c.queue, c.team, c.started_at, c.ended_at, c.end_reason, c.duration_ms,
  c.status, c.source, c.customer_anger_s, ${alerts.count} AS alerts_count, ${alerts.unacked} AS unacked_alerts,
  c.trajectory, c.score,
  (SELECT r.score_override FROM reviews r
   WHERE r.tenant = c.tenant AND r.call_id = c.call_id AND r.score_override IS NOT NULL
   ORDER BY r.created_at DESC LIMIT 1) AS review_score`;
}

export async function searchCalls(db: SqlExecutor, scope: Scope, q: SearchQuery) {
  const params: unknown[] = [];
  const where: string[] = [];
  // The first any-leg condition (scope or filter) and where it is: the list is read per part.
  let split: { at: number; parts: LegParts } | null = null;
  const onLeg = (at: number, parts: LegParts) => {
    split ??= { at, parts };
  };
  legScopeSql(scope, params, where, 'c', onLeg);
  const add = (condition: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  const addLeg = (column: 'agent_id' | 'team', value: unknown) => {
    params.push(value);
    onLeg(where.length, anyLegParts('c', column, `$${params.length}`));
    where.push(anyLegSql('c', column, `$${params.length}`));
  };
  if (q.from) add((p) => `c.started_at >= ${p}::timestamptz`, q.from);
  if (q.to) add((p) => `c.started_at < ${p}::timestamptz`, q.to);
  // By any leg: a transferred call is found under each of its agents and teams.
  if (q.agentId) addLeg('agent_id', q.agentId);
  if (q.queue) add((p) => `c.queue = ${p}`, q.queue);
  if (q.team) addLeg('team', [q.team]);
  if (q.status) add((p) => `c.status = ${p}`, q.status);
  if (q.minCustomerAngerS !== undefined) add((p) => `c.customer_anger_s >= ${p}`, q.minCustomerAngerS);
  const alerts = alertCountColumns(scope);
  if (q.alerts === 'fired') where.push(`${alerts.count} > 0`);
  if (q.alerts === 'unacknowledged') where.push(`${alerts.unacked} > 0`);
  if (q.alerts === 'none') where.push(`${alerts.count} = 0`);
  if (q.trajectory === 'improved') add((p) => `c.trajectory >= ${p}`, TRAJECTORY_CHANGE);
  if (q.trajectory === 'worsened') add((p) => `c.trajectory <= ${p}`, -TRAJECTORY_CHANGE);
  if (q.minScore !== undefined) add((p) => `c.score >= ${p}`, q.minScore);
  if (q.maxScore !== undefined) add((p) => `c.score <= ${p}`, q.maxScore);
  if (q.reviewed !== undefined) {
    where.push(
      `${q.reviewed ? '' : 'NOT '}EXISTS (SELECT 1 FROM reviews r WHERE r.tenant = c.tenant AND r.call_id = c.call_id)`,
    );
  }
  const sort = SORTS[q.sort];
  const cmp = q.order === 'desc' ? '<' : '>';
  // Ties are broken by call id; across tenants (an every-tenant admin) also by tenant, since two
  // tenants may use one call id: a page boundary between such twins skipped the second.
  const tieBreakers = scope.tenant === null ? ['c.call_id', 'c.tenant'] : ['c.call_id'];
  if (q.cursor) {
    const [value, ...ties] = decodeCursor(q.cursor, `${q.sort} ${q.order}`, sort.cast, tieBreakers.length);
    params.push(value);
    const first = params.length;
    params.push(...ties);
    const ties$ = ties.map((_, k) => `$${first + 1 + k}`);
    where.push(
      `(${sort.sql}, ${tieBreakers.join(', ')}) ${cmp} ($${first}::${sort.cast}, ${ties$.join(', ')})`,
    );
  }
  params.push(q.limit + 1);
  const dir = q.order === 'desc' ? 'DESC' : 'ASC';
  const select = (conditions: readonly string[]) =>
    `SELECT ${listColumns(scope)}, ${sort.sql} AS sort_value FROM calls c
     ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
     ORDER BY ${[sort.sql, ...tieBreakers].map((key) => `${key} ${dir}`).join(', ')} LIMIT $${params.length}`;
  const legSplit = split as { at: number; parts: LegParts } | null;
  // An any-leg condition: the first legs (their btree, in order) and the other legs (GIN), each
  // limited, merged; one OR made the planner walk the tenant's time index (leg-scope.ts).
  const sql =
    legSplit === null
      ? select(where)
      : `SELECT * FROM ((${select(where.map((w, i) => (i === legSplit.at ? legSplit.parts.firstLeg : w)))})
         UNION ALL (${select(where.map((w, i) => (i === legSplit.at ? legSplit.parts.otherLegs : w)))})) u
         ORDER BY ${['sort_value', ...tieBreakers.map((key) => key.replace('c.', ''))]
           .map((key) => `u.${key} ${dir}`)
           .join(', ')} LIMIT $${params.length}`;
  const rows = await db.query<Record<string, unknown>>(sql, params);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const lastValue = last?.sort_value instanceof Date ? last.sort_value.toISOString() : last?.sort_value;
  const lastKeys = last ? [lastValue, String(last.call_id), String(last.tenant)] : [];
  return {
    calls: page.map(callListItem),
    nextCursor:
      rows.length > q.limit && last
        ? encodeCursor([`${q.sort} ${q.order}`, ...lastKeys.slice(0, 1 + tieBreakers.length)])
        : null,
  };
}
