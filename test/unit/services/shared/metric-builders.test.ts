// The metric builders every service declares its metrics with: each metric lands on the given
// registry with its name, help and labels; a histogram without buckets keeps prom-client's
// defaults (an explicit `undefined` would erase them); a reading gauge is read at each scrape.
import { register, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { metricBuilders } from '../../../../services/shared/metric-builders.ts';

describe('metricBuilders', () => {
  it('registers counters, gauges and histograms on the given registry only', async () => {
    const registry = new Registry();
    const metric = metricBuilders(registry);
    metric.counter('t_events_total', 'Events by kind', ['kind']).inc({ kind: 'a' }, 2);
    metric.gauge('t_open', 'Open now').set(3);
    metric
      .histogram('t_seconds', 'Durations', { labelNames: ['stage'], buckets: [0.1, 1] })
      .observe({ stage: 's' }, 0.5);
    const text = await registry.metrics();
    expect(text).toContain('# HELP t_events_total Events by kind\n# TYPE t_events_total counter');
    expect(text).toContain('t_events_total{kind="a"} 2');
    expect(text).toContain('t_open 3');
    expect(text).toContain('t_seconds_bucket{le="0.1",stage="s"} 0');
    expect(text).toContain('t_seconds_bucket{le="1",stage="s"} 1');
    expect(await register.metrics()).not.toContain('t_events_total'); // not the global registry
  });

  it("keeps prom-client's default buckets when none are given", async () => {
    const registry = new Registry();
    metricBuilders(registry).histogram('t_default_seconds', 'Default buckets').observe(0.2);
    const buckets = [...(await registry.metrics()).matchAll(/le="([^"]+)"/g)].map((m) => m[1]);
    expect(buckets).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]);
  });

  it('reads a reading gauge at each scrape', async () => {
    const registry = new Registry();
    let size = 1;
    metricBuilders(registry).gaugeReading('t_calls', 'Calls held', () => size);
    expect(await registry.metrics()).toContain('t_calls 1');
    size = 7;
    expect(await registry.metrics()).toContain('t_calls 7');
  });
});
