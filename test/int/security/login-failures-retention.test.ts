// va.login-failures.v1 keeps records for the forget window, as SECURITY.md and the READMEs say
// ("kept 1 h"): a time retention deletes only closed segments, and with Kafka's default segment.ms
// (7 days) a partition that gets a login now and then never closes one, so its digests stayed a
// week and every start replayed them. Real broker (retention checked each 60 s here).
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_TOPIC_SETTINGS, provisionTopics, topicConfigs } from '../../../services/shared/topics.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';

describe('login attempts topic retention', () => {
  it('drops attempts older than its retention while logins keep coming', async () => {
    const topic = uniqueName('test.login-failures');
    const kafka = testKafka();
    const admin = kafka.admin();
    const producer = kafka.producer();
    await admin.connect();
    await producer.connect();
    let writing = true;
    onTestFinished(async () => {
      writing = false;
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    });
    const settings = { ...DEFAULT_TOPIC_SETTINGS, partitions: 1, loginFailuresRetentionMs: 5_000 };
    await provisionTopics(admin, topicConfigs(settings, [topic], undefined, undefined, topic));
    // A login a second, as a busy site has: the partition is never idle for the retention.
    const writes = (async () => {
      while (writing) {
        await producer.send({ topic, messages: [{ key: 'a', value: 'attempt' }] });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    })();
    // After the broker's next retention check (60 s), the first records (over 60 s old, retention
    // 5 s) are gone.
    await expect
      .poll(async () => Number((await admin.fetchTopicOffsets(topic))[0].low), {
        timeout: 100_000,
        interval: 2_000,
      })
      .toBeGreaterThan(0);
    writing = false;
    await writes;
  }, 150_000);
});
