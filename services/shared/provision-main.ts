// Provisions the product's topics and exits: `node services/shared/provision-main.ts`.
// Config: commonEnv (KAFKA_BROKERS required; TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR,
// TOPIC_MIN_INSYNC_REPLICAS, TOPIC_ALLOW_LOW_REPLICATION, AUDIO_RETENTION_MS, EVENT_RETENTION_MS)
// and the Kafka TLS / SASL variables of kafka-security.ts, decided as every service decides them;
// a problem exits 2 with CONFIG_INVALID. I/O: Kafka admin.
import { commonEnv } from './config.ts';
import { createKafka } from './kafka-client.ts';
import { startOrExit } from './start-error.ts';
import { toolSettingsOrExit } from './tool-settings.ts';
import { provisionTopics, topicConfigs } from './topics.ts';

const { config, replication, security } = toolSettingsOrExit(commonEnv);
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
