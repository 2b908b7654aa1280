// A mid-call ConsentChange over real gRPC and the real broker, its consent-changed event held back
// by the broker (the calls topic deleted: the producer is told UNKNOWN_TOPIC_OR_PARTITION and
// retries until the topic is back): no NOT_ANALYSED ack reaches the client before the broker
// acknowledged the event, so a client told NOT_ANALYSED knows the change is in Kafka.
import * as grpc from '@grpc/grpc-js';
import type { Kafka } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openCallStream } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { gatewayForFile, stereoCallStart, topicAway, writeStereoFrames } from './helpers.ts';

const TOKEN = 'acme-token-0123456789';
const topics = { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') };
const kafka = testKafka();
const suite = gatewayForFile(topics, {
  TENANT_TOKENS: `acme=${TOKEN}`,
  TOPIC_PARTITIONS: '1',
  BATCH_MAX_DELAY_MS: '40',
  // The consent feed reads the calls topic this test deletes: not what it is about.
  CONSENT_MEMORY_MS: '0',
});
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records the calls topic holds (its one partition's log end). */
async function callEventsHeld(admin: ReturnType<Kafka['admin']>): Promise<number> {
  const [{ high }] = await admin.fetchTopicOffsets(topics.calls);
  return Number(high);
}

describe('the ack of a consent change', () => {
  it('says NOT_ANALYSED only once the broker acknowledged the consent-changed event', async () => {
    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    const callId = uniqueName('held').replace('.', '-');
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(stereoCallStart(callId));
    await writeStereoFrames(stream, 10);
    // The started event (sent at the first frame) is in before the topic refuses writes.
    await expect.poll(() => callEventsHeld(admin), { timeout: 10_000 }).toBe(1);
    const callsTopic = await topicAway(kafka, topics.calls);
    await stream.write({ consentChange: { consent: { analytics: false, storeFeatures: false } } });
    await pause(1_500);
    expect(stream.acks.map((a) => a.state)).not.toContain('CALL_STATE_NOT_ANALYSED');

    await callsTopic.restore();
    await expect
      .poll(() => stream.acks.map((a) => a.state), { timeout: 15_000 })
      .toContain('CALL_STATE_NOT_ANALYSED');
    expect(await callEventsHeld(admin)).toBe(1); // the consent-changed event, in the new topic
    await stream.write({ end: { reason: 'hangup' } });
    const result = await stream.finish();
    expect(result.code).toBe(grpc.status.OK);
    const states = result.acks.map((a) => a.state);
    expect(states.at(-1)).toBe('CALL_STATE_ENDED');
    // In order: ACTIVE before the change, NOT_ANALYSED from it on.
    const changedAt = states.indexOf('CALL_STATE_NOT_ANALYSED');
    expect(states.slice(0, changedAt).every((s) => s === 'CALL_STATE_ACTIVE')).toBe(true);
    expect(states.slice(changedAt, -1).every((s) => s === 'CALL_STATE_NOT_ANALYSED')).toBe(true);
  }, 40_000);
});
