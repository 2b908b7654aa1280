// A transfer the platform gave a new call id, over real gRPC and the real broker: the new call's
// CallStart names the call it continues (previous_call_id) and its va.calls.v1 start carries it;
// a value that is not another call id is refused BAD_PREVIOUS_CALL_ID and nothing is forwarded.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { openCallStream, type CallStartMessage } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { callEventsUntilEnded, gatewayForFile } from './helpers.ts';

const TOKEN = 'acme-token-0123456789';
const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
const kafka = testKafka();
const suite = gatewayForFile(
  { audio: audioTopic, calls: callsTopic },
  { TENANT_TOKENS: `acme=${TOKEN}`, TOPIC_PARTITIONS: '1', BATCH_MAX_DELAY_MS: '40' },
);

const start = (over: Partial<CallStartMessage> = {}): { start: CallStartMessage } => ({
  start: {
    callId: uniqueName('call').replace('.', '-'),
    agentId: 'agent-8',
    codec: 'CODEC_PCMU',
    sampleRateHz: 8000,
    consent: { analytics: true, storeFeatures: true },
    ...over,
  },
});
const frame = (sequence: number) => ({
  frame: { channel: 'CHANNEL_CUSTOMER', sequence, audioTimeMs: sequence * 20, payload: new Uint8Array(160) },
});

describe('a call that continues another (previous_call_id)', () => {
  it('carries the call it continues on its start record', async () => {
    const message = start({ previousCallId: 'connect-contact-1' });
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(message);
    for (let seq = 0; seq < 5; seq += 1) await stream.write(frame(seq));
    await stream.write({ end: { reason: 'hangup' } });
    expect((await stream.finish()).code).toBe(grpc.status.OK);
    const events = await callEventsUntilEnded(kafka, callsTopic, message.start.callId);
    const mine = events.filter((e) => e.callId === message.start.callId);
    expect(mine.find((e) => e.type === 'started')?.previousCallId).toBe('connect-contact-1');
    // Only the start says it: the end is the same call's.
    expect(mine.find((e) => e.type === 'ended')?.previousCallId).toBe('');
  });

  it.each([['a:b'], ['x'.repeat(129)], ['same']])('refuses %s as the call it continues', async (bad) => {
    const message = start();
    const previousCallId = bad === 'same' ? message.start.callId : bad;
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write({ start: { ...message.start, previousCallId } });
    const result = await Promise.race([
      stream.result,
      new Promise<Awaited<typeof stream.result>>((r) => setTimeout(() => r(stream.finish()), 2_000)),
    ]);
    expect(result.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(result.details).toMatch(/BAD_PREVIOUS_CALL_ID/);
  });
});
