// The gateway's path to Kafka: queues records from every call and sends them with one request in
// flight at a time (everything queued meanwhile goes in the next request, so batches grow with
// load and order per call holds). Reports when it is behind, so streams pause (backpressure).
// I/O: produces through the given kafkajs producer.
import type { Producer } from 'kafkajs';
import type { Logger } from '../shared/logger.ts';
import type { ServiceMetrics } from '../shared/metrics.ts';
import { countByTopic, sendRecords, type OutRecord } from '../shared/producer.ts';

export interface KafkaSink {
  /** Queues records for the broker; resolves once it acknowledged them. */
  send(records: OutRecord[]): Promise<void>;
  /** True while more than the high-water mark of bytes waits for the broker. */
  isBehind(): boolean;
  /** Called once when the sink falls back under the low-water mark. */
  onceDrained(listener: () => void): void;
  pendingBytes(): number;
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
  /** Records per request at most. */
  maxBatchRecords?: number;
}

interface Pending {
  records: OutRecord[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function sizeOf(records: OutRecord[]): number {
  let bytes = 0;
  for (const record of records) bytes += (record.message.value as Buffer | null)?.byteLength ?? 0;
  return bytes;
}

export function createKafkaSink(options: KafkaSinkOptions): KafkaSink {
  const queue: Pending[] = [];
  const maxBatch = options.maxBatchRecords ?? 5_000;
  let drained: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];
  let pending = 0;
  let inFlight = false;

  const settle = (): void => {
    if (pending <= options.lowWaterBytes && drained.length > 0) {
      const listeners = drained;
      drained = [];
      for (const listener of listeners) listener();
    }
    if (!inFlight && queue.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const waiter of waiters) waiter();
    }
  };

  const pump = (): void => {
    if (inFlight || queue.length === 0) return;
    const taken: Pending[] = [];
    const records: OutRecord[] = [];
    while (
      queue.length > 0 &&
      (records.length === 0 || records.length + queue[0].records.length <= maxBatch)
    ) {
      const next = queue.shift() as Pending;
      taken.push(next);
      for (const record of next.records) records.push(record);
    }
    inFlight = true;
    const started = performance.now();
    sendRecords(options.producer, records)
      .then(
        () => {
          options.metrics?.processingSeconds.observe(
            { stage: 'produce' },
            (performance.now() - started) / 1000,
          );
          if (options.metrics)
            countByTopic(records, (topic, n) => options.metrics?.recordsOut.inc({ topic }, n));
          for (const entry of taken) entry.resolve();
        },
        (error: unknown) => {
          options.metrics?.errors.inc({ code: 'PRODUCE_FAILED' });
          options.logger.error('produce failed', { records: records.length, error });
          for (const entry of taken) entry.reject(error);
        },
      )
      .finally(() => {
        for (const entry of taken) pending -= entry.bytes;
        inFlight = false;
        pump();
        settle();
      });
  };

  return {
    send(records) {
      if (records.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const bytes = sizeOf(records);
        pending += bytes;
        queue.push({ records, bytes, resolve, reject });
        pump();
      });
    },
    isBehind: () => pending > options.highWaterBytes,
    onceDrained(listener) {
      if (pending <= options.lowWaterBytes) listener();
      else drained.push(listener);
    },
    pendingBytes: () => pending,
    idle: () =>
      !inFlight && queue.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}
