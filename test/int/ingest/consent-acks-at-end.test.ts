// Two ConsentChanges and a CallEnd while the broker holds back the calls topic (real gRPC, real
// broker): the sink sends them again in one request, so the broker acknowledges the second change
// and the end together. The client must still get its NOT_ANALYSED and ENDED acks before OK.
import * as grpc from '@grpc/grpc-js';
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
  CONSENT_MEMORY_MS: '0',
});
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('held acks at the end of a call', () => {
  it('writes NOT_ANALYSED and ENDED before OK when the changes and the end are acknowledged together', async () => {
    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    const callId = uniqueName('held-end').replace('.', '-');
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(stereoCallStart(callId));
    await writeStereoFrames(stream, 10);
    await expect
      .poll(async () => Number((await admin.fetchTopicOffsets(topics.calls))[0].high), { timeout: 10_000 })
      .toBe(1);
    const callsTopic = await topicAway(kafka, topics.calls);
    await stream.write({ consentChange: { consent: { analytics: true, storeFeatures: false } } });
    await stream.write({ consentChange: { consent: { analytics: false, storeFeatures: false } } });
    await stream.write({ end: { reason: 'hangup' } });
    await pause(1_500);
    await callsTopic.restore();
    const result = await stream.finish();
    expect(result.code).toBe(grpc.status.OK);
    const states = result.acks.map((a) => a.state);
    expect(states).toContain('CALL_STATE_NOT_ANALYSED');
    expect(states.at(-1)).toBe('CALL_STATE_ENDED');
  }, 40_000);
});
