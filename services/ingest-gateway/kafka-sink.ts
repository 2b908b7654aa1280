// The gateway's path to Kafka: records from every call go through a few "lanes" (a call always
// uses the same lane); each lane has one request in flight and sends everything queued meanwhile
// in the next one, so batches grow with load while one call's records stay in order. An idle lane
// lingers a few ms before sending, so the chunks of other calls arriving meanwhile share the request. Reports when
// it is behind, so streams pause (backpressure), and for how long the broker has not acknowledged
// (broker-outage.ts). A request that fails for a transient reason (a broker lost, the cluster
// down) is kept, in order, and sent again: nothing accepted is dropped. I/O: through the producer.
import type { Producer } from 'kafkajs';
import type { Logger } from '../shared/logger.ts';
import type { ServiceMetrics } from '../shared/metrics.ts';
import { countByTopic, sendRecords, type OutRecord } from '../shared/producer.ts';
import { isProducerStateError } from '../shared/renewing-producer.ts';

export interface KafkaSink {
  /** Queues records of one call (its id picks the lane); resolves once the broker acked them. */
  send(callId: string, records: OutRecord[]): Promise<void>;
  /** True while more than the high-water mark of bytes waits for the broker. */
  isBehind(): boolean;
  /** Called once when the sink falls back under the low-water mark. */
  onceDrained(listener: () => void): void;
  pendingBytes(): number;
  /** How long the oldest unacknowledged record has waited for the broker (0 when none waits). */
  stalledForMs(): number;
  /** Resolves when everything queued so far is acknowledged (or failed). */
  idle(): Promise<void>;
}

export interface KafkaSinkOptions {
  producer: Producer;
  logger: Logger;
  metrics?: ServiceMetrics;
  /** Pause intake above this many unacknowledged bytes. */
  highWaterBytes: number;
  /** Resume intake below this. */
  lowWaterBytes: number;
  /** Concurrent produce requests (each call's records stay in one lane, in order). Default 4. */
  lanes?: number;
  /** Records per request at most. */
  maxBatchRecords?: number;
  /**
   * Value bytes per request at most (default 512 KiB): a request's records of one partition form
   * one record batch, which the broker refuses above its message.max.bytes (1 MiB by default) —
   * reached by a burst of one fast call (a replay, a WebSocket client reading ahead, a LINEAR16
   * stream) or a backlog after a stall.
   */
  maxBatchBytes?: number;
  /** Wait before sending a request again after a transient failure (default 1 s). */
  retryDelayMs?: number;
  /**
   * An idle lane waits this long after its first record before sending (default 0): like the
   * Kafka producer's linger.ms, fewer and larger requests for at most this much more latency.
   */
  lingerMs?: number;
  /**
   * A monotonic clock in ms (default `performance.now`): it times only the stall. On the wall
   * clock, an NTP step forward of BROKER_HOLD_MAX_MS while any request was out read as a broker
   * that had not answered for that long, and the next sweep ended every live call UNAVAILABLE.
   */
  now?: () => number;
}

interface Pending {
  records: OutRecord[];
  bytes: number;
  queuedAtMs: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Lane {
  queue: Pending[];
  inFlight: boolean;
  /** Queued time of the oldest record of the request in flight (or waiting to be sent again). */
  inFlightSinceMs: number;
  /** Set while an idle lane waits for more records before sending. */
  lingering: NodeJS.Timeout | null;
}

/**
 * A failure worth sending again: anything but a broker's refusal that a replay cannot change
 * (kafkajs marks protocol errors such as MESSAGE_TOO_LARGE, INVALID_RECORD or an authorization
 * failure `retriable: false`). Lost connections, no leader, timeouts and kafkajs giving up after
 * its own retries (KafkaJSNumberOfRetriesExceeded, src/retry/index.js) are transient: with the
 * whole cluster down kafkajs reports them under several names, none of them permanent.
 */
export function isTransientProduceError(error: unknown): boolean {
  const e = error as { name?: string; retriable?: boolean } | null;
  // A refused idempotence state is not the records' fault: the producer is renewed
  // (renewing-producer.ts) and the same records go again.
  if (isProducerStateError(error)) return true;
  return !(e?.name === 'KafkaJSProtocolError' && e.retriable === false);
}

function sizeOf(records: OutRecord[]): number {
  let bytes = 0;
  for (const record of records) bytes += (record.message.value as Buffer | null)?.byteLength ?? 0;
  return bytes;
}

/** FNV-1a over the call id: a stable lane per call. */
function laneOf(callId: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < callId.length; i += 1) hash = Math.imul(hash ^ callId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
}

export function createKafkaSink(options: KafkaSinkOptions): KafkaSink {
  const lanes: Lane[] = Array.from({ length: Math.max(1, options.lanes ?? 4) }, () => ({
    queue: [],
    inFlight: false,
    inFlightSinceMs: 0,
    lingering: null,
  }));
  const now = options.now ?? (() => performance.now());
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const lingerMs = options.lingerMs ?? 0;
  const maxBatch = options.maxBatchRecords ?? 5_000;
  const maxBytes = options.maxBatchBytes ?? 512 * 1024;
  const { metrics } = options;
  let drained: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];
  let pending = 0;

  const busy = (): boolean => lanes.some((lane) => lane.inFlight || lane.queue.length > 0);

  const settle = (): void => {
    if (pending <= options.lowWaterBytes && drained.length > 0) {
      const listeners = drained;
      drained = [];
      for (const listener of listeners) listener();
    }
    if (!busy()) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const waiter of waiters) waiter();
    }
  };

  const pump = (lane: Lane): void => {
    if (lane.inFlight || lane.lingering !== null || lane.queue.length === 0) return;
    const taken: Pending[] = [];
    const records: OutRecord[] = [];
    let bytes = 0;
    while (
      lane.queue.length > 0 &&
      (records.length === 0 ||
        (records.length + lane.queue[0].records.length <= maxBatch &&
          bytes + lane.queue[0].bytes <= maxBytes))
    ) {
      const next = lane.queue.shift() as Pending;
      taken.push(next);
      bytes += next.bytes;
      for (const record of next.records) records.push(record);
    }
    lane.inFlight = true;
    lane.inFlightSinceMs = taken[0].queuedAtMs;
    let requeued = false;
    const started = performance.now();
    sendRecords(options.producer, records)
      .then(
        () => {
          metrics?.processingSeconds.observe({ stage: 'produce' }, (performance.now() - started) / 1000);
          if (metrics) countByTopic(records, (topic, n) => metrics.recordsOut.inc({ topic }, n));
          for (const entry of taken) entry.resolve();
        },
        (error: unknown) => {
          if (isTransientProduceError(error)) {
            // Kept in order at the head of the lane; intake stays paused meanwhile (pending bytes).
            metrics?.errors.inc({ code: 'PRODUCE_RETRY' });
            options.logger.warn('produce failed, sending again', { records: records.length, error });
            lane.queue.unshift(...taken);
            requeued = true;
            return new Promise<void>((resolve) => setTimeout(resolve, retryDelayMs));
          }
          metrics?.errors.inc({ code: 'PRODUCE_FAILED' });
          options.logger.error('produce failed', { records: records.length, error });
          for (const entry of taken) entry.reject(error);
          return undefined;
        },
      )
      .finally(() => {
        if (!requeued) for (const entry of taken) pending -= entry.bytes;
        lane.inFlight = false;
        pump(lane);
        settle();
      });
  };

  return {
    send(callId, records) {
      if (records.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const bytes = sizeOf(records);
        pending += bytes;
        const lane = lanes[laneOf(callId, lanes.length)];
        lane.queue.push({ records, bytes, queuedAtMs: now(), resolve, reject });
        // A busy lane sends what queued meanwhile once its request returns: no linger needed.
        if (lingerMs > 0 && !lane.inFlight && lane.queue.length === 1) {
          lane.lingering = setTimeout(() => {
            lane.lingering = null;
            pump(lane);
          }, lingerMs);
        } else pump(lane);
      });
    },
    isBehind: () => pending > options.highWaterBytes,
    onceDrained(listener) {
      if (pending <= options.lowWaterBytes) listener();
      else drained.push(listener);
    },
    pendingBytes: () => pending,
    stalledForMs() {
      let oldest = Infinity;
      for (const lane of lanes) {
        if (lane.inFlight) oldest = Math.min(oldest, lane.inFlightSinceMs);
        if (lane.queue.length > 0) oldest = Math.min(oldest, lane.queue[0].queuedAtMs);
      }
      return oldest === Infinity ? 0 : Math.max(0, now() - oldest);
    },
    idle: () => (busy() ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve()),
  };
}
