// This gateway's reading of the consent changes every gateway publishes on va.calls.v1
// (consent-memory.ts), and the check a resumable CallStart waits for: that the reading has caught
// up with what the topic held when the CallStart came, so a withdrawal made on another gateway
// just before it handed the call over is known here. A consumer group of its own per process that
// never commits, re-reading the last CONSENT_MEMORY_MS at each start. The check fails closed: not
// caught up within CONSENT_CHECK_MAX_MS, the start is refused UNAVAILABLE CONSENT_UNCONFIRMED (the
// client retries, on any gateway). The reading is read_uncommitted and the check waits for the
// high watermark, not the last stable offset: a transaction open on the topic (a MirrorMaker 2
// copy, a crashed transactional producer's until its timeout) hid every withdrawal acknowledged
// after it, while the checks, waiting only for what read_committed could see, confirmed at once.
// Records of a transaction later aborted are applied too: they can only narrow a consent.
// I/O: Kafka (a consumer and ListOffsets requests, high-watermarks.ts).
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { createConsumerRunner, type ConsumerMetrics } from '../shared/consumer-runner.ts';
import { createHighWatermarks } from '../shared/high-watermarks.ts';
import type { Logger } from '../shared/logger.ts';
import { callEventCodec, type CallEvent } from '../shared/records.ts';
import { offsetsRetried, positionsByTime } from '../shared/start-positions.ts';
import type { ConsentMemory } from './consent-memory.ts';
import { IngestError } from './errors.ts';
import { createReadPositions } from './read-positions.ts';

export interface ConsentFeedOptions {
  kafka: Kafka;
  producer: Producer;
  topic: string;
  memory: ConsentMemory;
  /** How far back a start re-reads (CONSENT_MEMORY_MS: as long as an entry is kept). */
  lookbackMs: number;
  /** How long a CallStart may wait for the reading to catch up (CONSENT_CHECK_MAX_MS). */
  checkMaxMs: number;
  /** Its group is `<groupPrefix>-<random id>` (CONSENT_GROUP_PREFIX: a prefix an ACL can grant). */
  groupPrefix: string;
  logger: Logger;
  metrics?: Pick<ConsumerMetrics, 'errors' | 'consumerLag'>;
}

export interface ConsentFeed {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Has read what the topic held at start (latched): the gateway is not ready before. */
  rebuilt(): boolean;
  /**
   * Resolves once every change published before this call is applied to the memory; throws
   * CONSENT_UNCONFIRMED when that takes longer than checkMaxMs (or the broker does not answer).
   */
  confirm(): Promise<void>;
}

/** The retry delay told to a start whose consent could not be confirmed in time. */
const UNCONFIRMED_RETRY_MS = 1_000;

export function createConsentFeed(options: ConsentFeedOptions): ConsentFeed {
  const { topic, memory } = options;
  const positions = createReadPositions();
  const highWatermarks = createHighWatermarks(options.kafka);
  let startEnds: Map<number, bigint> | null = null;
  let rebuilt = false;
  /** Where the reading begins: one time for the consumer and the positions counted as read. */
  let readFromMs = 0;
  const runner = createConsumerRunner<CallEvent>({
    kafka: options.kafka,
    producer: options.producer,
    service: 'ingest-gateway',
    // One group per process: every gateway reads every change.
    groupId: `${options.groupPrefix}-${randomUUID()}`,
    topics: [topic],
    logger: options.logger,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    // A CallStart waits on this reading: a fetch returns at the first record.
    // A partition added to the topic is assigned at the next metadata refresh (kafkajs default:
    // 5 min, every analytics start refused CONSENT_UNCONFIRMED meanwhile once it holds a record).
    // read_uncommitted: a withdrawal acknowledged behind an open transaction is read at once (the
    // check waits for it: the high watermark counts it). A record of a transaction later aborted
    // is read too; consent only narrows, so it can withdraw, never widen (gateway README).
    consumerConfig: { minBytes: 1, maxWaitTimeInMs: 100, metadataMaxAge: 10_000, readUncommitted: true },
    maxFlushDelayMs: 0,
    commitOffsets: false,
    startTimeOf: () => readFromMs,
    poison: 'skip',
    onFlushed: (report) => positions.reached(report.partition, BigInt(report.nextOffset)),
    // Past a transaction's marker too (a copy written with exactly-once delivery): the log end a
    // check waits for counts it, and no record reports it (every check had timed out after one).
    onBatchRead: (_topic, partition, nextOffset) => positions.reached(partition, nextOffset),
    decode: (value, headers) => callEventCodec.decode(value, headers),
    handle: (record) => {
      memory.apply(record.value);
      return [];
    },
  });

  /**
   * The topic's high watermarks now (one request shared by the checks that arrive while none is
   * sent): every record acknowledged before, an open transaction's and those after it included.
   */
  let nextEnds: Promise<Map<number, bigint>> | null = null;
  const logEnds = (): Promise<Map<number, bigint>> => {
    nextEnds ??= Promise.resolve().then(() => {
      nextEnds = null;
      return highWatermarks.of(topic);
    });
    return nextEnds;
  };

  const unconfirmed = (): IngestError =>
    new IngestError(
      'CONSENT_UNCONFIRMED',
      `this gateway could not confirm the call's consent within ${options.checkMaxMs} ms (CONSENT_CHECK_MAX_MS): retry`,
      UNCONFIRMED_RETRY_MS,
    );

  return {
    async start() {
      // Where the reading begins counts as read: a partition with nothing newer is caught up. The
      // consumer starts at the same time, so it reads on from exactly these offsets.
      readFromMs = Date.now() - options.lookbackMs;
      for (const p of await positionsByTime(options.kafka, [topic], () => readFromMs))
        positions.reached(p.partition, BigInt(p.offset));
      // The same ends a check waits for (consent-feed-open-transaction.test.ts reads them here).
      startEnds = await offsetsRetried(logEnds);
      await runner.start();
    },
    async stop() {
      positions.cancelAll();
      await runner.stop();
      await highWatermarks.disconnect();
    },
    rebuilt() {
      rebuilt ||= startEnds !== null && positions.caughtUp(startEnds);
      return rebuilt;
    },
    async confirm() {
      const deadline = AbortSignal.timeout(options.checkMaxMs);
      try {
        const ends = await Promise.race([logEnds(), aborted(deadline)]);
        await positions.waitFor(ends, deadline);
      } catch {
        throw unconfirmed();
      }
    },
  };
}

/** Rejects when `signal` aborts. */
const aborted = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
