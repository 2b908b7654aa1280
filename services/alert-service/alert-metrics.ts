// The alert-service's Prometheus metrics (prom-client), defined in one place: WebSocket hub
// events, alerts raised, logins, rule reloads, the live gauges, and the history-line metrics
// (registered only when history lines are on). Registers into the service's registry; no I/O.
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { metricBuilders } from '../shared/metric-builders.ts';
import { LATENCY_BUCKETS_S } from '../shared/metrics.ts';
import type { CallRegistry } from './call-registry.ts';
import type { Hub } from './hub.ts';

export interface AlertMetrics {
  wsEvents: Counter<'event' | 'code'>;
  /** Raised by the rules engine (any instance) -> pushed to this instance's first client. */
  pushSeconds: Histogram;
  raised: Counter<'rule' | 'kind'>;
  logins: Counter<'outcome'>;
  reloads: Counter<'outcome'>;
  rulesFileValid: Gauge;
  /** One series per tenant rule file in ALERT_TENANT_RULES_DIR (removed with the file). */
  tenantRulesFileValid: Gauge<'tenant'>;
}

export function createAlertMetrics(registry: Registry): AlertMetrics {
  const metric = metricBuilders(registry);
  const metrics: AlertMetrics = {
    wsEvents: metric.counter(
      'va_alert_ws_events_total',
      'WebSocket hub events (connects, auth failures, bad messages, slow clients dropped, pushes)',
      ['event', 'code'],
    ),
    raised: metric.counter('va_alerts_raised_total', 'Alerts raised by the rules engine', ['rule', 'kind']),
    pushSeconds: metric.histogram(
      'va_alert_push_seconds',
      'Wall-clock seconds from an alert raised by the rules engine to its first WebSocket client on this instance (alerts re-read at a start not counted)',
      { buckets: LATENCY_BUCKETS_S },
    ),
    logins: metric.counter('va_alert_logins_total', 'Login attempts by outcome', ['outcome']),
    reloads: metric.counter(
      'va_alert_rule_reloads_total',
      'Rule file reloads by outcome (the global file and each tenant file)',
      ['outcome'],
    ),
    rulesFileValid: metric.gauge(
      'va_alert_rules_file_valid',
      '1 while the rule file on disk is the rules in force; 0 after a rejected change (the previous rules run, and a restart would refuse the file)',
    ),
    tenantRulesFileValid: metric.gauge(
      'va_alert_tenant_rules_file_valid',
      "1 while a tenant's rule file (ALERT_TENANT_RULES_DIR) is that tenant's rules in force; 0 after it was rejected (the tenant keeps its previous rules; at start, the global rules only)",
      ['tenant'],
    ),
  };
  // At 0 from the start: a series born at its first push reads no increase for it (alerts.yml).
  metrics.wsEvents.inc({ event: 'alert_pushed', code: '' }, 0);
  return metrics;
}

/** Gauges read at scrape time: connected clients and calls in this instance's registry. */
export function registerLiveGauges(registry: Registry, hub: Hub, calls: CallRegistry): void {
  const metric = metricBuilders(registry);
  metric.gaugeReading('va_alert_ws_clients', 'Connected WebSocket clients', () => hub.clientCount());
  metric.gaugeReading('va_alert_live_calls', "Calls in this instance's registry", () => calls.size());
}

export interface HistoryMetrics {
  lookups: Counter<'outcome'>;
  shown: Histogram;
}

export function createHistoryMetrics(registry: Registry): HistoryMetrics {
  const metric = metricBuilders(registry);
  return {
    lookups: metric.counter(
      'va_alert_history_lookups_total',
      'Customer history lookups at call start by outcome (line, none, cached, timeout, error, busy)',
      ['outcome'],
    ),
    shown: metric.histogram(
      'va_alert_history_line_seconds',
      'From the CallStart record produced to its history line pushed to clients',
      { buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5] },
    ),
  };
}
