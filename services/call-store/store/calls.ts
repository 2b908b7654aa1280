// One call: metadata, summary, scorecard, alerts with what became of them and their verdicts, the reviewers' notes
// (GET /calls/:id), and adding a review (POST /calls/:id/review). A call is (tenant, call id): the
// scope picks the tenant, and every child row is read by both. I/O: database.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SqlExecutor } from '../backend/backend.ts';
import { StoreError, issueLines } from '../errors.ts';
import { iso, num } from './rows.ts';
import { callListItem, listColumns } from './search.ts';
import type { Scope } from '../../shared/auth/call-access.ts';
import { legScopeSql } from './leg-scope.ts';
import { readLegs } from './legs.ts';
import { callLinks } from './call-links.ts';
import { withLifecycles } from './alert-lifecycle.ts';
import { listVerdicts } from './alert-verdicts.ts';
import {
  hiddenOutsideOwnLegs,
  scorecardWithoutOtherLegs,
  summaryWithoutOtherLegs,
  type OwnSpan,
} from './own-legs.ts';

/**
 * Loads the call row inside the scope; unknown and out-of-scope calls are both NOT_FOUND. A scope
 * over every tenant (global admins) that matches the id in several tenants must name the tenant.
 */
export async function loadCallRow(db: SqlExecutor, scope: Scope, callId: string) {
  const params: unknown[] = [callId];
  const where = ['c.call_id = $1'];
  legScopeSql(scope, params, where);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${listColumns(scope)}, c.store_features, c.summary, c.scorecard, c.customer_ref, c.in_history,
       c.previous_call_id
     FROM calls c WHERE ${where.join(' AND ')}
     LIMIT 2`,
    params,
  );
  if (rows.length === 0) throw new StoreError('NOT_FOUND', `call ${callId} not found`);
  if (rows.length > 1)
    throw new StoreError(
      'AMBIGUOUS_CALL',
      `call ${callId} exists in several tenants: name the tenant (?tenant=…)`,
    );
  return rows[0] as Record<string, unknown> & { tenant: string };
}

export async function listAlerts(db: SqlExecutor, tenant: string, callId: string) {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT a.alert_id, a.rule_id, a.severity, a.audience, a.channel, a.start_ms, a.fired_at, a.message,
       a.evidence, k.acked_by, k.acked_at, a.ended_at, a.end_reason, a.escalation_of,
       a.ends_earlier_alerts
     FROM alerts a LEFT JOIN alert_acks k ON k.tenant = a.tenant AND k.alert_id = a.alert_id
     WHERE a.tenant = $1 AND a.call_id = $2 ORDER BY a.start_ms, a.alert_id`,
    [tenant, callId],
  );
  return rows.map((r) => ({
    alertId: String(r.alert_id),
    ruleId: String(r.rule_id),
    severity: String(r.severity),
    audience: String(r.audience),
    channel: (r.channel ?? null) as 'agent' | 'customer' | null,
    startMs: Number(r.start_ms),
    firedAt: iso(r.fired_at) as string,
    message: String(r.message),
    evidence: (r.evidence ?? []) as string[],
    acknowledgement: r.acked_at ? { by: String(r.acked_by), at: iso(r.acked_at) as string } : null,
    // Closed before the call ended (consent withdrawn, erased live; migration 021); null: it
    // ended with the call.
    end: r.ended_at ? { at: iso(r.ended_at) as string, reason: String(r.end_reason) } : null,
    /** On an escalation: the alert it escalated (migration 023). */
    escalationOf: (r.escalation_of ?? null) as string | null,
    /** A recovery (migration 025); null: the record did not say (read by the rule id). */
    endsEarlierAlerts: (r.ends_earlier_alerts ?? null) as boolean | null,
  }));
}

function reviewItem(r: Record<string, unknown>) {
  return {
    reviewId: String(r.review_id),
    reviewer: String(r.reviewer),
    notes: String(r.notes),
    scoreOverride: num(r.score_override),
    createdAt: iso(r.created_at) as string,
  };
}

export async function listReviews(db: SqlExecutor, tenant: string, callId: string) {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT review_id, reviewer, notes, score_override, created_at FROM reviews
     WHERE tenant = $1 AND call_id = $2 ORDER BY created_at, review_id`,
    [tenant, callId],
  );
  return rows.map(reviewItem);
}

export async function getCall(db: SqlExecutor, scope: Scope, callId: string) {
  const row = await loadCallRow(db, scope, callId);
  const [alerts, verdicts, reviews, legs, links] = await Promise.all([
    listAlerts(db, row.tenant, callId),
    listVerdicts(db, row.tenant, callId),
    listReviews(db, row.tenant, callId),
    callLegs(db, scope, row),
    callLinks(db, scope, row.tenant, callId, (row.previous_call_id as string | null) ?? null),
  ]);
  const hidden = hiddenOutsideOwnLegs(scope, legs) !== null;
  const item = callListItem(row);
  return {
    ...item,
    storeFeatures: Boolean(row.store_features),
    /** The customer's pseudonym, for the customer page; null without one or when opted out of history. */
    customerRef: row.in_history && row.customer_ref ? String(row.customer_ref) : null,
    summary: hidden ? summaryWithoutOtherLegs(row.summary ?? null) : (row.summary ?? null),
    scorecard: hidden ? scorecardWithoutOtherLegs(row.scorecard ?? null) : (row.scorecard ?? null),
    legs,
    ...links,
    // Each alert's QA verdict (migration 024; null: not judged), a reviewer's like the notes.
    alerts: withLifecycles(alerts, item).map((a) => ({ ...a, verdict: verdicts.get(a.alertId) ?? null })),
    reviews,
  };
}

/**
 * The call's legs with each leg's agent figures; a call stored before migration 019 is one leg,
 * its row's. An agent gets the figures of their own legs only (another agent's are that agent's
 * and their supervisors').
 */
async function callLegs(db: SqlExecutor, scope: Scope, row: Record<string, unknown> & { tenant: string }) {
  const legs = await legsOfRow(db, row);
  return legs.map(({ startMs: _s, ...leg }) => ({
    ...leg,
    measures: scope.agentId === null || scope.agentId === leg.agentId ? leg.measures : null,
  }));
}

/** The reader's own legs when the rest of the call is another agent's (own-legs.ts), else null. */
export async function ownLegsToKeep(
  db: SqlExecutor,
  scope: Scope,
  row: Record<string, unknown> & { tenant: string },
): Promise<OwnSpan[] | null> {
  return scope.agentId === null ? null : hiddenOutsideOwnLegs(scope, await legsOfRow(db, row));
}

async function legsOfRow(db: SqlExecutor, row: Record<string, unknown> & { tenant: string }) {
  const durationMs = num(row.duration_ms);
  const stored = await readLegs(db, row.tenant, String(row.call_id), durationMs);
  const legs =
    stored.length > 0
      ? stored
      : [
          {
            startMs: 0,
            fromMs: 0,
            toMs: durationMs,
            agentId: String(row.agent_id),
            team: String(row.team ?? ''),
            queue: String(row.queue),
            measures: null,
          },
        ];
  return legs;
}

export const reviewBodySchema = z
  .object({
    notes: z.string().trim().min(1).max(10_000),
    scoreOverride: z.number().min(0).max(100).nullable().default(null),
  })
  .strict();

export async function addReview(
  db: SqlExecutor,
  scope: Scope,
  callId: string,
  reviewer: string,
  body: unknown,
) {
  const parsed = reviewBodySchema.safeParse(body);
  if (!parsed.success)
    throw new StoreError('INVALID_BODY', 'invalid review', issueLines(parsed.error.issues));
  const row = await loadCallRow(db, scope, callId);
  const reviewId = randomUUID();
  // Only while the call is still there, its row held until the review commits: a customer
  // erasure between the lookup and the insert left the review behind without its call (review).
  // KEY SHARE: it waits for a delete, never for ingest's or a summary's updates of the row.
  const rows = await db.query<Record<string, unknown>>(
    `INSERT INTO reviews (review_id, call_id, tenant, reviewer, notes, score_override)
     SELECT $1, call_id, tenant, $4, $5, $6 FROM calls WHERE call_id = $2 AND tenant = $3 FOR KEY SHARE
     RETURNING review_id, reviewer, notes, score_override, created_at`,
    [reviewId, callId, row.tenant, reviewer, parsed.data.notes, parsed.data.scoreOverride],
  );
  if (rows.length === 0) throw new StoreError('NOT_FOUND', `call ${callId} not found`);
  return reviewItem(rows[0]);
}
