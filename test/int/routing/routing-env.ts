// A routing service's topics (created on the test broker, 3 partitions each) and its config over
// them, for the routing integration tests. I/O: the broker (topic creation).
import type { Kafka } from 'kafkajs';
import { inject } from 'vitest';
import { loadRoutingServiceConfig } from '../../../services/routing-service/config.ts';
import { createTestTopics } from '../../support/kafka.ts';

export async function routingTestConfig(kafka: Kafka, prefix: string, extraEnv: Record<string, string>) {
  const topics = {
    calls: `${prefix}.calls`,
    emotions: `${prefix}.emotions`,
    alerts: `${prefix}.alerts`,
    routing: `${prefix}.routing`,
    dl: `${prefix}.dl`,
  };
  await createTestTopics(kafka, Object.values(topics), 3);
  const config = loadRoutingServiceConfig({
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    HTTP_PORT: '0',
    LOG_LEVEL: 'error',
    ROUTING_GROUP_ID: `${prefix}.routing`,
    CALLS_TOPIC: topics.calls,
    EMOTIONS_TOPIC: topics.emotions,
    ALERTS_TOPIC: topics.alerts,
    ROUTING_TOPIC: topics.routing,
    DEADLETTER_TOPIC: topics.dl,
    ...extraEnv,
  });
  return { topics, config };
}
