// A small topic every process reads in full: a consumer group of its own (`<prefix>-<random id>`)
// reads it from the beginning at each start and never commits, so every instance holds what any
// instance wrote, and a restart rebuilds it. Ready (latched) once it has read what the topic held
// at start. The revocation feed and the login-failure feed are built on it. I/O: Kafka (kafkajs).
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { createCatchUp } from './catch-up.ts';
import { watchLogStarts, type CatchUpWatch } from './catch-up-watch.ts';
import { createConsumerRunner, type ConsumerMetrics, type ConsumerRunnerOptions } from './consumer-runner.ts';
import type { Logger } from './logger.ts';
import { offsetsRetried } from './start-positions.ts';

/** Where a feed reads and writes: shared by every feed built on this one. */
export interface ReplayFeedConnection {
  kafka: Kafka;
  producer: Producer;
  service: string;
  /** Its group is `<groupPrefix>-<random id>`: one per process, and a prefix an ACL can grant. */
  groupPrefix: string;
  topic: string;
  logger: Logger;
  metrics?: Pick<ConsumerMetrics, 'errors' | 'consumerLag'>;
}

export interface ReplayFeedOptions<T> extends ReplayFeedConnection {
  /** Throws a DecodeError for a record that is not one (skipped, counted, never stops the feed). */
  decode: ConsumerRunnerOptions<T>['decode'];
  apply: (record: T) => void;
}

export interface ReplayFeed {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Has read every record the topic held at start (latched). */
  ready(): boolean;
}

export function createReplayFeed<T>(options: ReplayFeedOptions<T>): ReplayFeed {
  const catchUp = createCatchUp();
  const runner = createConsumerRunner<T>({
    kafka: options.kafka,
    producer: options.producer,
    service: options.service,
    // One group per process: every instance reads every record.
    groupId: `${options.groupPrefix}-${randomUUID()}`,
    topics: [options.topic],
    logger: options.logger,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    // Rare records: a fetch returns at the first one, an empty one waits 500 ms.
    consumerConfig: { minBytes: 1, maxWaitTimeInMs: 500 },
    fromBeginning: true,
    commitOffsets: false,
    poison: 'skip',
    onFlushed: (report) => catchUp.reached(report.topic, report.partition, report.nextOffset),
    decode: options.decode,
    handle: (record) => {
      options.apply(record.value);
      return [];
    },
  });
  let watch: CatchUpWatch | undefined;
  return {
    async start() {
      const admin = options.kafka.admin();
      await admin.connect();
      try {
        for (const { partition, low, high } of await offsetsRetried(() =>
          admin.fetchTopicOffsets(options.topic),
        )) {
          catchUp.begins(options.topic, partition, low);
          catchUp.endsAt(options.topic, partition, high);
        }
      } finally {
        await admin.disconnect();
      }
      // Records that expire before they are fetched must not hold readiness back for good.
      watch = watchLogStarts(options.kafka, [options.topic], catchUp);
      await runner.start();
    },
    async stop() {
      await watch?.stop();
      await runner.stop();
    },
    ready: () => catchUp.done(),
  };
}
