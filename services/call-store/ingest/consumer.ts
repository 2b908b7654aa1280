// The call store's Kafka ingest: one consumer group over calls, features, emotions and alerts, on
// the shared consumer runner with a batch handler: decode and validate each record (a bad one is
// dead-lettered), then one database transaction per chunk of a fetched partition batch (record by
// record when the database refuses one: isolate-poison.ts), then commit. At-least-once: offsets
// are committed only after the rows are written; a replay is absorbed by the idempotent writes.
// I/O: Kafka (kafkajs), database.
import type { Consumer, Kafka, Producer } from 'kafkajs';
import {
  createConsumerRunner,
  TOPICS,
  type ConsumedRecord,
  type ConsumerMetrics,
  type Logger,
} from '../../shared/index.ts';
import type { StoreEvent } from '../events.ts';
import { parseStoreEvent } from '../events.ts';
import { withAgentTeam } from './agent-team.ts';
import type { CallStore } from '../store.ts';
import { writeIsolatingPoison } from './isolate-poison.ts';
import { decodeStoreRecord, type StoreTopic } from './map-records.ts';
import { keyMatches } from '../../shared/call-key.ts';
import { StoreError } from '../errors.ts';
import { CALL_ID_REUSED } from '../store/later-calls.ts';

/** Topics whose records are keyed by their call (tenant/call id); alerts are keyed otherwise. */
const KEYED_BY_CALL: ReadonlySet<StoreTopic> = new Set(['calls', 'features', 'emotions']);

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
  /** Records of calls a customer erasure deleted, dropped. */
  erased: number;
  /** Records of a later call under an ended call's id (a recycled id), dropped: CALL_ID_REUSED. */
  reused: number;
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
  /**
   * Dead letters by code (errors) and by topic (recordsOut: its only output, on the dashboards'
   * "dead letters / s" panel), lag by partition (consumerLag) and records from a clock ahead of
   * this host's (recordClockAheadSeconds) of the service's metrics.
   */
  metrics?: Pick<ConsumerMetrics, 'errors' | 'consumerLag' | 'recordsOut' | 'recordClockAheadSeconds'>;
  /** After each chunk was written and committed. */
  onBatch?: (stats: IngestStats, seconds: number) => void;
  /** Team of a call started without one, by `agentTeamKey(tenant, agent)` (the users file's). */
  teamOfAgent?: ReadonlyMap<string, string>;
}

export interface StoreIngest {
  readonly consumer: Consumer;
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): boolean;
  totals(): IngestStats;
}

/** A store event, or null for a record the store does not keep. */
type StoreInput = StoreEvent | null;
type Written = Pick<IngestStats, 'inserted' | 'duplicates' | 'erased' | 'reused' | 'ignored'>;

export function createStoreIngest(options: StoreIngestOptions): StoreIngest {
  const topics = options.topics ?? STORE_TOPICS;
  const familyOf = new Map(Object.entries(topics).map(([family, name]) => [name, family as StoreTopic]));
  const totals: IngestStats = {
    records: 0,
    inserted: 0,
    duplicates: 0,
    erased: 0,
    reused: 0,
    deadLettered: 0,
    ignored: 0,
  };
  /** What the chunk in flight of each partition wrote (a partition's chunks run one at a time). */
  const writtenBy = new Map<string, Written>();

  const writeChunk = async (records: ConsumedRecord<StoreInput>[]) => {
    const events: StoreEvent[] = [];
    /** Position in `records` of each event, to dead-letter an event the database refuses. */
    const positions: number[] = [];
    for (const [index, { value }] of records.entries()) {
      if (value === null) continue;
      events.push(value);
      positions.push(index);
    }
    // A database failure throws here: nothing is committed and the batch is fetched again. A
    // record the database refuses for its content is dead-lettered alone; the others are written.
    const written = await writeIsolatingPoison(options.store, events);
    const { topic, partition } = records[0];
    writtenBy.set(`${topic}/${partition}`, {
      inserted: written.inserted,
      duplicates: written.duplicates,
      erased: written.erased,
      reused: written.reused,
      ignored: records.length - events.length,
    });
    // Counts only, never the call, agent or customer (the tenant and topic say where to look).
    if (written.reused > 0)
      options.logger.warn(
        'records of a later call under an ended call id dropped: call ids must be unique per tenant',
        { code: CALL_ID_REUSED, topic, partition, records: written.reused },
      );
    return {
      outputs: [],
      refused: written.refused.map(({ index, error }) => ({ index: positions[index], error })),
    };
  };

  const groupId = options.groupId ?? 'call-store';
  const runner = createConsumerRunner<StoreInput>({
    kafka: options.kafka,
    producer: options.producer,
    service: 'call-store',
    groupId,
    topics: Object.values(topics),
    deadLetterTopic: options.deadLetterTopic,
    logger: options.logger,
    // Not records in and batch seconds: counted per chunk by the service (onBatch).
    metrics: options.metrics && {
      errors: options.metrics.errors,
      consumerLag: options.metrics.consumerLag,
      recordsOut: options.metrics.recordsOut,
      recordClockAheadSeconds: options.metrics.recordClockAheadSeconds,
    },
    consumerConfig: { sessionTimeout: 30_000, heartbeatInterval: 3_000, minBytes: 1, maxWaitTimeInMs: 200 },
    partitionsConsumedConcurrently:
      options.partitionsConsumedConcurrently ?? (options.store.backend.kind === 'pglite' ? 1 : 4),
    // One transaction per chunk, committed as soon as it is written.
    maxRecordsPerFlush: options.maxBatchRecords ?? 2000,
    maxFlushDelayMs: Number.POSITIVE_INFINITY,
    commitIntervalMs: 0,
    decode: (value, headers, topic, key): StoreInput => {
      const family = familyOf.get(topic) as StoreTopic;
      const raw = decodeStoreRecord(family, value, headers);
      if (raw === null) return null;
      const event = withAgentTeam(parseStoreEvent(raw), options.teamOfAgent);
      // The key places a call's records on one partition (in order): a body naming another call
      // (or tenant) than its key is a broken producer, refused as the workers refuse it.
      if (KEYED_BY_CALL.has(family) && 'callId' in event && !keyMatches(key, event.tenant, event.callId))
        throw new StoreError('INVALID_RECORD', 'record key is not the record call');
      return event;
    },
    handleBatch: writeChunk,
    onFlushed: ({ topic, partition, inputs, poison, seconds }) => {
      const written = writtenBy.get(`${topic}/${partition}`) ?? {
        inserted: 0,
        duplicates: 0,
        erased: 0,
        reused: 0,
        ignored: 0,
      };
      writtenBy.delete(`${topic}/${partition}`);
      const stats: IngestStats = { records: inputs, deadLettered: poison, ...written };
      for (const key of Object.keys(totals) as (keyof IngestStats)[]) totals[key] += stats[key];
      options.onBatch?.(stats, seconds);
    },
  });

  return {
    consumer: runner.consumer,
    ready: () => runner.ready(),
    totals: () => ({ ...totals }),
    start: () => runner.start(),
    stop: () => runner.stop(),
  };
}
