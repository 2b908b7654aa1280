// A withdrawal the broker acknowledged while another writer's transaction is open on va.calls.v1
// (a MirrorMaker 2 copy with exactly-once delivery): a read_committed reader cannot see it before
// that transaction ends, so a check that confirms meanwhile lets a resume with the wider consent in.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createConsentFeed } from '../../../services/ingest-gateway/consent-feed.ts';
import { createConsentMemory } from '../../../services/ingest-gateway/consent-memory.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { sendRecords } from '../../../services/shared/producer.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { consentWithdrawal, idempotentProducer } from './helpers.ts';

const kafka = testKafka();

describe('the consent check behind an open transaction', () => {
  it('does not confirm before a withdrawal the broker acknowledged is read', async () => {
    const topic = uniqueName('test.calls');
    await createTestTopics(kafka, [topic], 1);
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
    await feed.start();
    await expect.poll(() => feed.rebuilt(), { timeout: 15_000 }).toBe(true);

    const mirror = kafka.producer({
      transactionalId: uniqueName('test-mirror'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await mirror.connect();
    onTestFinished(() => mirror.disconnect());
    const open = await mirror.transaction();
    onTestFinished(() => open.abort().catch(() => undefined));
    await open.send({ topic, messages: [consentWithdrawal(topic, 'other-call').message] });

    // A gateway's withdrawal (non-transactional), acknowledged by the broker: its client is told
    // NOT_ANALYSED and may resume on this gateway now.
    const gateway = await idempotentProducer(kafka);
    await sendRecords(gateway, [consentWithdrawal(topic, 'call-withdrawn')]);

    const outcome = await feed.confirm().then(
      () => 'confirmed',
      (error: { code?: string }) => error.code,
    );
    const known = memory.narrowed('acme', 'call-withdrawn');
    // Either the check knows the withdrawal, or it fails closed: never "confirmed" without it.
    expect({ outcome, known: known !== null }).not.toEqual({ outcome: 'confirmed', known: false });
  }, 40_000);
});
