// At-least-once consumer loop shared by every Kafka consumer of the services: per partition batch,
// decode -> handle (record by record, or a chunk at a time for a transactional write) -> produce
// outputs and dead letters -> commit offsets only after the broker acked them. A poison record
// goes to va.deadletter.v1 with its reason (or is counted and skipped) and the loop continues;
// assignment and revocation hooks let workers drop per-call state. I/O: Kafka through kafkajs.
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type {
  ConsumedRecord,
  ConsumerRunner,
  ConsumerRunnerOptions,
  TopicPartition,
} from './consumer-runner-options.ts';
import { consumedRecord, poisonOutput, subscribeTopics } from './consumer-records.ts';
import { countByTopic, sendRecords, type OutRecord } from './producer.ts';
import { fetchReplayMarks, replayMark } from './replay-marks.ts';
import { runConsumerKeptRunning, type KeptRunning } from './consumer-keep-running.ts';
import { startLagSampler, type LagSampler } from './consumer-lag-sampler.ts';
import { positionsByTime } from './start-positions.ts';

export type * from './consumer-runner-options.ts';

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export function createConsumerRunner<T>(options: ConsumerRunnerOptions<T>): ConsumerRunner {
  const { logger, metrics, producer } = options;
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    // A fetch waits up to 50 ms for 64 KiB to gather rather than returning each record at once.
    // Below 64 KiB per 50 ms (every topic but audio at 100 calls) each fetch waits the full time,
    // so this wait sets the fetch rate: one request per broker per 50 ms per consumer. Fetches
    // were the brokers' most frequent request, and the request threads their largest CPU share
    // (bench:faults on the 3-node cluster); 20 ms sent 2.5 times as many for at most 30 ms less
    // latency per hop.
    minBytes: 65_536,
    maxWaitTimeInMs: 50,
    ...options.consumerConfig,
  });
  const poisonPolicy = { ...options, errors: metrics?.errors };
  const maxRecords = options.maxRecordsPerFlush ?? 100;
  const maxDelayMs = options.maxFlushDelayMs ?? 50;
  const commitIntervalMs = options.commitIntervalMs ?? 1_000;
  const commits = options.commitOffsets ?? true;
  const { handle, handleBatch } = options;
  /** Produced-but-not-yet-committed offset per partition, and when each partition last committed. */
  const deferred = new Map<string, { topic: string; partition: number; offset: string }>();
  const lastCommitAt = new Map<string, number>();
  let commitTimer: NodeJS.Timeout | null = null;
  let assignment = new Map<string, TopicPartition>();
  /**
   * The partitions whose lag is sampled between batches. A consumer that never commits is a group
   * of its own (consent feed, fan-out): after a crash its partitions stay its own to report, their
   * lag growing until it joins again (the crash removed the series). Otherwise the assignment: a
   * revoked partition's lag is its next owner's to report.
   */
  let lastAssignment = new Map<string, TopicPartition>();
  let lagSampler: LagSampler | null = null;
  /** Offset each partition restarts from after a failed produce: the last commit we made. */
  const committed = new Map<string, string>();
  /** Next offset whose predecessors' outputs were produced, per partition (the replay mark). */
  const produced = new Map<string, string>();
  /** Partitions whose replay mark was handed to onReplayUntil since their assignment. */
  const primed = new Set<string>();
  /**
   * The replay mark a partition started with: a poison record below it was dead-lettered by the
   * previous owner (or run) already, and is not dead-lettered again (each restart of a service
   * holding its commits re-produced every dead letter since the oldest open call).
   */
  const replayedUntil = new Map<string, number>();
  /** Next offset to read after the last flush, per partition (the base of a recommit). */
  const reached = new Map<string, string>();
  /**
   * A consumer that never commits: the next offset to read per partition in this process (its
   * start time's position until its first flush), kept across rejoins, where kafkajs would start it
   * over from the beginning or from now. Never cleared by a revocation.
   */
  const positions = new Map<string, string>();
  /**
   * Revocations per partition. kafkajs 2.2.4 rejoins the group from inside one fetcher's fetch
   * when a broker answers that it no longer leads a partition (consumer/consumerGroup.js
   * recoverFromFetch -> joinAndSync), while other fetchers' batches are still being handled or
   * wait in the worker queue; its new offset manager then takes the next position from whatever
   * such a batch resolves. A batch begun before its partition's last revocation therefore stops
   * (nothing more handled, resolved or committed), so the partition is read again from its commit.
   */
  const revocations = new Map<string, number>();
  /** Kept partitions revoked since their last batch: the offset their next batch must start at. */
  const restartAt = new Map<string, string>();
  let marks: Promise<Map<string, number>> = Promise.resolve(new Map());
  const admin = options.onReplayUntil ? options.kafka.admin() : null;
  let joined = false;
  let running = false;
  /** Aborted by stop(): no restart of a crashed consumer after that. */
  const stopping = new AbortController();
  let kept: KeptRunning | null = null;

  const revoke = (partitions: TopicPartition[]): void => {
    if (partitions.length === 0) return;
    for (const { topic, partition } of partitions) {
      const key = tpKey(topic, partition);
      revocations.set(key, (revocations.get(key) ?? 0) + 1);
      const from = committed.get(key);
      if (commits && from !== undefined) restartAt.set(key, from);
      // Not committed: the next owner replays from the last commit (duplicates, dropped by id).
      committed.delete(tpKey(topic, partition));
      deferred.delete(tpKey(topic, partition));
      produced.delete(tpKey(topic, partition));
      primed.delete(tpKey(topic, partition));
      replayedUntil.delete(tpKey(topic, partition));
      reached.delete(tpKey(topic, partition));
      // Its next owner reports its lag: a stale value here would count it twice in a sum by group.
      metrics?.consumerLag?.remove({ group: options.groupId, topic, partition: String(partition) });
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
    lastAssignment = new Map(assignment);
    options.onJoined?.({ isLeader: event.payload.isLeader });
    if (!commits) {
      // Registered now, applied at the partition's next fetch (kafkajs consumerGroup.seekOffsets).
      for (const [key, { topic, partition }] of assignment) {
        const offset = positions.get(key);
        if (offset !== undefined) consumer.seek({ topic, partition, offset });
      }
    }
    // Only a partition kept here restarts from this member's last commit; another owner's may be later.
    for (const key of [...restartAt.keys()]) if (!assignment.has(key)) restartAt.delete(key);
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
  // kafkajs hands no batch of markers alone (a transaction's commit) to eachBatch: it skips it.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize === 0)
      options.onBatchRead?.(payload.topic, payload.partition, BigInt(payload.lastOffset) + 1n);
  });
  consumer.on(consumer.events.CRASH, (event) => {
    joined = false;
    // kafkajs restarts the consumer itself after a retriable error, such as "the coordinator is
    // loading" on every fresh broker's first join: a warning, not an error an operator must chase.
    const retriable = event.payload.restart && (event.payload.error as { retriable?: boolean }).retriable;
    metrics?.errors?.inc({ code: retriable ? 'CONSUMER_RESTARTED' : 'CONSUMER_CRASH' });
    const details = { error: event.payload.error, restart: event.payload.restart };
    if (retriable) logger.warn('consumer restarting after a retriable error', details);
    else logger.error('consumer crashed', details);
    // kafkajs rejoins from the committed offsets: state built past them must go.
    revoke([...assignment.values()]);
    assignment = new Map();
  });

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
    const revision = revocations.get(key) ?? 0;
    /**
     * False once the partition was revoked after this batch began, or is not ours (see revocations).
     * A consumer that never commits has no commit to be read again from: it goes on as kafkajs does.
     */
    const current = (): boolean =>
      !commits || ((revocations.get(key) ?? 0) === revision && assignment.has(key));
    if (!current()) return;
    const from = restartAt.get(key);
    if (from !== undefined && batch.messages.length > 0) {
      restartAt.delete(key);
      if (BigInt(batch.messages[0].offset) > BigInt(from)) {
        // Fetched before the revocation, from past the commit: the state it needs is gone.
        logger.info('stale batch after a rejoin; reading the partition again from its commit', {
          topic,
          partition,
          offset: from,
        });
        consumer.seek({ topic, partition, offset: from });
        return;
      }
    }
    if (!committed.has(key) && batch.messages.length > 0) committed.set(key, batch.messages[0].offset);
    if (options.onReplayUntil && !primed.has(key)) {
      const mark = (await marks).get(key);
      if (!current()) return;
      primed.add(key);
      if (mark !== undefined) {
        produced.set(key, String(mark));
        replayedUntil.set(key, mark);
        options.onReplayUntil(topic, partition, mark);
      }
    }
    // The backlog from the first record not yet handled: this batch counts (offsetLag() is the lag
    // after its last record, so a backlog fetched as one batch read 0 during an incident), and the
    // value holds while the batch is stuck (a database down); each flush lowers it.
    // Records under the replay mark are a rebuild (their outputs were produced before), not a
    // backlog: a held commit made every rebalance read as the committed lag, which the autoscalers'
    // backlog trigger (deploy/k8s) answered with more pods, each one another rebalance.
    const lagLabels = { group: options.groupId, topic, partition: String(partition) };
    const lagFrom = (next: string | number): number =>
      Math.max(0, Number(batch.highWatermark) - Math.max(Number(next), replayedUntil.get(key) ?? 0));
    const first = batch.firstOffset();
    metrics?.consumerLag?.set(lagLabels, first === null ? Number(batch.offsetLag()) : lagFrom(first));
    let pending: OutRecord[] = [];
    /** Batch handler only: the records decoded since the last flush, and their messages. */
    let chunk: ConsumedRecord<T>[] = [];
    let chunkMessages: KafkaMessage[] = [];
    let lastOffset: string | null = null;
    /** Records consumed since the last flush, and how many of them were poison. */
    let inputs = 0;
    let poison = 0;
    let flushStarted = performance.now();

    const reject = (message: KafkaMessage, error: unknown, fallbackCode: string): void => {
      poison += 1;
      if (Number(message.offset) < (replayedUntil.get(key) ?? -1)) return; // dead-lettered before
      const letter = poisonOutput(poisonPolicy, { topic, partition, message }, error, fallbackCode);
      if (letter) pending.push(letter);
    };

    const flush = async (): Promise<boolean> => {
      if (!current()) return false;
      if (lastOffset === null || inputs === 0) return true;
      if (handleBatch && chunk.length > 0) {
        const [records, messages] = [chunk, chunkMessages];
        [chunk, chunkMessages] = [[], []];
        // Throws when nothing of the chunk can be written: no produce, no commit (see options).
        const outcome = await handleBatch(records);
        if (!current()) return false;
        for (const output of outcome.outputs) pending.push(output);
        for (const { index, error } of outcome.refused) reject(messages[index], error, 'PROCESSING_FAILED');
      }
      const outputs = pending;
      pending = [];
      const started = performance.now();
      try {
        await sendRecords(producer, outputs);
      } catch (error) {
        // Outputs of inputs past the last commit are lost: drop the state built from them and
        // re-read from the last commit, exactly as a successor worker would.
        metrics?.errors?.inc({ code: 'PRODUCE_FAILED' });
        logger.error('produce failed; replaying partition from last commit', { topic, partition, error });
        const replayFrom = committed.get(key) ?? lastOffset;
        const until = produced.get(key);
        revoke([{ topic, partition }]);
        options.onAssigned?.([{ topic, partition }]);
        if (until !== undefined && options.onReplayUntil) {
          primed.add(key);
          produced.set(key, until);
          replayedUntil.set(key, Number(until));
          options.onReplayUntil(topic, partition, Number(until));
        }
        consumer.seek({ topic, partition, offset: replayFrom });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return false;
      }
      // Revoked while producing: the outputs are duplicates of what the replay produces again.
      if (!current()) return false;
      const recordsOut = metrics?.recordsOut;
      if (recordsOut) countByTopic(outputs, (t, n) => recordsOut.inc({ topic: t }, n));
      if (outputs.length > 0) options.onProduced?.(outputs);
      resolveOffset(lastOffset);
      const next = (BigInt(lastOffset) + 1n).toString();
      reached.set(key, next);
      if (!commits) positions.set(key, next);
      metrics?.consumerLag?.set(lagLabels, lagFrom(next));
      // Never below the previous owner's mark while replaying under it.
      if (Number(next) > Number(produced.get(key) ?? -1)) produced.set(key, next);
      if (commits) {
        const offset = options.commitOffset?.(topic, partition, next) ?? next;
        const due = Date.now() - (lastCommitAt.get(key) ?? 0) >= commitIntervalMs;
        if (due || !running || !isRunning()) await commitNow(key, topic, partition, offset);
        else deferred.set(key, { topic, partition, offset });
      }
      metrics?.processingSeconds?.observe({ stage: 'flush' }, (performance.now() - started) / 1000);
      const seconds = (performance.now() - flushStarted) / 1000;
      options.onFlushed?.({ topic, partition, inputs, poison, seconds, nextOffset: next });
      await heartbeat();
      [inputs, poison] = [0, 0];
      flushStarted = performance.now();
      return true;
    };

    const started = performance.now();
    let readToEnd = true;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || !current()) {
        readToEnd = false;
        break;
      }
      metrics?.recordsIn?.inc({ topic });
      const aheadMs = Number(message.timestamp) - Date.now();
      if (aheadMs > 0) metrics?.recordClockAheadSeconds?.observe({ topic }, aheadMs / 1000);
      let record: ConsumedRecord<T> | null = null;
      try {
        record = consumedRecord(options.decode, topic, partition, message);
      } catch (error) {
        reject(message, error, 'DECODE_FAILED');
      }
      if (record && handleBatch) {
        chunk.push(record);
        chunkMessages.push(message);
      } else if (record && handle) {
        try {
          for (const output of await handle(record)) pending.push(output);
        } catch (error) {
          reject(message, error, 'PROCESSING_FAILED');
        }
        if (!current()) return;
      }
      lastOffset = message.offset;
      inputs += 1;
      if (inputs >= maxRecords || performance.now() - flushStarted >= maxDelayMs) {
        if (!(await flush())) return;
      }
    }
    if ((await flush()) && readToEnd)
      options.onBatchRead?.(topic, partition, BigInt(batch.lastOffset()) + 1n);
    metrics?.processingSeconds?.observe({ stage: 'batch' }, (performance.now() - started) / 1000);
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
      if (!commits && options.startTimeOf) {
        for (const p of await positionsByTime(options.kafka, options.topics, options.startTimeOf))
          positions.set(tpKey(p.topic, p.partition), p.offset);
      }
      await subscribeTopics(consumer, options.topics, options.fromBeginning);
      running = true;
      const lagSampleMs = options.lagSampleIntervalMs ?? 5_000;
      if (metrics?.consumerLag && lagSampleMs > 0)
        lagSampler = startLagSampler({
          kafka: options.kafka,
          gauge: metrics.consumerLag,
          groupId: options.groupId,
          intervalMs: lagSampleMs,
          logger,
          partitions: () => [...(commits ? assignment : lastAssignment).values()],
          positionOf: (topic, partition) => {
            const key = tpKey(topic, partition);
            // After a flush only: before it, a successor's replay mark may not be read yet, and
            // its rebuild would count as backlog (the first batch sets the gauge itself).
            const next = commits ? reached.get(key) : positions.get(key);
            // As a batch counts it: records under the replay mark are a rebuild, not a backlog.
            return next === undefined ? undefined : Math.max(Number(next), replayedUntil.get(key) ?? 0);
          },
        });
      if (commits && commitIntervalMs > 0) {
        commitTimer = setInterval(() => void commitDeferred(), commitIntervalMs);
        commitTimer.unref();
      }
      const run = {
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
        eachBatch,
      };
      kept = await runConsumerKeptRunning(consumer, run, { logger, signal: stopping.signal });
    },
    async stop() {
      running = false;
      stopping.abort();
      // Before the revocations below remove the lag series: no sample sets one again after them.
      await lagSampler?.stop();
      lastAssignment = new Map();
      // A restart joining the group now would start fetching after consumer.stop(): let it finish.
      await kept?.settled();
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
