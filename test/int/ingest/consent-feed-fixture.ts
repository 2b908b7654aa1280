// The consent feed (services/ingest-gateway/consent-feed.ts) on a calls topic of a test's own,
// against the real broker: the topic with the idempotent producer that writes its changes, a feed
// and its memory reading it (stopped when the test ends), a partition added while it runs.
// I/O: Kafka.
import type { Kafka, Producer } from 'kafkajs';
import { onTestFinished } from 'vitest';
import { createConsentFeed, type ConsentFeed } from '../../../services/ingest-gateway/consent-feed.ts';
import { createConsentMemory, type ConsentMemory } from '../../../services/ingest-gateway/consent-memory.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { createTestTopics, uniqueName } from '../../support/kafka.ts';
import { consentWithdrawal, idempotentProducer } from './helpers.ts';

/** A new calls topic of `partitions` partitions and an idempotent producer to it. */
export async function callsTopicOfOwn(
  kafka: Kafka,
  partitions: number,
): Promise<{ topic: string; producer: Producer }> {
  const topic = uniqueName('test.calls');
  await createTestTopics(kafka, [topic], partitions);
  return { topic, producer: await idempotentProducer(kafka) };
}

export interface FeedSettings {
  checkMaxMs: number;
  /** How long changes are remembered, and so how far back a start reads them. */
  memoryMs: number;
  maxCalls: number;
}

/** A consent feed (not started) and its memory on `topic`, stopped when the test ends. */
export function consentFeedOn(
  kafka: Kafka,
  topic: string,
  producer: Producer,
  { checkMaxMs, memoryMs, maxCalls }: FeedSettings,
): { feed: ConsentFeed; memory: ConsentMemory } {
  const memory = createConsentMemory({ memoryMs, maxCalls });
  const feed = createConsentFeed({
    kafka,
    producer,
    topic,
    memory,
    lookbackMs: memoryMs,
    checkMaxMs,
    groupPrefix: uniqueName('test-consent'),
    logger: createLogger({ service: 'consent-feed-test', write: () => undefined }),
  });
  onTestFinished(() => feed.stop());
  return { feed, memory };
}

/** Grows `topic` to `count` partitions, as an operator does while the gateways run. */
export async function growPartitions(kafka: Kafka, topic: string, count: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  onTestFinished(() => admin.disconnect());
  await admin.createPartitions({ topicPartitions: [{ topic, count }] });
}

/** A transactional producer, as a MirrorMaker 2 copy with exactly-once delivery writes; disconnected at the end. */
export async function mirrorProducer(kafka: Kafka): Promise<Producer> {
  const mirror = kafka.producer({
    transactionalId: uniqueName('test-mirror'),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await mirror.connect();
  onTestFinished(() => mirror.disconnect());
  return mirror;
}

/**
 * A transaction left open on `topic` holding a withdrawal of `callId`, as a mirror's copy (or a
 * crashed transactional producer's) holds one; aborted at the test's end.
 */
export async function openTransactionOn(kafka: Kafka, topic: string, callId: string): Promise<void> {
  const open = await (await mirrorProducer(kafka)).transaction();
  onTestFinished(() => open.abort().catch(() => undefined));
  await open.send({ topic, messages: [consentWithdrawal(topic, callId).message] });
}
