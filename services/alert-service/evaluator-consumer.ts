// Low-latency at-least-once consumer of the evaluator: per partition batch, decode -> rules ->
// produce the alerts and dead letters -> mark the offsets; kafkajs commits the marked offsets every
// 5 s instead of once per batch (a per-batch commit round trip delays the next fetch, i.e. the next
// alert). A failed produce drops that partition's rule state and the batch is fetched again.
// I/O: Kafka through kafkajs.
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { RecordHeaders } from '../shared/codec.ts';
import type { ConsumedRecord, TopicPartition } from '../shared/consumer-runner.ts';
import { deadLetterRecord } from '../shared/dead-letter.ts';
import type { Logger } from '../shared/logger.ts';
import type { ServiceMetrics } from '../shared/metrics.ts';
import { countByTopic, sendRecords, type OutRecord } from '../shared/producer.ts';

export interface EvaluatorConsumerOptions<T> {
  kafka: Kafka;
  producer: Producer;
  service: string;
  groupId: string;
  topics: string[];
  deadLetterTopic: string;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  logger: Logger;
  metrics: ServiceMetrics;
  decode: (value: Buffer | null, headers: RecordHeaders | undefined, topic: string) => T;
  handle: (record: ConsumedRecord<T>) => OutRecord[];
  onRevoked: (partitions: TopicPartition[]) => void;
}

export interface EvaluatorConsumer {
  readonly consumer: Consumer;
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): boolean;
}

const codeOf = (error: unknown, fallback: string): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code ? code : fallback;
};

export function createEvaluatorConsumer<T>(options: EvaluatorConsumerOptions<T>): EvaluatorConsumer {
  const { logger, metrics } = options;
  const origin = { service: options.service, consumerGroup: options.groupId };
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 100,
  });
  let assigned: TopicPartition[] = [];
  let joined = false;
  let running = false;

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const next = Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => ({ topic, partition })),
    );
    const keep = new Set(next.map((tp) => `${tp.topic}/${tp.partition}`));
    const lost = assigned.filter((tp) => !keep.has(`${tp.topic}/${tp.partition}`));
    if (lost.length > 0) options.onRevoked(lost);
    assigned = next;
    joined = true;
  });
  consumer.on(consumer.events.CRASH, () => {
    joined = false;
    // kafkajs restarts from the committed offsets: state built past them must go.
    options.onRevoked(assigned);
    assigned = [];
  });

  return {
    consumer,
    ready: () => running && joined,
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning });
      running = true;
      await consumer.run({
        autoCommit: true,
        autoCommitInterval: 5_000,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const { topic, partition } = batch;
          const started = performance.now();
          const out: OutRecord[] = [];
          let last: string | null = null;
          for (const message of batch.messages) {
            if (!isRunning() || isStale()) break;
            metrics.recordsIn.inc({ topic });
            const failed = (error: unknown, fallback: string): void => {
              const reasonCode = codeOf(error, fallback);
              metrics.errors.inc({ code: reasonCode });
              logger.warn('record dead-lettered', {
                topic,
                partition,
                offset: message.offset,
                code: reasonCode,
              });
              const reason = (error as Error)?.message ?? String(error);
              out.push(
                deadLetterRecord(
                  { topic, partition, message, reasonCode, reason },
                  origin,
                  options.deadLetterTopic,
                ),
              );
            };
            let value: T | undefined;
            try {
              value = options.decode(message.value, message.headers as RecordHeaders, topic);
            } catch (error) {
              failed(error, 'DECODE_FAILED');
            }
            if (value !== undefined) {
              try {
                const key = message.key?.toString('utf8') ?? '';
                const timestampMs = Number(message.timestamp);
                out.push(
                  ...options.handle({ topic, partition, offset: message.offset, key, value, timestampMs }),
                );
              } catch (error) {
                failed(error, 'PROCESSING_FAILED');
              }
            }
            last = message.offset;
          }
          try {
            // Outputs first, then the offsets: a crash in between replays, never loses.
            await sendRecords(options.producer, out);
          } catch (error) {
            metrics.errors.inc({ code: 'PRODUCE_FAILED' });
            logger.error('produce failed; the batch will be fetched again', { topic, partition, error });
            options.onRevoked([{ topic, partition }]);
            throw error;
          }
          countByTopic(out, (t, n) => metrics.recordsOut.inc({ topic: t }, n));
          if (last !== null) resolveOffset(last);
          metrics.processingSeconds.observe({ stage: 'batch' }, (performance.now() - started) / 1000);
          await heartbeat();
        },
      });
    },
    async stop() {
      running = false;
      await consumer.stop();
      options.onRevoked(assigned);
      assigned = [];
      joined = false;
      await consumer.disconnect();
    },
  };
}
