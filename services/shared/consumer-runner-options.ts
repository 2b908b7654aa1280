// What a consumer hands the shared runner (consumer-runner.ts): how to decode, how to handle (one
// record at a time, or a chunk at a time for a transactional write), what happens to a poison
// record, where each topic starts, how offsets are committed and which hooks see the partitions.
// Types only, no I/O.
import type { Consumer, ConsumerConfig, Kafka, Producer } from 'kafkajs';
import type { RecordHeaders } from './codec.ts';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { OutRecord } from './producer.ts';

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

/**
 * The service metrics a consumer reports through the runner: records in/out by topic, flush and
 * batch seconds, lag by group, errors by code. A consumer leaves out those another one counts.
 */
export type ConsumerMetrics = Partial<
  Pick<
    ServiceMetrics,
    'recordsIn' | 'recordsOut' | 'processingSeconds' | 'consumerLag' | 'errors' | 'recordClockAheadSeconds'
  >
>;

/** What a batch handler made of a chunk: records to produce, and the inputs it refused. */
export interface BatchOutcome {
  outputs: OutRecord[];
  /** Positions in the chunk of inputs refused for their own content (each one is poison). */
  refused: { index: number; error: unknown }[];
}

/** One flush of one partition, once its outputs were produced and its offset committed. */
export interface FlushReport {
  topic: string;
  partition: number;
  /** Records consumed since the previous flush, poison ones included. */
  inputs: number;
  /** Of which dead-lettered (or skipped). */
  poison: number;
  /** From the first of these records to the commit. */
  seconds: number;
  /** The next offset to read in this partition. */
  nextOffset: string;
}

interface RunnerSettings<T> {
  kafka: Kafka;
  producer: Producer;
  service: string;
  groupId: string;
  topics: string[];
  logger: Logger;
  metrics?: ConsumerMetrics;
  /** Throw a DecodeError (or any error with a `code`) to dead-letter the record. */
  decode: (value: Buffer | null, headers: RecordHeaders | undefined, topic: string, key: string) => T;
  /**
   * A record that fails decode or handling: 'dead-letter' (default) produces it to
   * deadLetterTopic with its reason code; 'skip' only counts it in `errors` and logs it, for a
   * consumer that writes nothing (a per-instance view).
   */
  poison?: 'dead-letter' | 'skip';
  /**
   * Partitions assigned by a rebalance: consumption restarts from their committed offsets, so
   * their state is rebuilt by replaying from there.
   */
  onAssigned?: (partitions: TopicPartition[]) => void;
  /** Each join of the group: whether this member leads it (the one Kafka keeps across rebalances). */
  onJoined?: (join: { isLeader: boolean }) => void;
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
  /** After each flush's commit: per-batch accounting of a consumer (rows, batch seconds). */
  onFlushed?: (report: FlushReport) => void;
  /**
   * A fetched batch handled to its end, control records included: `nextOffset` is past a
   * transaction's commit or abort marker, which no record reports, and is also called for a
   * batch of such markers alone. For a reader that waits to reach a log end (consent-feed.ts):
   * the log end counts the markers, so the last flush's offset stayed one short of it.
   */
  onBatchRead?: (topic: string, partition: number, nextOffset: bigint) => void;
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
  /**
   * false: never commit. For a group of one instance's own that starts over at every start (from
   * the beginning, from now or from a time, per `fromBeginning` and `startTimeOf`), such as the
   * alert service's fan-out. Across rejoins (a broker restart, a consumer crash) it goes on from
   * where it got in this process, kept in memory: without a commit, kafkajs started it over, so
   * it re-read every call from the beginning and skipped the emotions of the gap.
   */
  commitOffsets?: boolean;
  /**
   * How often `metrics.consumerLag` is also set between batches, from the log end asked of the
   * broker and the position reached (consumer-lag-sampler.ts), so a reading that stops fetching
   * shows its lag growing. Default 5000 ms; 0: set at each batch only.
   */
  lagSampleIntervalMs?: number;
  /** Partitions processed concurrently (produce I/O overlaps processing). Default 3. */
  partitionsConsumedConcurrently?: number;
  /** Where a topic without a committed offset starts; a function decides per topic. Default true. */
  fromBeginning?: boolean | ((topic: string) => boolean);
  /**
   * Consumers that never commit: a topic with a time here (Unix ms, asked once at start) starts at
   * the first record produced at or after it, instead of per `fromBeginning` (the alert service's
   * fan-out rebuilds the live view of calls in progress from the last minutes of their events).
   */
  startTimeOf?: (topic: string) => number | undefined;
  consumerConfig?: Partial<ConsumerConfig>;
}

/** Per record, in offset order per partition; or a chunk at a time (a transactional write). */
type Handler<T> =
  | {
      /**
       * Returns the records to produce for this input. Throwing dead-letters the input (reason =
       * the error's `code`, else PROCESSING_FAILED) and continues.
       */
      handle: (record: ConsumedRecord<T>) => OutRecord[] | Promise<OutRecord[]>;
      handleBatch?: never;
    }
  | {
      /**
       * Up to maxRecordsPerFlush decoded records of one partition, in offset order, at each
       * flush. Refused ones are dead-lettered; throwing (the database is away) produces and
       * commits nothing: kafkajs fetches the batch again (and restarts the consumer from the
       * last commit once its retries are spent).
       */
      handleBatch: (records: ConsumedRecord<T>[]) => Promise<BatchOutcome>;
      handle?: never;
    };

export type ConsumerRunnerOptions<T> = RunnerSettings<T> & Handler<T>;

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
