// The consent check against a calls topic that a transactional producer writes too (a replication
// tool with exactly-once delivery, MirrorMaker 2's, copying va.calls.v1 into this cluster), on the
// real broker. The check waits for the log end the broker reports, which counts the records of a
// transaction still open and its commit marker: a reading that cannot get there (a read_committed
// consumer stops before an open transaction) refused every resume CONSENT_UNCONFIRMED, and made
// every new call wait CONSENT_CHECK_MAX_MS, for as long as the transaction stayed open.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createConsentFeed } from '../../../services/ingest-gateway/consent-feed.ts';
import { createConsentMemory } from '../../../services/ingest-gateway/consent-memory.ts';
import { createLogger } from '../../../services/shared/logger.ts';

import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { consentWithdrawal, idempotentProducer } from './helpers.ts';

const kafka = testKafka();

/** One withdrawal as a transaction sends it. */
const withdrawal = (topic: string, callId: string) => ({
  topic,
  messages: [consentWithdrawal(topic, callId).message],
});

async function transactionalProducer() {
  const producer = kafka.producer({
    transactionalId: uniqueName('test-mirror'),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  return producer;
}

async function feedOn(topic: string) {
  const memory = createConsentMemory({ memoryMs: 60_000, maxCalls: 1_000 });
  const feed = createConsentFeed({
    kafka,
    producer: await idempotentProducer(kafka),
    topic,
    memory,
    lookbackMs: 60_000,
    checkMaxMs: 2_000,
    groupPrefix: uniqueName('test-consent'),
    logger: createLogger({ service: 'consent-feed-test', write: () => undefined }),
  });
  onTestFinished(() => feed.stop());
  return { feed, memory };
}

describe('the consent check on a calls topic written in transactions', () => {
  it('confirms while a transaction is open, after it commits and after one aborts', async () => {
    const topic = uniqueName('test.calls');
    await createTestTopics(kafka, [topic], 1);
    const { feed, memory } = await feedOn(topic);
    await feed.start();
    await expect.poll(() => feed.rebuilt(), { timeout: 15_000 }).toBe(true);

    const mirror = await transactionalProducer();
    const open = await mirror.transaction();
    onTestFinished(() => open.abort().catch(() => undefined));
    await open.send(withdrawal(topic, 'call-open'));
    await expect(feed.confirm()).resolves.toBeUndefined();
    // Once the copy commits, the withdrawal it carried is known to the next check.
    await open.commit();
    await expect
      .poll(() => memory.narrowed('acme', 'call-open'), { timeout: 10_000 })
      .toMatchObject({ analytics: false });
    await expect(feed.confirm()).resolves.toBeUndefined();
    // An aborted copy: its withdrawal is never read, its abort marker is read past.
    const aborted = await mirror.transaction();
    await aborted.send(withdrawal(topic, 'call-aborted'));
    await aborted.abort();
    await expect(feed.confirm()).resolves.toBeUndefined();
    expect(memory.narrowed('acme', 'call-aborted')).toBeNull();
  }, 40_000);

  it('is ready at its start when the topic ends with a commit marker', async () => {
    const topic = uniqueName('test.calls');
    await createTestTopics(kafka, [topic], 1);
    const mirror = await transactionalProducer();
    const copy = await mirror.transaction();
    await copy.send(withdrawal(topic, 'call-before'));
    await copy.commit();
    const { feed, memory } = await feedOn(topic);
    await feed.start();
    await expect.poll(() => feed.rebuilt(), { timeout: 15_000 }).toBe(true);
    expect(memory.narrowed('acme', 'call-before')).toMatchObject({ analytics: false });
  }, 40_000);
});
