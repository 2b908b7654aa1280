// The routing-service's Prometheus metrics (prom-client): hints produced, history lookups,
// webhook deliveries and the calls held. Registers into the service's registry; no I/O.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RoutingEngine } from '../../pipelines/routing/index.ts';

export interface RoutingMetrics {
  hints: Counter<'trigger' | 'suggested'>;
  lookups: Counter<'outcome'>;
  deliveries: Counter<'outcome'>;
}

export function createRoutingMetrics(registry: Registry, engine: RoutingEngine): RoutingMetrics {
  const registers = [registry];
  const metrics: RoutingMetrics = {
    hints: new Counter({
      name: 'va_routing_hints_total',
      help: 'Routing hints produced, by trigger and suggestion',
      labelNames: ['trigger', 'suggested'] as const,
      registers,
    }),
    lookups: new Counter({
      name: 'va_routing_history_lookups_total',
      help: 'Customer-history lookups at call start, by outcome (found, none, timeout, error, opted_out)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    deliveries: new Counter({
      name: 'va_routing_webhook_total',
      help: 'Webhook deliveries by outcome (delivered, retry, or the dead-letter code)',
      labelNames: ['outcome'] as const,
      registers,
    }),
  };
  new Gauge({
    name: 'va_routing_calls',
    help: 'Calls whose hint state this instance holds',
    registers,
    collect() {
      this.set(engine.size());
    },
  });
  return metrics;
}
