// This instance's copy of the revoked tokens: a consumer group of its own reads va.revocations.v1
// from the beginning at each start and never commits (like the alert service's fan-out), so every
// instance of every verifying service refuses what any of them revoked. Not ready until it has
// read what the topic held at start: before that a signed-out token would open the API again
// after a restart. `revoke` produces a revocation and applies it here at once (the instance that
// signed a user out refuses the token before the record comes back). I/O: Kafka (kafkajs).
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { createCatchUp } from '../catch-up.ts';
import { watchLogStarts, type CatchUpWatch } from '../catch-up-watch.ts';
import { createConsumerRunner, type ConsumerMetrics } from '../consumer-runner.ts';
import type { Logger } from '../logger.ts';
import { outRecord, sendRecords } from '../producer.ts';
import { tokenRevokedCodec, type TokenRevoked } from '../records.ts';
import { offsetsRetried } from '../start-positions.ts';
import { createRevocationList, type RevocationList } from './revocations.ts';

export interface RevocationFeedOptions {
  kafka: Kafka;
  producer: Producer;
  service: string;
  /** Its group is `<groupPrefix>-<random id>`: one per process, and a prefix an ACL can grant. */
  groupPrefix: string;
  topic: string;
  logger: Logger;
  metrics?: Pick<ConsumerMetrics, 'errors' | 'consumerLag'>;
  /** A revocation arrived (also the ones read at start): e.g. close the sockets its tokens opened. */
  onRevoked?: (revocation: TokenRevoked) => void;
}

export interface RevocationFeed {
  readonly list: RevocationList;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Has read every revocation the topic held at start (latched). */
  ready(): boolean;
  /** Produces a revocation (acks=all) and applies it to this instance at once. */
  revoke(revocation: TokenRevoked): Promise<void>;
}

/** How often entries that no valid token can match are forgotten. */
const PRUNE_INTERVAL_MS = 10 * 60_000;

/** The record key: the user, so one user's revocations keep their order on one partition. */
export const revocationKey = (r: Pick<TokenRevoked, 'tenant' | 'userId'>): string =>
  `${r.tenant}/${r.userId}`;

export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const list = createRevocationList();
  const catchUp = createCatchUp();
  const apply = (revocation: TokenRevoked): void => {
    list.add(revocation);
    options.onRevoked?.(revocation);
  };
  const runner = createConsumerRunner<TokenRevoked>({
    kafka: options.kafka,
    producer: options.producer,
    service: options.service,
    // One group per process: every instance reads every revocation.
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
    decode: (value, headers) => tokenRevokedCodec.decode(value, headers),
    handle: (record) => {
      apply(record.value);
      return [];
    },
  });
  let pruner: NodeJS.Timeout | undefined;
  let watch: CatchUpWatch | undefined;

  return {
    list,
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
      pruner = setInterval(() => list.prune(Date.now()), PRUNE_INTERVAL_MS);
      pruner.unref();
      // Records that expire before they are fetched must not hold readiness back for good.
      watch = watchLogStarts(options.kafka, [options.topic], catchUp);
      await runner.start();
    },
    async stop() {
      clearInterval(pruner);
      await watch?.stop();
      await runner.stop();
    },
    ready: () => catchUp.done(),
    async revoke(revocation) {
      await sendRecords(options.producer, [
        outRecord(options.topic, tokenRevokedCodec, revocationKey(revocation), revocation),
      ]);
      apply(revocation);
    },
  };
}
