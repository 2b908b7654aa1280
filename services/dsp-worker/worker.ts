// The dsp-worker service: consumer group on va.audio.v1, per-call DSP state, va.features.v1 out,
// commits held at the first audio record an unfinished window still needs, idle calls flushed on
// a timer. Exported as a function so tests and the benchmark can run it in-process; main.ts wires
// it to the process. I/O: Kafka, the ops HTTP server, timers.
import { createCallAnalyzer } from '../../pipelines/dsp/index.ts';
import { createConsumerRunner, type ConsumerRunner } from '../shared/consumer-runner.ts';
import type { Logger } from '../shared/logger.ts';
import { metricBuilders } from '../shared/metric-builders.ts';
import { countByTopic, sendRecords } from '../shared/producer.ts';
import { audioChunkCodec } from '../shared/records.ts';
import { bootService, type ServiceBase } from '../shared/service-base.ts';
import { CallStates } from './call-states.ts';
import { dspWorkerEnv, type DspWorkerConfig } from './config.ts';
import { createFeatureProcessor } from './feature-processor.ts';
import { createIdleFlusher } from './idle-flusher.ts';
import { settingNames } from '../shared/setting-names.ts';

export const SERVICE = 'dsp-worker';

export interface DspWorker {
  readonly base: ServiceBase;
  readonly runner: ConsumerRunner;
  readonly states: CallStates;
  /** Graceful stop: stop intake, finish the in-flight batch, produce, commit, close. */
  stop(reason?: string): Promise<void>;
}

export async function startDspWorker(
  config: DspWorkerConfig,
  /** `now`: the worker's wall clock (default Date.now), for tests that skew this worker alone. */
  options: { handleSignals?: boolean; logger?: Logger; now?: () => number } = {},
): Promise<DspWorker> {
  const base = await bootService({
    service: SERVICE,
    config,
    settings: settingNames(dspWorkerEnv),
    topics: [config.AUDIO_TOPIC, config.FEATURES_TOPIC, config.DEADLETTER_TOPIC],
    audioTopic: config.AUDIO_TOPIC,
    handleSignals: options.handleSignals,
    logger: options.logger,
  });
  const { logger, metrics, producer } = base;
  const metric = metricBuilders(metrics.registry);
  const states = new CallStates({
    createAnalyzer: (format) =>
      createCallAnalyzer({ format, windowMs: config.WINDOW_MS, windowHopMs: config.WINDOW_HOP_MS }),
    windowHopMs: config.WINDOW_HOP_MS,
    idleTimeoutMs: config.CALL_IDLE_TIMEOUT_MS,
    maxCalls: config.MAX_CALLS,
    maxGapMs: config.MAX_AUDIO_GAP_MS,
  });
  metric.gaugeReading('va_dsp_active_calls', 'Calls whose DSP state this worker holds', () => states.size);
  const windows = metric.counter(
    'va_dsp_windows_total',
    'Windows produced, by kind (features = one speaker, dynamics = both)',
    ['kind'],
  );
  const freed = metric.counter('va_dsp_calls_freed_total', 'Call states freed, by reason', ['reason']);

  const processor = createFeatureProcessor({
    states,
    featuresTopic: config.FEATURES_TOPIC,
    now: options.now,
    onWindow(kind, audioCompletedAtMs, producedAtMs) {
      windows.inc({ kind });
      metrics.observeLatency(kind, audioCompletedAtMs, producedAtMs);
    },
    onCallEnded: () => freed.inc({ reason: 'ended' }),
  });

  const flusher = createIdleFlusher({
    flushIdle: () => processor.flushIdle(),
    send: (outputs) => sendRecords(producer, outputs),
    // A freed call no longer holds its partition's commit back: move it on even if no record comes.
    // Through the runner, which forgets a revoked partition's position.
    commit: (partition) =>
      runner.recommit(
        runner.assigned().filter((tp) => tp.topic === config.AUDIO_TOPIC && tp.partition === partition),
      ),
    onProduced(flush) {
      countByTopic(flush.outputs, (topic, n) => metrics.recordsOut.inc({ topic }, n));
      freed.inc({ reason: 'idle' });
      logger.info('idle call freed', { callId: flush.callId, windows: flush.outputs.length });
    },
    onFailed(flush, error) {
      // Kept, its commit held: sent again at the next sweep, or replayed by the partition's next owner.
      metrics.errors.inc({ code: 'PRODUCE_FAILED' });
      logger.error('idle flush not produced', { callId: flush.callId, error });
    },
  });
  const safeOffset = (partition: number, nextOffset: number): number =>
    Math.min(states.safeCommitOffset(partition, nextOffset), flusher.heldBelow(partition));
  const runner = createConsumerRunner({
    kafka: base.kafka,
    producer,
    service: SERVICE,
    groupId: config.DSP_GROUP_ID,
    topics: [config.AUDIO_TOPIC],
    logger,
    metrics,
    deadLetterTopic: config.DEADLETTER_TOPIC,
    partitionsConsumedConcurrently: config.PARTITIONS_CONCURRENTLY,
    decode: (value, headers) => audioChunkCodec.decode(value, headers),
    handle: (record) => processor.handle(record),
    // Its windows are made again from the replay (dropped by id downstream); the mark is read only
    // so the audio re-read to rebuild the analyzers is not reported as lag, which KEDA scales on.
    onReplayUntil: () => undefined,
    onRevoked(partitions) {
      flusher.dropPartitions(partitions.map((p) => p.partition));
      const dropped = states.dropPartitions(partitions.map((p) => p.partition));
      processor.prune();
      if (dropped > 0) freed.inc({ reason: 'revoked' }, dropped);
    },
    commitOffset: (_topic, partition, nextOffset) => String(safeOffset(partition, Number(nextOffset))),
  });

  const sweepEveryMs = Math.max(50, Math.min(1000, Math.floor(config.CALL_IDLE_TIMEOUT_MS / 4)));
  const timer = setInterval(() => void flusher.sweep(), sweepEveryMs);
  timer.unref();

  base.ops.addReadiness('consumer', () => runner.ready());
  base.shutdown.add('idle sweeper', () => clearInterval(timer));
  base.shutdown.add('consumer (finish batch, produce, commit)', () => runner.stop());
  await runner.start();
  base.markStarted();
  logger.info('dsp-worker consuming', { topic: config.AUDIO_TOPIC, group: config.DSP_GROUP_ID });
  return { base, runner, states, stop: (reason = 'stop') => base.shutdown.run(reason) };
}
