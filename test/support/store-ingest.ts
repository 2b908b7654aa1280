// The call store's ingest on topics of one test: its four input topics and a dead-letter topic,
// named uniquely and created on the broker, and an ingest consuming them with a fresh group.
// I/O: Kafka.
import type { Kafka } from 'kafkajs';
import {
  createStoreIngest,
  type StoreIngest,
  type StoreIngestOptions,
  type StoreTopics,
} from '../../services/call-store/ingest/consumer.ts';
import { createLogger } from '../../services/shared/logger.ts';
import { createTestTopics, uniqueName } from './kafka.ts';

export interface StoreTestTopics {
  topics: StoreTopics;
  deadTopic: string;
}

export async function createStoreTopics(kafka: Kafka, partitions?: number): Promise<StoreTestTopics> {
  const topics: StoreTopics = {
    calls: uniqueName('calls'),
    features: uniqueName('features'),
    emotions: uniqueName('emotions'),
    alerts: uniqueName('alerts'),
  };
  const deadTopic = uniqueName('dead');
  await createTestTopics(kafka, [...Object.values(topics), deadTopic], partitions);
  return { topics, deadTopic };
}

/** The store's ingest on `on`, dead-lettering there, logging errors only as `service`. */
export function storeIngestOn(
  on: StoreTestTopics,
  deps: Pick<StoreIngestOptions, 'kafka' | 'producer' | 'store' | 'metrics' | 'teamOfAgent'>,
  service: string,
): StoreIngest {
  return createStoreIngest({
    ...deps,
    topics: on.topics,
    deadLetterTopic: on.deadTopic,
    groupId: uniqueName('store'),
    logger: createLogger({ service, level: 'error' }),
  });
}
