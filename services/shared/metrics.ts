// The common Prometheus metrics of every service, on a registry of its own (prom-client):
// records in/out by topic, processing time, consumer lag, errors by code, and the end-to-end
// latency from the audio's arrival to the event being produced. Pure (no I/O until scraped).
import { collectDefaultMetrics, Registry, type Counter, type Gauge, type Histogram } from 'prom-client';
import { metricBuilders } from './metric-builders.ts';

/**
 * 5 ms .. 5 min: the pipeline's budget is a p99 under 250-500 ms, and a backlog after a restart
 * or an outage lasts seconds to minutes (with 5 s the top bucket, every late event read "5 s").
 */
export const LATENCY_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.35, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 30, 60, 300,
];

/** 10 ms .. 1 h: NTP keeps hosts within milliseconds; seconds and more is a broken clock. */
export const CLOCK_AHEAD_BUCKETS_S = [0.01, 0.1, 0.5, 1, 5, 30, 120, 600, 3600];

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly recordsIn: Counter<'topic'>;
  readonly recordsOut: Counter<'topic'>;
  /** Seconds spent processing one consumed batch (or one gRPC message batch). */
  readonly processingSeconds: Histogram<'stage'>;
  /** Per consumer group (a service may run several: the alert service's evaluator and fan-out). */
  readonly consumerLag: Gauge<'group' | 'topic' | 'partition'>;
  readonly errors: Counter<'code'>;
  /** Audio arrival at the gateway -> this service produced the event; label = output kind. */
  readonly e2eLatencySeconds: Histogram<'kind'>;
  /**
   * Consumed records whose Kafka timestamp (CreateTime: the producing host's clock) is ahead of
   * this host's clock, by how far. No record arrives before it was written: any count here is
   * clock skew between two hosts, which the latency histograms clamp to 0 and so hide.
   */
  readonly recordClockAheadSeconds: Histogram<'topic'>;
  /** Convenience: observe from wall-clock ms. */
  observeLatency(kind: string, audioCompletedAtMs: number, producedAtMs?: number): void;
}

export function createServiceMetrics(
  service: string,
  options: { defaultMetrics?: boolean } = {},
): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'va_' });
  const metric = metricBuilders(registry);
  const e2eLatencySeconds = metric.histogram(
    'va_e2e_latency_seconds',
    'Wall-clock seconds from the arrival at the gateway of the audio completing a window to this event being produced',
    { labelNames: ['kind'], buckets: LATENCY_BUCKETS_S },
  );
  return {
    registry,
    recordsIn: metric.counter('va_records_in_total', 'Records consumed (or frames received), by topic', [
      'topic',
    ]),
    recordsOut: metric.counter('va_records_out_total', 'Records produced, by topic', ['topic']),
    processingSeconds: metric.histogram(
      'va_processing_seconds',
      'Seconds spent processing one batch, by stage',
      {
        labelNames: ['stage'],
        buckets: LATENCY_BUCKETS_S,
      },
    ),
    consumerLag: metric.gauge(
      'va_consumer_lag',
      'Records between the last consumed offset and the partition high watermark, by consumer group',
      ['group', 'topic', 'partition'],
    ),
    errors: metric.counter(
      'va_errors_total',
      'Errors by stable code (bad input, dead letters, produce failures)',
      ['code'],
    ),
    e2eLatencySeconds,
    recordClockAheadSeconds: metric.histogram(
      'va_record_clock_ahead_seconds',
      "How far a consumed record's timestamp (its producer host's clock) was ahead of this host's clock, by topic; only records from the future are counted",
      { labelNames: ['topic'], buckets: CLOCK_AHEAD_BUCKETS_S },
    ),
    observeLatency(kind, audioCompletedAtMs, producedAtMs = Date.now()) {
      if (audioCompletedAtMs > 0)
        e2eLatencySeconds.observe({ kind }, Math.max(0, producedAtMs - audioCompletedAtMs) / 1000);
    },
  };
}
