// `npm run demo`: the product's main job. Until the live pipeline exists it starts the local
// Kafka broker, provisions the product's topics, prints what it did and stops.
import { findBroker } from '../deploy/kafka/find-broker.ts';
import { createKafka } from '../services/shared/kafka-client.ts';
import { DEFAULT_TOPIC_SETTINGS, provisionTopics, topicConfigs } from '../services/shared/topics.ts';

const broker = await findBroker();
try {
  console.log(`Kafka (${broker.source}, version ${broker.version}) at ${broker.brokers.join(',')}`);
  const admin = createKafka({ clientId: 'va-demo', brokers: broker.brokers }).admin();
  await admin.connect();
  const created = await provisionTopics(admin, topicConfigs(DEFAULT_TOPIC_SETTINGS));
  await admin.disconnect();
  console.log(`topics provisioned: ${created.join(', ')}`);
  console.log('The live pipeline is not built yet: nothing more to show.');
} finally {
  await broker.stop();
}
