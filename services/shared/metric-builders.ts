// Prometheus metrics on one registry, declared by name, help and labels only: every service's
// metric definitions go through these builders instead of repeating prom-client's options (the
// registry, a `collect` that reads a size at scrape time). Pure (prom-client objects).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface HistogramOptions<L extends string> {
  labelNames?: readonly L[];
  /** Upper bounds in seconds; prom-client's defaults when absent. */
  buckets?: number[];
}

export interface MetricBuilders {
  counter<L extends string = string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<L extends string = string>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
  histogram<L extends string = string>(
    name: string,
    help: string,
    options?: HistogramOptions<L>,
  ): Histogram<L>;
  /** A gauge set to `read()` at each scrape: sizes the service holds (calls, clients, bytes). */
  gaugeReading(name: string, help: string, read: () => number): Gauge;
}

export function metricBuilders(registry: Registry): MetricBuilders {
  const registers = [registry];
  return {
    counter: (name, help, labelNames = []) => new Counter({ name, help, labelNames, registers }),
    gauge: (name, help, labelNames = []) => new Gauge({ name, help, labelNames, registers }),
    histogram: (name, help, { labelNames = [], buckets } = {}) =>
      // An absent `buckets` key, not `undefined`: prom-client would take undefined over its defaults.
      new Histogram({ name, help, labelNames, registers, ...(buckets ? { buckets } : {}) }),
    gaugeReading: (name, help, read) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      }),
  };
}
