// Each alert rule's va_alerts_raised_total series, kept in step with the rules in force. Pure
// (over the metrics registry).
import type { RuleSet } from '../../pipelines/alerts/index.ts';
import type { AlertMetrics } from './alert-metrics.ts';

/**
 * Each rule's count at 0 from the start, and from the reload that adds it: a series born at its
 * first alert reads no increase for it, and VaAlertsNotPushed (deploy/prometheus/alerts.yml)
 * missed the first alerts.
 */
export function ruleCounts(counters: AlertMetrics): (rules: RuleSet) => void {
  let counted = new Set<string>();
  return (rules) => {
    const ids = new Set(rules.rules.map((rule) => rule.id));
    // An id gone from every file takes its series along: a tenant's administrator renaming its
    // rules added up to 200 series per reload to /metrics, never removed.
    for (const rule of counted)
      if (!ids.has(rule)) for (const kind of ['fired', 'escalated']) counters.raised.remove({ rule, kind });
    for (const rule of ids) counters.raised.inc({ rule, kind: 'fired' }, 0);
    counted = ids;
  };
}
