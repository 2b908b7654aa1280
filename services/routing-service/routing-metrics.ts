// The routing-service's Prometheus metrics (prom-client): hints produced, history lookups,
// webhook deliveries and the calls held. Registers into the service's registry; no I/O.
import type { Counter, Registry } from 'prom-client';
import { metricBuilders } from '../shared/metric-builders.ts';
import type { RoutingEngine } from '../../pipelines/routing/index.ts';

export interface RoutingMetrics {
  hints: Counter<'trigger' | 'suggested'>;
  lookups: Counter<'outcome'>;
  deliveries: Counter<'outcome'>;
}

export function createRoutingMetrics(registry: Registry, engine: RoutingEngine): RoutingMetrics {
  const metric = metricBuilders(registry);
  const metrics: RoutingMetrics = {
    hints: metric.counter('va_routing_hints_total', 'Routing hints produced, by trigger and suggestion', [
      'trigger',
      'suggested',
    ]),
    lookups: metric.counter(
      'va_routing_history_lookups_total',
      'Customer-history lookups at call start, by outcome (found, none, timeout, error, opted_out, skipped: the source kept failing)',
      ['outcome'],
    ),
    deliveries: metric.counter(
      'va_routing_webhook_total',
      'Webhook deliveries by outcome (delivered, retry, or the dead-letter code)',
      ['outcome'],
    ),
  };
  metric.gaugeReading('va_routing_calls', 'Calls whose hint state this instance holds', () => engine.size());
  return metrics;
}
