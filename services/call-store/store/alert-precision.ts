// The alert precision report (GET /reports/alert-precision): per rule and subject (the channel the
// rule watched), the alerts raised on the calls the reader may see, started in the period, and the
// reviewers' verdicts on them, with precision and its Wilson interval (pipelines/alerts/precision.ts).
// I/O: database.
import {
  rulePrecision,
  MIN_DECIDED_VERDICTS,
  type RulePrecision,
} from '../../../pipelines/alerts/precision.ts';
import type { SqlExecutor } from '../backend/backend.ts';
import type { Scope } from '../../shared/auth/call-access.ts';
import { anyLegSql, legScopeSql } from './leg-scope.ts';
import type { ReportPeriod } from './survey-report.ts';

export interface AlertPrecisionRow extends RulePrecision {
  ruleId: string;
  /** `agent`, `customer`, or null for an alert of the whole call. */
  subject: 'agent' | 'customer' | null;
}

export interface AlertPrecisionReport {
  minVerdicts: number;
  rules: AlertPrecisionRow[];
}

/**
 * An escalation (an agent cue sent on to supervisors, its own alert of the same rule) is part of
 * its alert's episode, as the QA figures count it (store/alert-counts.ts): not raised again, and a
 * verdict on it stands for the alert when the alert itself has none. Escalations stored before
 * migration 023 carry no link: known by their id, they are left out, verdict and all.
 */
const IS_ESCALATION = `(a.escalation_of IS NOT NULL OR a.alert_id LIKE '%.escalated')`;

/**
 * The alert's own verdict, else its latest judged escalation's. One row per cue whatever the
 * number of its escalations: the engine escalates an episode once, but a replay after a rebalance
 * can store a second escalation of the same cue under another window's id (alert-episodes.ts
 * reads them as one episode), and a plain join counted that cue, and its verdict, twice. The
 * escalations' verdicts are read from the verdicts (few: each one a reviewer's click).
 * Joins, not a subquery per alert: 2 000 calls of 4 alerts took 139 ms with a LATERAL lookup per
 * alert on PGlite (README, "Alert verdicts and rule precision").
 */
const VERDICT = 'COALESCE(v.verdict, ve.verdict)';

export async function alertPrecision(
  db: SqlExecutor,
  scope: Scope,
  period: ReportPeriod & { team?: string } = {},
): Promise<AlertPrecisionReport> {
  const params: unknown[] = [];
  const where: string[] = [];
  legScopeSql(scope, params, where);
  if (period.from) where.push(`c.started_at >= $${params.push(period.from)}::timestamptz`);
  if (period.to) where.push(`c.started_at < $${params.push(period.to)}::timestamptz`);
  // A team lead's own report inside their scope: a call any leg of which was the team's.
  if (period.team) where.push(anyLegSql('c', 'team', `$${params.push([period.team])}`));
  // The escalations' verdicts of the reader's tenant only (every tenant's for an all-tenant admin).
  const escalationTenant = scope.tenant === null ? '' : `AND ev.tenant = $${params.push(scope.tenant)}`;
  const rows = await db.query<Record<string, unknown>>(
    `SELECT a.rule_id, a.channel, count(*)::int AS raised,
       count(*) FILTER (WHERE ${VERDICT} = 'right')::int AS right_n,
       count(*) FILTER (WHERE ${VERDICT} = 'wrong')::int AS wrong_n,
       count(*) FILTER (WHERE ${VERDICT} = 'unsure')::int AS unsure_n
     FROM calls c
     JOIN alerts a ON a.tenant = c.tenant AND a.call_id = c.call_id AND NOT ${IS_ESCALATION}
     LEFT JOIN alert_verdicts v ON v.tenant = a.tenant AND v.alert_id = a.alert_id
     LEFT JOIN (
       SELECT DISTINCT ON (e.tenant, e.escalation_of) e.tenant, e.escalation_of, ev.verdict
       FROM alert_verdicts ev JOIN alerts e ON e.tenant = ev.tenant AND e.alert_id = ev.alert_id
       WHERE e.escalation_of IS NOT NULL ${escalationTenant}
       ORDER BY e.tenant, e.escalation_of, ev.judged_at DESC, ev.alert_id
     ) ve ON ve.tenant = a.tenant AND ve.escalation_of = a.alert_id
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     GROUP BY a.rule_id, a.channel
     ORDER BY a.rule_id, a.channel NULLS FIRST`,
    params,
  );
  return {
    minVerdicts: MIN_DECIDED_VERDICTS,
    rules: rows.map((r) => ({
      ruleId: String(r.rule_id),
      subject: (r.channel ?? null) as AlertPrecisionRow['subject'],
      ...rulePrecision({
        raised: Number(r.raised),
        right: Number(r.right_n),
        wrong: Number(r.wrong_n),
        unsure: Number(r.unsure_n),
      }),
    })),
  };
}
