// The rules engine's consumer of va.emotions.v1 and va.features.v1: the shared group of every
// instance, at-least-once with the evaluator's held commits. I/O: Kafka.
import { createConsumerRunner, type ConsumerRunner } from '../shared/consumer-runner.ts';
import { decodeFeaturesTopic, emotionEventCodec } from '../shared/records.ts';
import type { ServiceBase } from '../shared/service-base.ts';
import type { AlertServiceConfig } from './config.ts';
import type { Evaluator, EvaluatorInput } from './evaluator.ts';
import { SERVICE } from './service-name.ts';

/** The rules engine's consumer of va.emotions.v1 and va.features.v1 (the shared group). */
export function evaluatorRunner(
  config: AlertServiceConfig,
  base: ServiceBase,
  evaluator: Evaluator,
  fromBeginning: boolean,
): ConsumerRunner {
  // At-least-once with held commits (evaluator.ts): a restart or rebalance replays each call
  // from its first record and produces only the alerts the previous owner had not produced.
  return createConsumerRunner<EvaluatorInput>({
    kafka: base.kafka,
    producer: base.producer,
    service: SERVICE,
    groupId: config.ALERT_GROUP_ID,
    topics: [config.EMOTIONS_TOPIC, config.FEATURES_TOPIC],
    deadLetterTopic: config.DEADLETTER_TOPIC,
    fromBeginning,
    partitionsConsumedConcurrently: config.ALERT_PARTITIONS_CONCURRENTLY,
    // A fetch gathers up to 100 ms of emotions and features (alerts are promised within seconds):
    // returning at each record meant a fetch per produce of every dsp-worker and classifier, per
    // broker. Commits every 5 s (a per-flush commit round trip delays the next fetch).
    consumerConfig: { minBytes: 65_536, maxWaitTimeInMs: 100 },
    commitIntervalMs: 5_000,
    logger: base.logger,
    metrics: base.metrics,
    decode: (value, headers, topic): EvaluatorInput =>
      topic === config.EMOTIONS_TOPIC
        ? { schema: 'emotion', value: emotionEventCodec.decode(value, headers) }
        : decodeFeaturesTopic(value, headers),
    handle: (record) => evaluator.handle(record),
    onRevoked: (partitions) => evaluator.revoke(partitions),
    commitOffset: (topic, partition, next) => evaluator.commitOffset(topic, partition, next),
    onReplayUntil: (topic, partition, until) => evaluator.setReplayUntil(topic, partition, until),
  });
}
