// Provisions the product's topics and exits: `node services/shared/provision-main.ts`.
// Config: KAFKA_BROKERS (required), TOPIC_PARTITIONS, AUDIO_RETENTION_MS, and the Kafka TLS / SASL
// variables of kafka-security.ts. I/O: Kafka admin.
import { ConfigError } from './config.ts';
import { createKafka } from './kafka-client.ts';
import { kafkaSecurityOf, type KafkaSecurityResult } from './kafka-security.ts';
import { DEFAULT_TOPIC_SETTINGS, provisionTopics, topicConfigs } from './topics.ts';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (brokers.length === 0) {
  console.error(JSON.stringify({ level: 'error', code: 'CONFIG_INVALID', msg: 'KAFKA_BROKERS is required' }));
  process.exit(2);
}
let security: KafkaSecurityResult;
try {
  security = kafkaSecurityOf(process.env);
} catch (error) {
  const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
  console.error(
    JSON.stringify({ level: 'error', code: 'CONFIG_INVALID', msg: 'invalid configuration', problems }),
  );
  process.exit(2);
}
const admin = createKafka({ clientId: 'va-provision', brokers, security: security.security }).admin();
await admin.connect();
const created = await provisionTopics(
  admin,
  topicConfigs({
    ...DEFAULT_TOPIC_SETTINGS,
    partitions: Number(process.env.TOPIC_PARTITIONS ?? DEFAULT_TOPIC_SETTINGS.partitions),
    audioRetentionMs: Number(process.env.AUDIO_RETENTION_MS ?? DEFAULT_TOPIC_SETTINGS.audioRetentionMs),
  }),
);
await admin.disconnect();
console.log(JSON.stringify({ level: 'info', msg: 'topics provisioned', created }));
