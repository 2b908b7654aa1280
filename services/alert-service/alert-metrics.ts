// The alert-service's Prometheus metrics (prom-client), defined in one place: WebSocket hub
// events, alerts raised, logins, rule reloads, the live gauges, and the history-line metrics
// (registered only when history lines are on). Registers into the service's registry; no I/O.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CallRegistry } from './call-registry.ts';
import type { Hub } from './hub.ts';

export interface AlertMetrics {
  wsEvents: Counter<'event' | 'code'>;
  raised: Counter<'rule' | 'kind'>;
  logins: Counter<'outcome'>;
  reloads: Counter<'outcome'>;
}

export function createAlertMetrics(registry: Registry): AlertMetrics {
  const registers = [registry];
  return {
    wsEvents: new Counter({
      name: 'va_alert_ws_events_total',
      help: 'WebSocket hub events (connects, auth failures, bad messages, slow clients dropped, pushes)',
      labelNames: ['event', 'code'] as const,
      registers,
    }),
    raised: new Counter({
      name: 'va_alerts_raised_total',
      help: 'Alerts raised by the rules engine',
      labelNames: ['rule', 'kind'] as const,
      registers,
    }),
    logins: new Counter({
      name: 'va_alert_logins_total',
      help: 'Login attempts by outcome',
      labelNames: ['outcome'] as const,
      registers,
    }),
    reloads: new Counter({
      name: 'va_alert_rule_reloads_total',
      help: 'Rule file reloads by outcome',
      labelNames: ['outcome'] as const,
      registers,
    }),
  };
}

/** Gauges read at scrape time: connected clients and calls in this instance's registry. */
export function registerLiveGauges(registry: Registry, hub: Hub, calls: CallRegistry): void {
  const registers = [registry];
  new Gauge({
    name: 'va_alert_ws_clients',
    help: 'Connected WebSocket clients',
    registers,
    collect() {
      this.set(hub.clientCount());
    },
  });
  new Gauge({
    name: 'va_alert_live_calls',
    help: "Calls in this instance's registry",
    registers,
    collect() {
      this.set(calls.size());
    },
  });
}

export interface HistoryMetrics {
  lookups: Counter<'outcome'>;
  shown: Histogram;
}

export function createHistoryMetrics(registry: Registry): HistoryMetrics {
  const registers = [registry];
  return {
    lookups: new Counter({
      name: 'va_alert_history_lookups_total',
      help: 'Customer history lookups at call start by outcome (line, none, cached, timeout, error, busy)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    shown: new Histogram({
      name: 'va_alert_history_line_seconds',
      help: 'From the CallStart record produced to its history line pushed to clients',
      buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5],
      registers,
    }),
  };
}
