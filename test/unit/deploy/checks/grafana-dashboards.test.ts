// The parts that need no running service: the dashboards are valid JSON that
// Grafana's provisioning in compose loads, every panel queries the provisioned Prometheus, and the
// PromQL reader finds the metric names of the expressions the dashboards use. Whether the services
// export those metrics is checked against real scrapes in test/int/pipeline/dashboard-metrics.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  dashboardQueries,
  exportedMetricNames,
  metricNamesOf,
  unknownDashboardMetrics,
} from '../../../../deploy/checks/promql-metrics.ts';

const DIR = 'deploy/grafana/dashboards';
const dashboards = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8'))] as const);

describe('PromQL metric names', () => {
  it.each([
    [
      'histogram_quantile(0.99, sum by (le, service) (rate(va_e2e_latency_seconds_bucket[$__rate_interval])))',
      ['va_e2e_latency_seconds_bucket'],
    ],
    ['sum by (service) (va_process_resident_memory_bytes) / 1048576', ['va_process_resident_memory_bytes']],
    [
      'sum(rate(a_total{topic="va.deadletter.v1",x=~"b|c"}[5m])) > 0 and on(service) up == 1',
      ['a_total', 'up'],
    ],
    ['rate(x_total[5m] offset 1h) * 1e3 + job:foo:rate5m', ['x_total', 'job:foo:rate5m']],
    ['sum without (instance) (a) / ignoring(job) group_left(x) b', ['a', 'b']],
    ['max_over_time(q[1m:10s]) unless absent(r)', ['q', 'r']],
  ])('%s', (expr, names) => {
    expect(metricNamesOf(expr).sort()).toEqual([...names].sort());
  });

  it('knows a histogram by its _bucket, _sum and _count series', () => {
    const exported = exportedMetricNames(
      '# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 0\n# TYPE c counter\nc_total 1\n# TYPE g gauge\n',
    );
    expect([...exported].sort()).toEqual(['c', 'c_total', 'g', 'h', 'h_bucket', 'h_count', 'h_sum']);
  });

  it('names each panel and metric no scrape exports', () => {
    const dashboard = { panels: [{ title: 'p', targets: [{ expr: 'sum(rate(a_total[1m])) / sum(b)' }] }] };
    expect(unknownDashboardMetrics(dashboard, new Set(['a_total']))).toEqual(['p: b']);
  });
});

describe.each(dashboards)('dashboard %s', (_file, dashboard) => {
  it('has a uid, a title and queries in every panel, all on the provisioned Prometheus', () => {
    const source = parse(readFileSync('deploy/grafana/provisioning/datasources/prometheus.yaml', 'utf8')) as {
      datasources: { uid: string }[];
    };
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(dashboard.title).toBeTruthy();
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      expect(panel.datasource.uid).toBe(source.datasources[0].uid);
    }
    expect(dashboardQueries(dashboard).length).toBeGreaterThan(10);
  });

  it('shows the panels an operator needs', () => {
    const queried = new Set(dashboardQueries(dashboard).flatMap(([, expr]) => metricNamesOf(expr)));
    for (const metric of [
      'va_ingest_live_calls', // live calls
      'va_e2e_latency_seconds_bucket', // e2e latency percentiles
      'va_consumer_lag', // consumer lag per group
      'va_dsp_windows_total', // windows/s
      'va_alerts_raised_total', // alerts/s
      'va_records_out_total', // dead letters (topic va.deadletter.v1)
      'va_alert_ws_clients', // WebSocket clients
      'va_store_rows_total', // store ingest
    ])
      expect(queried, metric).toContain(metric);
  });
});

describe('docker-compose.yml runs Grafana beside Prometheus', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
    services: Record<string, { image?: string; volumes?: string[]; depends_on?: string[] }>;
  };
  it('with the provisioning and the dashboards mounted', () => {
    const grafana = compose.services.grafana;
    expect(grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(grafana.depends_on).toContain('prometheus');
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
        './deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
    const provider = parse(
      readFileSync('deploy/grafana/provisioning/dashboards/voice-analytics.yaml', 'utf8'),
    ) as {
      providers: { options: { path: string } }[];
    };
    expect(provider.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });
});
