// The call store's Kafka ingest: one consumer group over calls, features, emotions and alerts;
// per fetched partition batch: decode → validate → one database transaction for the whole batch
// (record by record when the database refuses one: isolate-poison.ts) → dead letters → commit. At-least-once: offsets are committed only after the rows are written; a
// replay is absorbed by the idempotent writes. I/O: Kafka (kafkajs), database.
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import {
  deadLetterRecord,
  sendRecords,
  TOPICS,
  type Logger,
  type OutRecord,
  type RecordHeaders,
} from '../../shared/index.ts';
import type { StoreEvent } from '../events.ts';
import { parseStoreEvent } from '../events.ts';
import type { CallStore } from '../store.ts';
import { writeIsolatingPoison } from './isolate-poison.ts';
import { decodeStoreRecord, type StoreTopic } from './map-records.ts';

/** Topic names per record family (tests use unique names). */
export type StoreTopics = Record<StoreTopic, string>;
export const STORE_TOPICS: StoreTopics = {
  calls: TOPICS.calls,
  features: TOPICS.features,
  emotions: TOPICS.emotions,
  alerts: TOPICS.alerts,
};

export interface IngestStats {
  records: number;
  inserted: number;
  duplicates: number;
  deadLettered: number;
  ignored: number;
}

export interface StoreIngestOptions {
  kafka: Kafka;
  producer: Producer;
  store: CallStore;
  logger: Logger;
  groupId?: string;
  topics?: StoreTopics;
  deadLetterTopic?: string;
  /** Rows per database transaction (a fetched batch is split into chunks of this size). */
  maxBatchRecords?: number;
  partitionsConsumedConcurrently?: number;
  onBatch?: (stats: IngestStats, seconds: number) => void;
  onDeadLetter?: (code: string) => void;
  /** Records behind the high watermark of a fetched partition (va_consumer_lag). */
  onLag?: (topic: string, partition: number, records: number) => void;
  /** The group (re)joined: lags reported before may belong to partitions now elsewhere. */
  onJoin?: () => void;
}

export interface StoreIngest {
  readonly consumer: Consumer;
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): boolean;
  totals(): IngestStats;
}

const errorCode = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code ? code : 'DECODE_FAILED';
};

export function createStoreIngest(options: StoreIngestOptions): StoreIngest {
  const groupId = options.groupId ?? 'call-store';
  const origin = { service: 'call-store', consumerGroup: groupId };
  const maxBatch = options.maxBatchRecords ?? 2000;
  const consumer = options.kafka.consumer({
    groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 200,
  });
  const topics = options.topics ?? STORE_TOPICS;
  const familyOf = new Map(Object.entries(topics).map(([family, name]) => [name, family as StoreTopic]));
  const totals: IngestStats = { records: 0, inserted: 0, duplicates: 0, deadLettered: 0, ignored: 0 };
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    options.onJoin?.();
  });
  consumer.on(consumer.events.CRASH, () => {
    joined = false;
  });

  const deadLetter = (topic: string, partition: number, message: KafkaMessage, error: unknown): OutRecord => {
    const code = errorCode(error);
    options.onDeadLetter?.(code);
    const details = (error as { details?: string[] }).details;
    const reason = `${(error as Error).message}${details?.length ? `: ${details.join('; ')}` : ''}`;
    options.logger.warn('record dead-lettered', { topic, partition, offset: message.offset, code, reason });
    return deadLetterRecord(
      { topic, partition, message, reasonCode: code, reason },
      origin,
      options.deadLetterTopic,
    );
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    const { topic, partition } = batch;
    options.onLag?.(topic, partition, Number(batch.offsetLag()));
    for (let from = 0; from < batch.messages.length; from += maxBatch) {
      if (!isRunning() || isStale()) return;
      const started = performance.now();
      const messages = batch.messages.slice(from, from + maxBatch);
      const stats: IngestStats = {
        records: messages.length,
        inserted: 0,
        duplicates: 0,
        deadLettered: 0,
        ignored: 0,
      };
      const events: StoreEvent[] = [];
      /** The Kafka message of each event, to dead-letter an event the database refuses. */
      const sources: KafkaMessage[] = [];
      const dead: OutRecord[] = [];
      for (const message of messages) {
        try {
          const raw = decodeStoreRecord(
            familyOf.get(topic) as StoreTopic,
            message.value,
            message.headers as RecordHeaders,
          );
          if (raw === null) stats.ignored++;
          else {
            events.push(parseStoreEvent(raw));
            sources.push(message);
          }
        } catch (error) {
          dead.push(deadLetter(topic, partition, message, error));
        }
      }
      // A database failure throws here: nothing is committed and kafkajs retries the batch. A
      // record the database refuses for its content is dead-lettered alone; the others are written.
      const written = await writeIsolatingPoison(options.store, events);
      for (const { index, error } of written.refused)
        dead.push(deadLetter(topic, partition, sources[index], error));
      if (dead.length > 0) await sendRecords(options.producer, dead);
      const last = messages[messages.length - 1].offset;
      resolveOffset(last);
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
      await heartbeat();
      stats.inserted = written.inserted;
      stats.duplicates = written.duplicates;
      stats.deadLettered = dead.length;
      for (const key of Object.keys(totals) as (keyof IngestStats)[]) totals[key] += stats[key];
      options.onBatch?.(stats, (performance.now() - started) / 1000);
    }
  };

  return {
    consumer,
    ready: () => joined,
    totals: () => ({ ...totals }),
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: Object.values(topics), fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently:
          options.partitionsConsumedConcurrently ?? (options.store.backend.kind === 'pglite' ? 1 : 4),
        eachBatch,
      });
    },
    async stop() {
      joined = false;
      await consumer.stop();
      await consumer.disconnect();
    },
  };
}
