// Topic provisioning is idempotent and applies partitions and retention from config; a renamed
// audio topic (AUDIO_TOPIC) keeps the audio's short retention (it was created with the events' 7 days).
import { describe, expect, it, onTestFinished } from 'vitest';
import { provisionTopics, topicConfigs, DEFAULT_TOPIC_SETTINGS } from '../../../services/shared/topics.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { startTestGateway } from '../ingest/helpers.ts';

describe('topic provisioning', () => {
  it('creates missing topics once and leaves existing ones alone', async () => {
    const admin = testKafka().admin();
    await admin.connect();
    const names = [uniqueName('test.prov.audio'), uniqueName('test.prov.events')];
    onTestFinished(async () => {
      await admin.deleteTopics({ topics: names }).catch(() => undefined);
      await admin.disconnect();
    });
    const settings = { ...DEFAULT_TOPIC_SETTINGS, partitions: 2, eventRetentionMs: 3_600_000 };
    const configs = topicConfigs(settings, names);

    expect(await provisionTopics(admin, configs)).toEqual(names);
    expect(await provisionTopics(admin, configs)).toEqual([]);

    const metadata = await admin.fetchTopicMetadata({ topics: names });
    for (const topic of metadata.topics) expect(topic.partitions).toHaveLength(2);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: names[1], configNames: ['retention.ms'] }],
    });
    expect(described.resources[0].configEntries[0].configValue).toBe('3600000');
  });

  it('creates a renamed audio topic with the audio retention, the calls topic with the events’', async () => {
    const admin = testKafka().admin();
    await admin.connect();
    const topics = { audio: uniqueName('test.prov.audio.eu'), calls: uniqueName('test.prov.calls.eu') };
    onTestFinished(async () => {
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.disconnect();
    });
    const gateway = await startTestGateway(topics, {
      TENANT_TOKENS: 'acme=0123456789abcdef0123',
      AUDIO_RETENTION_MS: '3600000',
      EVENT_RETENTION_MS: '86400000',
    });
    await gateway.stop();
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: Object.values(topics).map((name) => ({ type: 2, name, configNames: ['retention.ms'] })),
    });
    const retention = Object.fromEntries(
      described.resources.map((r) => [r.resourceName, r.configEntries[0].configValue]),
    );
    expect(retention).toEqual({ [topics.audio]: '3600000', [topics.calls]: '86400000' });
  });
});
