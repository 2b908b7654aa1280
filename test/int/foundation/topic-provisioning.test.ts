// Topic provisioning is idempotent and applies partitions and retention from config.
import { describe, expect, it, onTestFinished } from 'vitest';
import { provisionTopics, topicConfigs, DEFAULT_TOPIC_SETTINGS } from '../../../services/shared/topics.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';

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
});
