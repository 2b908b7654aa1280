// The consent feed against the real broker as va.calls.v1 and its load change: a partition added
// while gateways run (every analytics start was refused CONSENT_UNCONFIRMED until a restart: review),
// and a burst of resumes (a stopped gateway's calls arriving here at once) all confirmed.
import type { Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { callKey } from '../../../services/shared/call-key.ts';
import { outRecord, sendRecords } from '../../../services/shared/producer.ts';
import { callEventCodec, type CallEvent } from '../../../services/shared/records.ts';
import { testKafka } from '../../support/kafka.ts';
import { callsTopicOfOwn, consentFeedOn, growPartitions } from './consent-feed-fixture.ts';

const kafka = testKafka();
const NONE = { analytics: false, storeFeatures: false, historyOptOut: false };
const ALL = { analytics: true, storeFeatures: true, historyOptOut: false };

const event = (topic: string, callId: string, type: CallEvent['type'], consent = ALL) =>
  outRecord(topic, callEventCodec, callKey('acme', callId), {
    eventId: `acme/${callId}:call:${type}:000`,
    callId,
    type,
    tenant: 'acme',
    agentId: 'agent-00017',
    queue: 'billing',
    team: 'team-a',
    customerRef: 'c'.repeat(43),
    startTimeMs: Date.now(),
    endTimeMs: type === 'ended' ? Date.now() : 0,
    codec: 'linear16',
    sampleRateHz: 8000,
    channels: ['agent', 'customer'],
    consent,
    endReason: type === 'ended' ? 'hangup' : '',
    framesAccepted: 12_000,
    gaps: 0,
    audioDurationMs: 240_000,
    producedAtMs: Date.now(),
    ...(type === 'consent-changed' ? { consentAudioMs: 500 } : {}),
  } as CallEvent);

const feedOn = (topic: string, producer: Producer, checkMaxMs = 3_000) =>
  consentFeedOn(kafka, topic, producer, { checkMaxMs, memoryMs: 86_400_000, maxCalls: 100_000 });

describe('the consent feed as the calls topic and its load change', () => {
  it('still confirms starts after a partition is added to the calls topic', async () => {
    const { topic, producer } = await callsTopicOfOwn(kafka, 1);
    await sendRecords(producer, [event(topic, 'call-0', 'started')]);
    const { feed } = feedOn(topic, producer);
    await feed.start();
    await feed.confirm();
    await growPartitions(kafka, topic, 2);
    // Nothing was written to the new partition yet: nothing there to wait for.
    await expect(feed.confirm()).resolves.toBeUndefined();
  }, 30_000);

  it('reads a change written to a partition added after its start', async () => {
    const { topic, producer } = await callsTopicOfOwn(kafka, 1);
    const { feed, memory } = feedOn(topic, producer, 1_000);
    await feed.start();
    await growPartitions(kafka, topic, 2);
    const withdrawal = event(topic, 'moved', 'consent-changed', NONE);
    await sendRecords(producer, [{ ...withdrawal, message: { ...withdrawal.message, partition: 1 } }]);
    const started = performance.now();
    for (;;) {
      try {
        await feed.confirm();
        break;
      } catch (error) {
        if (performance.now() - started > 40_000) throw error;
      }
    }
    expect(memory.narrowed('acme', 'moved')).toEqual(NONE);
  }, 60_000);

  it('confirms a burst of resumes (a stopped gateway’s calls moving here at once)', async () => {
    const n = 2_000;
    const { topic, producer } = await callsTopicOfOwn(kafka, 3);
    const { feed } = feedOn(topic, producer);
    await feed.start();
    await feed.confirm();
    const outcomes: Promise<string>[] = [];
    for (let i = 0; i < n; i += 1) {
      // Each CallStart comes in its own turn of the event loop, as gRPC messages do.
      await new Promise((r) => setImmediate(r));
      outcomes.push(
        feed.confirm().then(
          () => 'ok',
          (e: { code?: string }) => e.code ?? 'error',
        ),
      );
    }
    const settled = await Promise.all(outcomes);
    const refused = settled.filter((o) => o !== 'ok').length;
    expect(refused).toBe(0);
  }, 120_000);
});
