// The gateway's own metrics on top of the common ones (shared/metrics.ts): live calls, frames,
// gaps, and the delay batching adds (first frame of a chunk received -> chunk acked by Kafka).
// Pure (prom-client objects on the service registry).
import { Gauge, type Counter, type Histogram } from 'prom-client';
import { metricBuilders } from '../shared/metric-builders.ts';
import { LATENCY_BUCKETS_S, type ServiceMetrics } from '../shared/metrics.ts';
import type { AudioPlacement } from './audio-placement.ts';
import type { KafkaSink } from './kafka-sink.ts';

export interface GatewayMetrics {
  readonly liveCalls: Gauge;
  /**
   * Calls by outcome: `started`, then `ended` (CallEnd, flushed), `lost` (CallEnd whose flush the
   * broker never acknowledged), `failed` (ended by an error), `handed_over` (to resume on another
   * gateway) or `abandoned` (its client went silent): the ratio of dropped calls an alert needs.
   */
  readonly calls: Counter<'outcome'>;
  readonly frames: Counter;
  readonly gaps: Counter;
  readonly chunkDelaySeconds: Histogram;
  readonly errors: ServiceMetrics['errors'];
  readonly streamsPaused: Counter;
  /** WebSocket adapters: sockets that dropped mid-call, resumed by a reconnect or ended. */
  readonly streamDrops: Counter<'adapter' | 'outcome'>;
  /** Consents narrowed mid-call (ConsentChange), by whether analytics is still given. */
  readonly consentChanges: Counter<'analytics'>;
  /** New calls taken while the consent changes could not be confirmed read (unconfirmed-start.ts). */
  readonly unconfirmedStarts: Counter;
}

export function createGatewayMetrics(base: ServiceMetrics): GatewayMetrics {
  const metric = metricBuilders(base.registry);
  const metrics: GatewayMetrics = {
    errors: base.errors,
    liveCalls: metric.gauge('va_ingest_live_calls', 'Calls streaming now'),
    calls: metric.counter(
      'va_ingest_calls_total',
      'Calls by outcome: started, then ended, lost (end not acknowledged by Kafka), failed, handed_over or abandoned',
      ['outcome'],
    ),
    frames: metric.counter('va_ingest_frames_total', 'Audio frames accepted'),
    gaps: metric.counter('va_ingest_gaps_total', 'Sequence gaps (missing frames) seen'),
    chunkDelaySeconds: metric.histogram(
      'va_ingest_chunk_delay_seconds',
      'First frame of a chunk received -> the chunk acknowledged by Kafka (batching + produce)',
      { buckets: LATENCY_BUCKETS_S },
    ),
    streamsPaused: metric.counter(
      'va_ingest_backpressure_pauses_total',
      'Times a stream was paused because Kafka was behind',
    ),
    streamDrops: metric.counter(
      'va_ingest_stream_drops_total',
      'gRPC streams and adapter sockets dropped mid-call, by outcome: resumed (reconnect within RECONNECT_GRACE_MS) or ended',
      ['adapter', 'outcome'],
    ),
    unconfirmedStarts: metric.counter(
      'va_ingest_unconfirmed_starts_total',
      'New calls (start time within 5 s) taken while the consent changes of other gateways could not be confirmed read (broker away); resumes stay refused CONSENT_UNCONFIRMED',
    ),
    consentChanges: metric.counter(
      'va_ingest_consent_changes_total',
      'Consents narrowed mid-call (ConsentChange), by analytics still given (false: withdrawn)',
      ['analytics'],
    ),
  };
  // At 0 from the start: a series born at its first count reads no increase for that count, and
  // the dropped-call alerts (deploy/prometheus/alerts.yml) missed each process's first drop.
  for (const outcome of ['started', 'ended', 'lost', 'failed', 'handed_over', 'abandoned'])
    metrics.calls.inc({ outcome }, 0);
  for (const code of ['BROKER_UNAVAILABLE', 'PRODUCE_FAILED']) metrics.errors.inc({ code }, 0);
  return metrics;
}

/**
 * What waits for Kafka, read at each scrape: the bytes held (bounded by BACKPRESSURE_HIGH_BYTES
 * plus what paused streams had in flight) and how long the oldest has waited (broker-outage.ts).
 */
export function watchSink(base: ServiceMetrics, sink: KafkaSink): void {
  const metric = metricBuilders(base.registry);
  metric.gaugeReading(
    'va_ingest_pending_bytes',
    'Audio and call-event bytes accepted and not yet acknowledged by Kafka',
    () => sink.pendingBytes(),
  );
  metric.gaugeReading(
    'va_ingest_broker_stall_seconds',
    'Age of the oldest record not yet acknowledged by Kafka (0 when none waits)',
    () => sink.stalledForMs() / 1000,
  );
}

/** The balanced partitioner's live calls per audio partition, read at each scrape (its evenness). */
export function watchPlacement(base: ServiceMetrics, placement: AudioPlacement): void {
  new Gauge({
    name: 'va_ingest_audio_partition_calls',
    help: "This gateway's live calls per audio partition (AUDIO_PARTITIONER=balanced)",
    labelNames: ['partition'] as const,
    registers: [base.registry],
    collect() {
      // A partition whose last call ended drops out rather than keep its last count.
      this.reset();
      for (const [partition, calls] of placement.callsPerPartition())
        this.set({ partition: String(partition) }, calls);
    },
  });
}
