// GET /agents/:id/summary: one agent's calls over a period, from the per-call summaries: customer
// trajectory (start → end valence), stress exposure, pace compliance, overtalk rate, alerts
// received and acknowledged. I/O: database.
import { z } from 'zod';
import type { SqlExecutor } from '../backend/backend.ts';
import { StoreError, issueLines } from '../errors.ts';
import { num, round } from './rows.ts';
import type { Scope } from '../../shared/auth/call-access.ts';
import { agentLegsJoin, agentShareColumns } from './agent-legs.ts';
import { anyLegSql, legScopeSql } from './leg-scope.ts';
import { soleTenant } from './sole-tenant.ts';
import { queryTime } from './search.ts';

export const agentSummaryQuerySchema = z
  .object({
    from: queryTime,
    to: queryTime,
    tenant: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((q) => Date.parse(q.from) <= Date.parse(q.to), {
    message: 'from must not be after to',
    path: ['from'],
  });

export function parseAgentSummaryQuery(input: Record<string, string>) {
  const parsed = agentSummaryQuerySchema.safeParse(input);
  if (!parsed.success)
    throw new StoreError('INVALID_QUERY', 'invalid query', issueLines(parsed.error.issues));
  return parsed.data;
}

const f = (key: string) => `(c.summary->>'${key}')::float8`;

export async function agentSummary(db: SqlExecutor, scope: Scope, agentId: string, from: string, to: string) {
  const params: unknown[] = [agentId, from, to];
  // Every call on which the agent had a leg; the agent-side figures are those of their legs.
  const where = [
    anyLegSql('c', 'agent_id', '$1'),
    'c.started_at >= $2::timestamptz',
    'c.started_at < $3::timestamptz',
  ];
  legScopeSql(scope, params, where);
  // Agent ids are a tenant's own: over every tenant, two tenants' agent-7 summed into one
  // summary would be nobody's, so such an admin names the tenant (as for a call id).
  const tenant = await soleTenant(db, scope, where, params, () => {
    throw new StoreError(
      'AMBIGUOUS_AGENT',
      `agent ${agentId} exists in several tenants: name the tenant (?tenant=…)`,
    );
  });
  const share = agentShareColumns(scope);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT count(*)::int AS calls,
       count(c.summary)::int AS summarised,
       coalesce(sum(${share.durationMs}), 0)::float8 AS duration_ms,
       avg(${f('customerStartValence')}) AS start_valence,
       avg(${f('customerEndValence')}) AS end_valence,
       avg(c.trajectory) AS trajectory,
       coalesce(sum(${f('customerNegativeS')}), 0) AS negative_s,
       coalesce(sum(c.customer_anger_s), 0)::float8 AS anger_s,
       avg(${share.pace}) AS pace,
       avg(${share.tension}) AS tension,
       coalesce(sum(${share.overtalk}), 0) AS overtalk,
       coalesce(sum(${share.alerts}), 0)::int AS alerts,
       coalesce(sum(${share.acked}), 0)::int AS acked,
       avg(c.score) AS score
     FROM calls c ${agentLegsJoin(scope, '$1')} WHERE ${where.join(' AND ')}`,
    params,
  );
  const r = rows[0];
  const minutes = Number(r.duration_ms) / 60_000;
  return {
    agentId,
    tenant,
    from,
    to,
    calls: Number(r.calls),
    summarisedCalls: Number(r.summarised),
    talkMinutes: round(minutes, 1) as number,
    customerTrajectory: {
      startValence: round(r.start_valence, 3),
      endValence: round(r.end_valence, 3),
      meanChange: round(r.trajectory, 3),
    },
    stressExposure: {
      customerNegativeS: round(r.negative_s, 1) as number,
      customerAngerS: round(r.anger_s, 1) as number,
      agentTensionCompliance: round(r.tension, 3),
    },
    paceCompliance: round(r.pace, 3),
    overtalkPerMin: minutes > 0 ? (round(Number(r.overtalk) / minutes, 3) as number) : null,
    alertsReceived: Number(r.alerts),
    alertsAcknowledged: Number(r.acked),
    meanScore: num(r.score) === null ? null : round(r.score, 1),
  };
}
