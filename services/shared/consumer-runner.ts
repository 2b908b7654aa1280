// At-least-once consumer loop shared by the workers: per partition batch, decode -> handle ->
// produce outputs (and dead letters) -> commit offsets only after the broker acked them. A poison
// record goes to va.deadletter.v1 with its reason and the loop continues; assignment and
// revocation hooks let workers drop per-call state. I/O: Kafka through kafkajs.
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { RecordHeaders } from './codec.ts';
import { deadLetterRecord } from './dead-letter.ts';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';
import { countByTopic, sendRecords, type OutRecord } from './producer.ts';
import { fetchReplayMarks, replayMark } from './replay-marks.ts';
import { TOPICS } from './topics.ts';

export interface ConsumedRecord<T> {
  topic: string;
  partition: number;
  offset: string;
  /** Call id (utf-8 of the Kafka key). */
  key: string;
  value: T;
  /** Broker timestamp, Unix ms. */
  timestampMs: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface ConsumerRunnerOptions<T> {
  kafka: Kafka;
  producer: Producer;
  service: string;
  groupId: string;
  topics: string[];
  logger: Logger;
  metrics?: ServiceMetrics;
  /** Throw a DecodeError (or any error with a `code`) to dead-letter the record. */
  decode: (value: Buffer | null, headers: RecordHeaders | undefined, topic: string) => T;
  /**
   * Called in offset order per partition; returns the records to produce for this input. Throwing
   * dead-letters the input (reason = the error's `code`, else PROCESSING_FAILED) and continues.
   */
  handle: (record: ConsumedRecord<T>) => OutRecord[] | Promise<OutRecord[]>;
  /**
   * Partitions assigned by a rebalance: consumption restarts from their committed offsets, so
   * their state is rebuilt by replaying from there.
   */
  onAssigned?: (partitions: TopicPartition[]) => void;
  /**
   * Drop per-call state of these partitions now. Called for EVERY assigned partition at each
   * rebalance (kafkajs restarts all of them from the committed offset, kept ones included), on
   * stop, on a consumer crash, and for one partition after a failed produce.
   */
  onRevoked?: (partitions: TopicPartition[]) => void;
  /**
   * Offset to commit after a flush, given the next offset to read. Default: that offset. A worker
   * whose state depends on earlier records may return a smaller one (the first record still
   * needed), so a successor rebuilds the state by replaying; duplicates are dropped downstream.
   */
  commitOffset?: (topic: string, partition: number, nextOffset: string) => string;
  /**
   * Called before a partition's first record after each assignment (and after a failed produce)
   * with the offset below which the outputs were already produced, by this group's previous owner
   * (the mark stored with every commit, replay-marks.ts) or by this one: a worker that holds its
   * commits replays such records to rebuild its state but must not produce their outputs again.
   */
  onReplayUntil?: (topic: string, partition: number, producedUntil: number) => void;
  deadLetterTopic?: string;
  /**
   * Called with the outputs of a flush once the broker acknowledged them (before the commit): for
   * side effects that must never announce a record a failed produce did not write (a webhook).
   */
  onProduced?: (outputs: readonly OutRecord[]) => void;
  /** Produce + commit at least every N inputs within a batch (latency bound). Default 100. */
  maxRecordsPerFlush?: number;
  /** ... or when this many ms passed since the last flush. Default 50. */
  maxFlushDelayMs?: number;
  /**
   * A partition's offset is committed at most this often (default 1000 ms; 0 = after every
   * flush), always after its outputs were produced, and at stop. Each commit is a write to the
   * broker's offsets log (bench:pipeline: commits were its most frequent request); a crash
   * replays at most this much more input, whose duplicates are dropped downstream by id.
   */
  commitIntervalMs?: number;
  /** Partitions processed concurrently (produce I/O overlaps processing). Default 3. */
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
  consumerConfig?: Partial<ConsumerConfig>;
}

export interface ConsumerRunner {
  readonly consumer: Consumer;
  /** Connects, subscribes (topics must exist: provision first) and starts the loop. */
  start(): Promise<void>;
  /** Stops fetching, finishes the in-flight batch (produce + commit), revokes all, disconnects. */
  stop(): Promise<void>;
  /** True once the consumer joined its group and until it stops or crashes. */
  ready(): boolean;
  assigned(): TopicPartition[];
  /**
   * Commits these partitions now, at what `commitOffset` answers for the position reached: for a
   * worker whose freed state no longer holds their commit back (instead of waiting for input).
   */
  recommit(partitions: TopicPartition[]): Promise<void>;
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

function errorCode(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code ? code : fallback;
}

export function createConsumerRunner<T>(options: ConsumerRunnerOptions<T>): ConsumerRunner {
  const { logger, metrics, producer } = options;
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    // A fetch waits up to 20 ms for 64 KiB to gather rather than returning each record at once:
    // under load, a few times fewer fetch requests for the broker (bench:pipeline) for at most
    // 20 ms more latency per hop.
    minBytes: 65_536,
    maxWaitTimeInMs: 20,
    ...options.consumerConfig,
  });
  const origin = { service: options.service, consumerGroup: options.groupId };
  const deadLetterTopic = options.deadLetterTopic ?? TOPICS.deadletter;
  const maxRecords = options.maxRecordsPerFlush ?? 100;
  const maxDelayMs = options.maxFlushDelayMs ?? 50;
  const commitIntervalMs = options.commitIntervalMs ?? 1_000;
  /** Produced-but-not-yet-committed offset per partition, and when each partition last committed. */
  const deferred = new Map<string, { topic: string; partition: number; offset: string }>();
  const lastCommitAt = new Map<string, number>();
  let commitTimer: NodeJS.Timeout | null = null;
  let assignment = new Map<string, TopicPartition>();
  /** Offset each partition restarts from after a failed produce: the last commit we made. */
  const committed = new Map<string, string>();
  /** Next offset whose predecessors' outputs were produced, per partition (the replay mark). */
  const produced = new Map<string, string>();
  /** Partitions whose replay mark was handed to onReplayUntil since their assignment. */
  const primed = new Set<string>();
  /** Next offset to read after the last flush, per partition (the base of a recommit). */
  const reached = new Map<string, string>();
  let marks: Promise<Map<string, number>> = Promise.resolve(new Map());
  const admin = options.onReplayUntil ? options.kafka.admin() : null;
  let joined = false;
  let running = false;

  const revoke = (partitions: TopicPartition[]): void => {
    if (partitions.length === 0) return;
    for (const { topic, partition } of partitions) {
      // Not committed: the next owner replays from the last commit (duplicates, dropped by id).
      committed.delete(tpKey(topic, partition));
      deferred.delete(tpKey(topic, partition));
      produced.delete(tpKey(topic, partition));
      primed.delete(tpKey(topic, partition));
      reached.delete(tpKey(topic, partition));
      // Its next owner reports its lag: a stale value here would count it twice in a sum by group.
      metrics?.consumerLag.remove({ group: options.groupId, topic, partition: String(partition) });
    }
    logger.info('partitions revoked', { partitions: partitions.map((p) => `${p.topic}/${p.partition}`) });
    options.onRevoked?.(partitions);
  };

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    // kafkajs (eager rebalancing) restarts EVERY assigned partition from its committed offset
    // after a rebalance, kept ones included: state built past the commit must go everywhere.
    revoke([...assignment.values()]);
    assignment = new Map();
    for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
      for (const partition of partitions) assignment.set(tpKey(topic, partition), { topic, partition });
    }
    joined = true;
    if (admin) {
      // Read before the first batch of these partitions is handled (eachBatch waits for it).
      marks = fetchReplayMarks(admin, options.groupId, options.topics).catch((error: unknown) => {
        // Without marks a replay produces its outputs again: duplicates, dropped by id downstream.
        logger.warn('replay marks unavailable', { error });
        return new Map<string, number>();
      });
    }
    const added = [...assignment.values()];
    if (added.length > 0) {
      logger.info('partitions assigned', { partitions: added.map((p) => `${p.topic}/${p.partition}`) });
      options.onAssigned?.(added);
    }
  });
  consumer.on(consumer.events.CRASH, (event) => {
    joined = false;
    metrics?.errors.inc({ code: 'CONSUMER_CRASH' });
    logger.error('consumer crashed', { error: event.payload.error, restart: event.payload.restart });
    // kafkajs rejoins from the committed offsets: state built past them must go.
    revoke([...assignment.values()]);
    assignment = new Map();
  });

  const toDeadLetter = (
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: unknown,
    code: string,
  ) => {
    metrics?.errors.inc({ code });
    logger.warn('record dead-lettered', {
      topic,
      partition,
      offset: message.offset,
      code,
      reason: (error as Error).message,
    });
    return deadLetterRecord(
      { topic, partition, message, reasonCode: code, reason: (error as Error)?.message ?? String(error) },
      origin,
      deadLetterTopic,
    );
  };

  const commitNow = async (key: string, topic: string, partition: number, offset: string) => {
    deferred.delete(key);
    lastCommitAt.set(key, Date.now());
    const until = produced.get(key);
    const metadata = until === undefined ? null : replayMark(until);
    await consumer.commitOffsets([{ topic, partition, offset, metadata }]);
    committed.set(key, offset);
  };

  /** Commits what flushes deferred (timer and stop); a partition lost meanwhile is skipped. */
  const commitDeferred = async (): Promise<void> => {
    for (const [key, { topic, partition, offset }] of [...deferred]) {
      if (!assignment.has(key)) {
        deferred.delete(key);
        continue;
      }
      try {
        await commitNow(key, topic, partition, offset);
      } catch (error) {
        // A rebalance took it: its next owner replays from the previous commit.
        logger.warn('deferred commit failed', { topic, partition, error });
      }
    }
  };

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const key = tpKey(topic, partition);
    if (!committed.has(key) && batch.messages.length > 0) committed.set(key, batch.messages[0].offset);
    if (options.onReplayUntil && !primed.has(key)) {
      const mark = (await marks).get(key);
      primed.add(key);
      if (mark !== undefined) {
        produced.set(key, String(mark));
        options.onReplayUntil(topic, partition, mark);
      }
    }
    metrics?.consumerLag.set(
      { group: options.groupId, topic, partition: String(partition) },
      Number(batch.offsetLag()),
    );
    let pending: OutRecord[] = [];
    let lastOffset: string | null = null;
    let sinceFlush = 0;
    let flushStarted = Date.now();

    const flush = async (): Promise<boolean> => {
      if (lastOffset === null) return true;
      const outputs = pending;
      pending = [];
      const started = performance.now();
      try {
        await sendRecords(producer, outputs);
      } catch (error) {
        // Outputs of inputs past the last commit are lost: drop the state built from them and
        // re-read from the last commit, exactly as a successor worker would.
        metrics?.errors.inc({ code: 'PRODUCE_FAILED' });
        logger.error('produce failed; replaying partition from last commit', { topic, partition, error });
        const replayFrom = committed.get(key) ?? lastOffset;
        const until = produced.get(key);
        revoke([{ topic, partition }]);
        options.onAssigned?.([{ topic, partition }]);
        if (until !== undefined && options.onReplayUntil) {
          primed.add(key);
          produced.set(key, until);
          options.onReplayUntil(topic, partition, Number(until));
        }
        consumer.seek({ topic, partition, offset: replayFrom });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return false;
      }
      if (metrics) countByTopic(outputs, (t, n) => metrics.recordsOut.inc({ topic: t }, n));
      if (outputs.length > 0) options.onProduced?.(outputs);
      resolveOffset(lastOffset);
      const next = (BigInt(lastOffset) + 1n).toString();
      reached.set(key, next);
      // Never below the previous owner's mark while replaying under it.
      if (Number(next) > Number(produced.get(key) ?? -1)) produced.set(key, next);
      const offset = options.commitOffset?.(topic, partition, next) ?? next;
      const due = Date.now() - (lastCommitAt.get(key) ?? 0) >= commitIntervalMs;
      if (due || !running || !isRunning()) await commitNow(key, topic, partition, offset);
      else deferred.set(key, { topic, partition, offset });
      metrics?.processingSeconds.observe({ stage: 'flush' }, (performance.now() - started) / 1000);
      await heartbeat();
      sinceFlush = 0;
      flushStarted = Date.now();
      return true;
    };

    const started = performance.now();
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      metrics?.recordsIn.inc({ topic });
      let value: T;
      try {
        value = options.decode(message.value, message.headers as RecordHeaders, topic);
      } catch (error) {
        pending.push(toDeadLetter(topic, partition, message, error, errorCode(error, 'DECODE_FAILED')));
        lastOffset = message.offset;
        continue;
      }
      try {
        const outputs = await options.handle({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? '',
          value,
          timestampMs: Number(message.timestamp),
        });
        for (const output of outputs) pending.push(output);
      } catch (error) {
        pending.push(toDeadLetter(topic, partition, message, error, errorCode(error, 'PROCESSING_FAILED')));
      }
      lastOffset = message.offset;
      sinceFlush += 1;
      if (sinceFlush >= maxRecords || Date.now() - flushStarted >= maxDelayMs) {
        if (!(await flush())) return;
      }
    }
    await flush();
    metrics?.processingSeconds.observe({ stage: 'batch' }, (performance.now() - started) / 1000);
  };

  return {
    consumer,
    ready: () => running && joined,
    assigned: () => [...assignment.values()],
    async recommit(partitions) {
      for (const { topic, partition } of partitions) {
        const key = tpKey(topic, partition);
        const next = reached.get(key);
        if (next === undefined || !assignment.has(key)) continue;
        const offset = options.commitOffset?.(topic, partition, next) ?? next;
        try {
          await commitNow(key, topic, partition, offset);
        } catch (error) {
          // The next flush commits it anyway; a rebalance meanwhile replays from the last one.
          logger.warn('recommit failed', { topic, partition, error });
        }
      }
    },
    async start() {
      await consumer.connect();
      await admin?.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
      running = true;
      if (commitIntervalMs > 0) {
        commitTimer = setInterval(() => void commitDeferred(), commitIntervalMs);
        commitTimer.unref();
      }
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
        eachBatch,
      });
    },
    async stop() {
      running = false;
      if (commitTimer) clearInterval(commitTimer);
      // Before stopping: kafkajs leaves the group on stop, after which commits are refused.
      await commitDeferred();
      await consumer.stop();
      revoke([...assignment.values()]);
      assignment = new Map();
      joined = false;
      await consumer.disconnect();
      await admin?.disconnect();
    },
  };
}
