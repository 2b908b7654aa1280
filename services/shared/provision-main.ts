// Provisions the product's topics and exits: `node services/shared/provision-main.ts`.
// Config: commonEnv (KAFKA_BROKERS required; TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR,
// TOPIC_MIN_INSYNC_REPLICAS, TOPIC_ALLOW_LOW_REPLICATION, AUDIO_RETENTION_MS, EVENT_RETENTION_MS)
// and the Kafka TLS / SASL variables of kafka-security.ts, decided as every service decides them;
// a problem exits 2 with CONFIG_INVALID. I/O: Kafka admin.
import { z } from 'zod';
import { commonEnv, ConfigError, loadConfig } from './config.ts';
import { createKafka } from './kafka-client.ts';
import { kafkaSecurityOf, type KafkaSecurityResult } from './kafka-security.ts';
import { runModeOf } from './run-mode.ts';
import { startOrExit } from './start-error.ts';
import { topicReplicationOf, type TopicReplication } from './topic-replication.ts';
import { provisionTopics, topicConfigs } from './topics.ts';

let config: z.infer<z.ZodObject<typeof commonEnv>>;
let replication: TopicReplication;
let security: KafkaSecurityResult;
try {
  config = loadConfig(z.object(commonEnv));
  replication = topicReplicationOf(config, runModeOf());
  security = kafkaSecurityOf(process.env);
} catch (error) {
  const problems = error instanceof ConfigError ? error.problems : undefined;
  console.error(
    JSON.stringify({ level: 'error', code: 'CONFIG_INVALID', msg: (error as Error).message, problems }),
  );
  process.exit(2);
}
const admin = createKafka({
  clientId: 'va-provision',
  brokers: config.KAFKA_BROKERS,
  security: security.security,
}).admin();
// A refused login, an untrusted certificate or no broker: one line with its code (start-error.ts).
const created = await startOrExit('va-provision', async () => {
  await admin.connect();
  try {
    return await provisionTopics(
      admin,
      topicConfigs({
        partitions: config.TOPIC_PARTITIONS,
        ...replication,
        audioRetentionMs: config.AUDIO_RETENTION_MS,
        eventRetentionMs: config.EVENT_RETENTION_MS,
      }),
    );
  } finally {
    await admin.disconnect();
  }
});
console.log(JSON.stringify({ level: 'info', msg: 'topics provisioned', created, ...replication }));
