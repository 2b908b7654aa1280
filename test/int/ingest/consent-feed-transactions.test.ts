// The consent check against a calls topic that a transactional producer writes too (a replication
// tool with exactly-once delivery, MirrorMaker 2's, copying va.calls.v1 into this cluster), on the
// real broker. The check waits for the high watermark, which counts the records of a transaction
// still open and its markers, and the reading is read_uncommitted, so it gets there: a withdrawal
// in an open copy is known at the next check, and one in an aborted copy is kept (consent only
// narrows: reading it can withdraw, never widen; consent-feed-open-transaction.test.ts shows why
// read_committed was not safe).
import { describe, expect, it, onTestFinished } from 'vitest';
import { createConsentFeed } from '../../../services/ingest-gateway/consent-feed.ts';
import { createConsentMemory } from '../../../services/ingest-gateway/consent-memory.ts';
import { createLogger } from '../../../services/shared/logger.ts';

import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { mirrorProducer } from './consent-feed-fixture.ts';
import { consentWithdrawal, idempotentProducer } from './helpers.ts';

const kafka = testKafka();

/** One withdrawal as a transaction sends it. */
const withdrawal = (topic: string, callId: string) => ({
  topic,
  messages: [consentWithdrawal(topic, callId).message],
});

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

    const mirror = await mirrorProducer(kafka);
    const open = await mirror.transaction();
    onTestFinished(() => open.abort().catch(() => undefined));
    await open.send(withdrawal(topic, 'call-open'));
    // The open copy's withdrawal is known once the check confirms, before the copy commits.
    await expect(feed.confirm()).resolves.toBeUndefined();
    expect(memory.narrowed('acme', 'call-open')).toMatchObject({ analytics: false });
    await open.commit();
    await expect(feed.confirm()).resolves.toBeUndefined();
    // An aborted copy: its withdrawal is kept (the narrower consent, the safe side: the source
    // topic holds it anyway, a mirror aborts a copy to write it again), its abort marker read past.
    const aborted = await mirror.transaction();
    await aborted.send(withdrawal(topic, 'call-aborted'));
    await aborted.abort();
    await expect(feed.confirm()).resolves.toBeUndefined();
    expect(memory.narrowed('acme', 'call-aborted')).toMatchObject({ analytics: false });
  }, 40_000);

  it('is ready at its start when the topic ends with a commit marker', async () => {
    const topic = uniqueName('test.calls');
    await createTestTopics(kafka, [topic], 1);
    const mirror = await mirrorProducer(kafka);
    const copy = await mirror.transaction();
    await copy.send(withdrawal(topic, 'call-before'));
    await copy.commit();
    const { feed, memory } = await feedOn(topic);
    await feed.start();
    await expect.poll(() => feed.rebuilt(), { timeout: 15_000 }).toBe(true);
    expect(memory.narrowed('acme', 'call-before')).toMatchObject({ analytics: false });
  }, 40_000);
});
