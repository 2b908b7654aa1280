// The emotion-classifier service: consumer group on va.features.v1, one tracker per speaker with
// its baseline, va.emotions.v1 out; commits held at the first window of every active call (at most
// COMMIT_HOLD_MAX_RECORDS behind) so a successor rebuilds the baselines by replay, without
// producing again the events its predecessor produced (the replay mark of the commit). In-process callable (tests, benchmark); main.ts
// wires it to the process. I/O: Kafka, the model file, the ops HTTP server, timers.
import { createHash } from 'node:crypto';
import {
  createEmotionTracker,
  parseDspEmotionModel,
  type EmotionModel,
} from '../../pipelines/emotion/index.ts';
import { ConfigError, readConfigFile } from '../shared/config.ts';
import { createConsumerRunner, type ConsumerRunner } from '../shared/consumer-runner.ts';
import type { Logger } from '../shared/logger.ts';
import { metricBuilders } from '../shared/metric-builders.ts';
import { decodeFeaturesTopic } from '../shared/records.ts';
import { bootService, type ServiceBase } from '../shared/service-base.ts';
import { emotionClassifierEnv, type EmotionClassifierConfig } from './config.ts';
import { createEmotionProcessor } from './emotion-processor.ts';
import { SpeakerTrackers } from './speaker-trackers.ts';
import { settingNames } from '../shared/setting-names.ts';

export const SERVICE = 'emotion-classifier';

export interface EmotionClassifier {
  readonly base: ServiceBase;
  readonly runner: ConsumerRunner;
  readonly trackers: SpeakerTrackers;
  stop(reason?: string): Promise<void>;
}

export async function startEmotionClassifier(
  config: EmotionClassifierConfig,
  options: { handleSignals?: boolean; logger?: Logger } = {},
): Promise<EmotionClassifier> {
  // Read and validate the model before touching Kafka: a bad model file is a config error naming
  // the variable and the file (it was START_FAILED, or MODEL_FORMAT naming neither).
  const { model, sha256 } = modelOf(config.EMOTION_MODEL_PATH);
  const base = await bootService({
    service: SERVICE,
    config,
    settings: settingNames(emotionClassifierEnv),
    topics: [config.FEATURES_TOPIC, config.EMOTIONS_TOPIC, config.DEADLETTER_TOPIC],
    handleSignals: options.handleSignals,
    logger: options.logger,
    // Before the broker: during an outage the start waits for it, and the warning waited too.
    warnings: config.warnings,
  });
  const { logger, metrics } = base;
  const metric = metricBuilders(metrics.registry);
  // Which model judges the calls: a retrained one changes every state, and nothing said so.
  logger.info('emotion model', {
    path: config.EMOTION_MODEL_PATH,
    name: model.name,
    sha256,
    corpora: model.training?.corpora ?? [],
  });
  metric
    .gauge('va_emotion_model_info', 'The emotion model in use (value 1): its name and file sha256', [
      'name',
      'sha256',
    ])
    .set({ name: model.name, sha256 }, 1);
  const trackers = new SpeakerTrackers({
    createTracker: (callId, channel) => createEmotionTracker({ model, callId, channel }),
    idleTimeoutMs: config.SPEAKER_IDLE_TIMEOUT_MS,
    maxCalls: config.MAX_CALLS,
    maxHoldRecords: config.COMMIT_HOLD_MAX_RECORDS,
  });
  metric.gaugeReading(
    'va_emotion_active_calls',
    'Calls whose speaker trackers this classifier holds',
    () => trackers.size,
  );
  const duplicates = metric.counter(
    'va_emotion_duplicate_windows_total',
    'Feature windows dropped because the speaker had them already (replays)',
  );
  const processor = createEmotionProcessor({
    trackers,
    emotionsTopic: config.EMOTIONS_TOPIC,
    onEvent: (audioCompletedAtMs, producedAtMs) =>
      metrics.observeLatency('emotion', audioCompletedAtMs, producedAtMs),
    onDuplicate: () => duplicates.inc(),
  });
  const runner = createConsumerRunner({
    kafka: base.kafka,
    producer: base.producer,
    service: SERVICE,
    groupId: config.EMOTION_GROUP_ID,
    topics: [config.FEATURES_TOPIC],
    logger,
    metrics,
    deadLetterTopic: config.DEADLETTER_TOPIC,
    partitionsConsumedConcurrently: config.PARTITIONS_CONCURRENTLY,
    decode: (value, headers) => decodeFeaturesTopic(value, headers),
    handle: (record) => processor.handle(record),
    onRevoked: (partitions) => void trackers.dropPartitions(partitions.map((p) => p.partition)),
    commitOffset: (_topic, partition, nextOffset) =>
      String(trackers.safeCommitOffset(partition, Number(nextOffset))),
    // The commit is held at the first window of every live call, so a successor replays those
    // windows to rebuild the baselines; their events were produced before the mark: not again.
    onReplayUntil: (_topic, partition, producedUntil) => trackers.setReplayUntil(partition, producedUntil),
  });
  /** Freed calls no longer hold their partitions' commits back: move them on now. */
  const commitFreed = (partitions: Set<number>): Promise<void> =>
    runner.recommit(
      runner.assigned().filter((tp) => tp.topic === config.FEATURES_TOPIC && partitions.has(tp.partition)),
    );

  const sweepEveryMs = Math.max(50, Math.min(1000, Math.floor(config.SPEAKER_IDLE_TIMEOUT_MS / 4)));
  const timer = setInterval(() => {
    const partitions = new Set<number>();
    // Monotonic, as the processor's last-window times: a wall-clock step idles no call.
    for (const callId of trackers.idleCalls(performance.now())) {
      const partition = trackers.partitionOf(callId);
      if (partition !== null) partitions.add(partition);
      trackers.end(callId);
    }
    if (partitions.size > 0) void commitFreed(partitions);
  }, sweepEveryMs);
  timer.unref();

  base.ops.addReadiness('consumer', () => runner.ready());
  base.shutdown.add('idle sweeper', () => clearInterval(timer));
  base.shutdown.add('consumer (finish batch, produce, commit)', () => runner.stop());
  await runner.start();
  base.markStarted();
  logger.info('emotion-classifier consuming', {
    topic: config.FEATURES_TOPIC,
    group: config.EMOTION_GROUP_ID,
  });
  return { base, runner, trackers, stop: (reason = 'stop') => base.shutdown.run(reason) };
}

function modelOf(path: string): { model: EmotionModel; sha256: string } {
  const text = readConfigFile('EMOTION_MODEL_PATH', path);
  try {
    return {
      model: parseDspEmotionModel(JSON.parse(text)),
      sha256: createHash('sha256').update(text).digest('hex'),
    };
  } catch (error) {
    throw new ConfigError([
      `EMOTION_MODEL_PATH: "${path}" is not an emotion model: ${(error as Error).message}`,
    ]);
  }
}
