// Topic provisioning is idempotent and applies partitions and retention from config; a renamed
// audio topic (AUDIO_TOPIC) keeps the audio's short retention (it was created with the events' 7 days);
// an existing topic that keeps records longer than configured is named in a warning.
import { describe, expect, it, onTestFinished } from 'vitest';
import { provisionTopics, topicConfigs, DEFAULT_TOPIC_SETTINGS } from '../../../services/shared/topics.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { warnOfLongerRetention } from '../../../services/shared/topic-retention.ts';
import type { Logger } from '../../../services/shared/logger.ts';
import { startTestGateway } from '../ingest/helpers.ts';

/** A connected admin; the topics are deleted and it disconnects when the test ends. */
async function adminDeletingAfter(topics: string[]) {
  const admin = testKafka().admin();
  await admin.connect();
  onTestFinished(async () => {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });
  return admin;
}

describe('topic provisioning', () => {
  it('creates missing topics once and leaves existing ones alone', async () => {
    const names = [uniqueName('test.prov.audio'), uniqueName('test.prov.events')];
    const admin = await adminDeletingAfter(names);
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

  it('warns of an existing topic that keeps records longer than configured (audio kept 7 days)', async () => {
    const names = [uniqueName('test.prov.audio.old'), uniqueName('test.prov.events.ok')];
    const admin = await adminDeletingAfter(names);
    // Made before the service, by hand or auto-creation: the broker's 7 days; the other as configured.
    await admin.createTopics({
      topics: [
        { topic: names[0], configEntries: [{ name: 'retention.ms', value: '604800000' }] },
        { topic: names[1], configEntries: [{ name: 'retention.ms', value: '3600000' }] },
      ],
      // provisionTopics below waits for the leaders (kafkajs' own wait fails on a loaded broker).
      waitForLeaders: false,
    });
    const settings = { ...DEFAULT_TOPIC_SETTINGS, audioRetentionMs: 3_600_000, eventRetentionMs: 3_600_000 };
    const configs = topicConfigs(settings, names, names[0]);
    expect(await provisionTopics(admin, configs)).toEqual([]);
    const warnings: { msg: string; fields: Record<string, unknown> }[] = [];
    const logger = {
      warn: (msg: string, fields: Record<string, unknown>) => warnings.push({ msg, fields }),
      debug: () => undefined,
    } as unknown as Logger;
    await warnOfLongerRetention(admin, configs, names[0], logger);
    expect(warnings).toEqual([
      {
        msg: 'topic keeps records longer than configured',
        fields: expect.objectContaining({
          topic: names[0],
          retentionMs: 604_800_000,
          configuredMs: 3_600_000,
          setting: 'AUDIO_RETENTION_MS',
        }),
      },
    ]);
  });
});
