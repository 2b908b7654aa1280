// The real emotion classifier, in-process, on its own fresh topics of the test broker (one
// partition each): `start()` starts an instance (stopped when the test ends; call it again for a
// successor in the same group). I/O: Kafka.
import { inject, onTestFinished } from 'vitest';
import type { Kafka } from 'kafkajs';
import { startEmotionClassifier } from '../../services/emotion-classifier/classifier.ts';
import { loadEmotionClassifierConfig } from '../../services/emotion-classifier/config.ts';
import { createLogger } from '../../services/shared/logger.ts';
import { createTestTopics, testKafka, uniqueName } from './kafka.ts';

export interface ClassifierOnTopics {
  kafka: Kafka;
  topics: { features: string; emotions: string; dl: string };
  start(): ReturnType<typeof startEmotionClassifier>;
}

/** `env`: settings over the defaults below. */
export async function classifierOnTopics(env: Record<string, string> = {}): Promise<ClassifierOnTopics> {
  const kafka = testKafka();
  const topics = {
    features: uniqueName('t.features'),
    emotions: uniqueName('t.emotions'),
    dl: uniqueName('t.dl'),
  };
  await createTestTopics(kafka, Object.values(topics), 1);
  const config = loadEmotionClassifierConfig({
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    FEATURES_TOPIC: topics.features,
    EMOTIONS_TOPIC: topics.emotions,
    DEADLETTER_TOPIC: topics.dl,
    TOPIC_PARTITIONS: '1',
    EMOTION_GROUP_ID: uniqueName('g.emotion'),
    ...env,
  });
  const logger = createLogger({ service: 'emotion-classifier', level: 'warn' });
  return {
    kafka,
    topics,
    async start() {
      const classifier = await startEmotionClassifier(config, { handleSignals: false, logger });
      onTestFinished(() => classifier.stop('test finished'));
      return classifier;
    },
  };
}
