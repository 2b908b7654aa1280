// Every gateway's reading of the consent changes on va.calls.v1, against the real broker: a check
// made right after a change was published (another gateway withdrew consent, then handed the call
// over) returns only once that change is known here, with no wait to speak of; one that cannot
// catch up in time fails closed (CONSENT_UNCONFIRMED, retryable), never answering "no change".
import type { Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { sendRecords } from '../../../services/shared/producer.ts';
import { testKafka } from '../../support/kafka.ts';
import { callsTopicOfOwn, consentFeedOn } from './consent-feed-fixture.ts';
import { consentWithdrawal } from './helpers.ts';

const kafka = testKafka();
const NONE = { analytics: false, storeFeatures: false, historyOptOut: false };

const withdrawal = consentWithdrawal;

/** A calls topic of its own holding one withdrawal of `callId`, and the producer that wrote it. */
async function topicWithdrawing(callId: string, partitions: number) {
  const { topic, producer } = await callsTopicOfOwn(kafka, partitions);
  await sendRecords(producer, [withdrawal(topic, callId)]);
  return { topic, producer };
}

const feedOn = (topic: string, producer: Producer, checkMaxMs: number) =>
  consentFeedOn(kafka, topic, producer, { checkMaxMs, memoryMs: 60_000, maxCalls: 1_000 });

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

describe('consent feed (every gateway’s consent changes)', () => {
  it('knows a change published just before a check once the check returns', async () => {
    // A change made before this gateway started is read back at its start.
    const { topic, producer } = await topicWithdrawing('before-start', 3);
    const { feed, memory } = feedOn(topic, producer, 3_000);
    await feed.start();
    await feed.confirm();
    expect(memory.narrowed('acme', 'before-start')).toEqual(NONE);
    expect(feed.rebuilt()).toBe(true);

    const waits: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const callId = `call-${i}`;
      await sendRecords(producer, [withdrawal(topic, callId)]);
      const started = performance.now();
      await feed.confirm();
      waits.push(performance.now() - started);
      expect(memory.narrowed('acme', callId)).toEqual(NONE);
      expect(memory.narrowed('globex', callId)).toBeNull();
    }
    waits.sort((a, b) => a - b);
    console.info(
      `consent check right after a change: median ${quantile(waits, 0.5).toFixed(1)} ms, ` +
        `p95 ${quantile(waits, 0.95).toFixed(1)} ms, max ${waits.at(-1)?.toFixed(1)} ms`,
    );
  });

  it('fails closed when its reading cannot catch up in time', async () => {
    const { topic, producer } = await topicWithdrawing('call-1', 1);
    // Its consumer never started: a reading stuck behind the change it would need.
    const { feed, memory } = feedOn(topic, producer, 300);
    const started = performance.now();
    await expect(feed.confirm()).rejects.toMatchObject({
      code: 'CONSENT_UNCONFIRMED',
      status: 'UNAVAILABLE',
      retryAfterMs: 1_000,
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(memory.narrowed('acme', 'call-1')).toBeNull();
  });
});
