// A withdrawal the broker acknowledged while another writer's transaction is open on va.calls.v1
// (a MirrorMaker 2 copy with exactly-once delivery): a read_committed reader cannot see it before
// that transaction ends, so a check that confirms meanwhile lets a resume with the wider consent in.
import { describe, expect, it } from 'vitest';
import { sendRecords } from '../../../services/shared/producer.ts';
import { testKafka } from '../../support/kafka.ts';
import { callsTopicOfOwn, consentFeedOn, openTransactionOn } from './consent-feed-fixture.ts';
import { consentWithdrawal } from './helpers.ts';

const kafka = testKafka();
const SETTINGS = { checkMaxMs: 2_000, memoryMs: 60_000, maxCalls: 1_000 };

describe('the consent check behind an open transaction', () => {
  it('does not confirm before a withdrawal the broker acknowledged is read', async () => {
    const { topic, producer } = await callsTopicOfOwn(kafka, 1);
    const { feed, memory } = consentFeedOn(kafka, topic, producer, SETTINGS);
    await feed.start();
    await expect.poll(() => feed.rebuilt(), { timeout: 15_000 }).toBe(true);

    await openTransactionOn(kafka, topic, 'other-call');
    // A gateway's withdrawal (non-transactional), acknowledged by the broker: its client is told
    // NOT_ANALYSED and may resume on this gateway now.
    await sendRecords(producer, [consentWithdrawal(topic, 'call-withdrawn')]);

    const outcome = await feed.confirm().then(
      () => 'confirmed',
      (error: { code?: string }) => error.code,
    );
    const known = memory.narrowed('acme', 'call-withdrawn');
    // Either the check knows the withdrawal, or it fails closed: never "confirmed" without it.
    expect({ outcome, known: known !== null }).not.toEqual({ outcome: 'confirmed', known: false });
  }, 40_000);
});

describe('a gateway started while a transaction is open', () => {
  it('is not ready before it read a withdrawal acknowledged behind the transaction', async () => {
    const { topic, producer } = await callsTopicOfOwn(kafka, 1);
    await openTransactionOn(kafka, topic, 'other-call');
    await sendRecords(producer, [consentWithdrawal(topic, 'call-withdrawn')]);

    const { feed, memory } = consentFeedOn(kafka, topic, producer, SETTINGS);
    await feed.start();
    // Ready (the log ends a check waits for, read at the start) only with the withdrawal known:
    // the last stable offset stops before the open transaction, so it was ready at once, blind.
    await expect.poll(() => feed.rebuilt(), { timeout: 15_000 }).toBe(true);
    expect(memory.narrowed('acme', 'call-withdrawn')).toMatchObject({ analytics: false });
  }, 40_000);
});
