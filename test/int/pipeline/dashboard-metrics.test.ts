// Every metric a Grafana dashboard panel or an alert rule queries is one the services export,
// read from real /metrics scrapes of all five services (child processes on the real broker) after
// a call went through them. The same check fails a dashboard that queries an unknown metric.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  exportedMetricNames,
  ruleQueries,
  unknownDashboardMetrics,
  unknownQueryMetrics,
} from '../../../deploy/checks/promql-metrics.ts';
import { parse } from 'yaml';
import { syntheticCall } from '../../../devkit/audio/stereo-call.ts';
import { scrape, toTelephoneCall } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { startPipeline, type RunningPipeline } from '../../../devkit/pipeline/pipeline-procs.ts';
import { streamTelephoneCall } from '../../../devkit/stream/stream-telephone-call.ts';
import { TOPICS } from '../../../services/shared/topics.ts';
import { uniqueName } from '../../support/kafka.ts';

const DIR = 'deploy/grafana/dashboards';

describe('Grafana dashboards against real /metrics scrapes', () => {
  const suffix = uniqueName('dash').replace('.', '-');
  const dataDir = mkdtempSync(join(tmpdir(), 'va-dash-'));
  let pipeline: RunningPipeline;
  let exported: Set<string>;
  let scrapes: Record<string, string>;

  beforeAll(async () => {
    const tag = `.${suffix}`;
    const jwt = randomBytes(32).toString('base64url');
    pipeline = await startPipeline({
      brokers: inject('kafkaBrokers'),
      suffix,
      dspWorkers: 1,
      partitions: 2,
      extras: [
        {
          name: 'alert-service',
          service: 'alert-service',
          env: {
            ALERT_PORT: '0',
            ALERT_HOST: '127.0.0.1',
            JWT_SECRET: jwt,
            ALERT_GROUP_ID: `va-alert-service${tag}`,
            ALERT_FANOUT_GROUP_PREFIX: `va-alert-fanout${tag}`,
            CALLS_TOPIC: TOPICS.calls + tag,
            FEATURES_TOPIC: TOPICS.features + tag,
            EMOTIONS_TOPIC: TOPICS.emotions + tag,
            ALERTS_TOPIC: TOPICS.alerts + tag,
            DEADLETTER_TOPIC: TOPICS.deadletter + tag,
          },
        },
        {
          name: 'call-store',
          service: 'call-store',
          env: {
            API_PORT: '0',
            JWT_SECRET: jwt,
            STORE_DATA_DIR: join(dataDir, 'store'),
            SERVE_WEB: 'false',
            STORE_GROUP_ID: `call-store${tag}`,
            ALERTS_TOPIC: TOPICS.alerts + tag,
          },
        },
      ],
    });
    // One call through every stage, so the labelled series have samples too.
    const call = toTelephoneCall(uniqueName('dash-call'), syntheticCall(6));
    expect(
      (await streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, call, { speed: 4 })).code,
    ).toBe(0);
    await waitFor(
      'the call to reach the call store',
      async () => {
        const store = pipeline.services['call-store'];
        if (store.child.exitCode !== null)
          throw new Error(`call-store exited:\n${store.output().slice(-3000)}`);
        const text = await scrape(pipeline.ports['call-store']).catch(() => '');
        return /va_store_rows_total\{[^}]*\} [1-9]/.test(text);
      },
      60_000,
    );
    scrapes = Object.fromEntries(
      await Promise.all(
        Object.entries(pipeline.ports).map(async ([name, port]) => [name, await scrape(port)]),
      ),
    );
    exported = new Set(Object.values(scrapes).flatMap((text) => [...exportedMetricNames(text)]));
  });
  afterAll(async () => {
    await pipeline?.stop();
    await pipeline?.deleteTopics();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(readdirSync(DIR).filter((f) => f.endsWith('.json')))('%s queries only exported metrics', (file) => {
    const dashboard = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Parameters<
      typeof unknownDashboardMetrics
    >[0];
    expect(exported.size).toBeGreaterThan(50);
    expect(unknownDashboardMetrics(dashboard, exported)).toEqual([]);
  });

  it("the operators' alert rules (deploy/prometheus/alerts.yml) query only exported metrics", () => {
    const rules = ruleQueries(parse(readFileSync('deploy/prometheus/alerts.yml', 'utf8')));
    expect(rules.length).toBeGreaterThan(5);
    // The certificate's expiry exists with TLS_CERT_FILE only (this pipeline's gateway is plaintext).
    const withTls = 'va_tls_certificate_expiry_timestamp_seconds';
    expect(readFileSync('services/ingest-gateway/gateway.ts', 'utf8')).toContain(`name: '${withTls}'`);
    expect(unknownQueryMetrics(rules, new Set([...exported, withTls]))).toEqual([]);
  });

  it('fails a dashboard that queries a metric no service exports', () => {
    const dashboard = {
      panels: [
        { title: 'Live calls', targets: [{ expr: 'sum(va_calls_live)' }] },
        { title: 'Lag', targets: [{ expr: 'sum by (group) (va_consumer_lag_records)' }] },
        {
          title: 'Latency',
          targets: [{ expr: 'histogram_quantile(0.99, rate(va_e2e_latency_seconds_bucket[1m]))' }],
        },
      ],
    };
    expect(unknownDashboardMetrics(dashboard, exported)).toEqual([
      'Live calls: va_calls_live',
      'Lag: va_consumer_lag_records',
    ]);
  });

  it('reports consumer lag per consumer group (the dashboard sums by group)', () => {
    for (const [service, group] of [
      ['dsp-worker-1', `va-dsp-worker.${suffix}`],
      ['emotion-classifier', `va-emotion-classifier.${suffix}`],
      ['alert-service', `va-alert-service.${suffix}`],
      ['call-store', `call-store.${suffix}`],
    ]) {
      expect(scrapes[service], service).toMatch(
        new RegExp(`^va_consumer_lag\\{group="${group.replace(/\./g, '\\.')}"`, 'm'),
      );
    }
  });
});
