// A mid-call ConsentChange over real gRPC and the real broker: analytics withdrawn stops the
// call's audio at the change (each channel's final chunk, nothing after), the acks say
// NOT_ANALYSED while the rest of the call is still counted, one consent-changed event carries the
// new consent and its audio time; a repeat changes nothing; a widening, mid-call or on a resumed
// stream's CallStart, is refused CONSENT_WIDENED.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { audioChunkCodec } from '../../../services/shared/records.ts';
import { openCallStream, type CallResult } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { callEventsUntilEnded, collectUntil, gatewayForFile, stereoCallStart } from './helpers.ts';

const TOKEN = 'acme-token-0123456789';
const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
const kafka = testKafka();
const ALL = { analytics: true, storeFeatures: true };
const NONE = { analytics: false, storeFeatures: false };

const suite = gatewayForFile(
  { audio: audioTopic, calls: callsTopic },
  {
    TENANT_TOKENS: `acme=${TOKEN}`,
    TOPIC_PARTITIONS: '1',
    BATCH_MAX_DELAY_MS: '40',
    RECONNECT_GRACE_MS: '5000',
  },
);

const newCallId = () => uniqueName('consent').replace('.', '-');
const frame = (channel: 'CHANNEL_AGENT' | 'CHANNEL_CUSTOMER', sequence: number) => ({
  frame: { channel, sequence, audioTimeMs: sequence * 20, payload: new Uint8Array(160).fill(0x55) },
});
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stereoFrames(stream: ReturnType<typeof openCallStream>, from: number, to: number) {
  for (let seq = from; seq < to; seq += 1) {
    await stream.write(frame('CHANNEL_AGENT', seq));
    await stream.write(frame('CHANNEL_CUSTOMER', seq));
    if (seq % 10 === 9) await pause(20);
  }
}

/** The call's va.calls.v1 events, once its end is in. */
async function callEventsOf(callId: string) {
  const events = await callEventsUntilEnded(kafka, callsTopic, callId);
  return events.filter((e) => e.callId === callId);
}

const ended = (stream: ReturnType<typeof openCallStream>): Promise<CallResult> =>
  Promise.race([stream.result, pause(3_000).then(() => stream.finish())]);

describe('consent withdrawn mid-call (gRPC)', () => {
  it('stops the audio at the change, acks NOT_ANALYSED, counts the rest and announces the change once', async () => {
    const callId = newCallId();
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(stereoCallStart(callId, { consent: ALL }));
    await stereoFrames(stream, 0, 25); // 500 ms per channel
    await stream.write({ consentChange: { consent: { analytics: false, storeFeatures: false } } });
    // The same consent again (a client that repeats it): acknowledged, nothing new.
    await stream.write({ consentChange: { consent: { analytics: false, storeFeatures: false } } });
    await stereoFrames(stream, 25, 50);
    await stream.write({ end: { reason: 'hangup' } });
    const result = await stream.finish();
    expect(result.code).toBe(grpc.status.OK);
    // ACTIVE up to the change (the start's ack and ACK_EVERY_FRAMES' ones), NOT_ANALYSED after.
    const states = result.acks.slice(0, -1).map((a) => a.state);
    const changedAt = states.indexOf('CALL_STATE_NOT_ANALYSED');
    expect(changedAt).toBeGreaterThan(0);
    expect(states.slice(0, changedAt).every((s) => s === 'CALL_STATE_ACTIVE')).toBe(true);
    expect(states.slice(changedAt).every((s) => s === 'CALL_STATE_NOT_ANALYSED')).toBe(true);
    expect(states.length - changedAt).toBeGreaterThanOrEqual(2); // the change and its repeat
    expect(result.acks.at(-1)).toMatchObject({ state: 'CALL_STATE_ENDED', framesAccepted: 100 });

    const own = await callEventsOf(callId);
    expect(own.map((e) => e.type)).toEqual(['started', 'consent-changed', 'ended']);
    expect(own[1]).toMatchObject({
      eventId: `acme/${callId}:call:consent:000`,
      consent: { analytics: false, storeFeatures: false, historyOptOut: false },
      agentId: 'agent-7',
    });
    expect(own[1].consentAudioMs).toBeCloseTo(500, 6);
    expect(own[2].consent).toMatchObject(NONE);

    // A later call on the same single partition: every chunk of ours was produced before its.
    const sentinelId = newCallId();
    const sentinel = openCallStream(suite.client, TOKEN);
    await sentinel.write(stereoCallStart(sentinelId, { consent: ALL }));
    await stereoFrames(sentinel, 0, 2);
    await sentinel.write({ end: { reason: 'hangup' } });
    expect((await sentinel.finish()).code).toBe(grpc.status.OK);
    const chunks = (
      await collectUntil(
        kafka,
        audioTopic,
        (m) => audioChunkCodec.decode(m.value, m.headers),
        (all) => all.filter((c) => c.callId === sentinelId && c.final).length === 2,
      )
    ).filter((c) => c.callId === callId);
    for (const channel of ['agent', 'customer'] as const) {
      const mine = chunks.filter((c) => c.channel === channel);
      expect(mine.filter((c) => c.final)).toHaveLength(1);
      expect(mine.at(-1)?.final).toBe(true);
      expect(Math.max(...mine.map((c) => c.audioEndMs))).toBeCloseTo(500, 6);
    }
  });

  it('refuses a widening mid-call with FAILED_PRECONDITION CONSENT_WIDENED', async () => {
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(stereoCallStart(newCallId(), { consent: ALL }));
    await stream.write({ consentChange: { consent: { analytics: true, storeFeatures: false } } });
    await stream.write({ consentChange: { consent: ALL } });
    const result = await ended(stream);
    expect([result.code, result.details]).toEqual([
      grpc.status.FAILED_PRECONDITION,
      expect.stringMatching(/CONSENT_WIDENED.*store_features/),
    ]);
  });

  it('refuses a resumed stream whose CallStart widens the consent its dropped stream narrowed to', async () => {
    const callId = newCallId();
    const first = openCallStream(suite.client, TOKEN);
    await first.write(stereoCallStart(callId, { consent: ALL }));
    await stereoFrames(first, 0, 5);
    await first.write({ consentChange: { consent: { ...ALL, historyOptOut: true } } });
    await expect.poll(() => first.acks.length).toBeGreaterThanOrEqual(2);
    first.cancel(); // a network drop: the call is handed over, its consent remembered
    await pause(600);

    const wider = openCallStream(suite.client, TOKEN);
    await wider.write(stereoCallStart(callId, { consent: ALL }));
    const refused = await ended(wider);
    expect([refused.code, refused.details]).toEqual([
      grpc.status.FAILED_PRECONDITION,
      expect.stringMatching(/CONSENT_WIDENED.*history_opt_out/),
    ]);

    const same = openCallStream(suite.client, TOKEN);
    await same.write(stereoCallStart(callId, { consent: { ...ALL, historyOptOut: true } }));
    await expect.poll(() => same.acks[0]?.state).toBe('CALL_STATE_ACTIVE');
    await same.write({ end: { reason: 'hangup' } });
    expect((await same.finish()).code).toBe(grpc.status.OK);
  });

  it('announces a consent a resumed stream narrows, at the audio time the dropped one reached, and the end', async () => {
    const callId = newCallId();
    const first = openCallStream(suite.client, TOKEN);
    await first.write(stereoCallStart(callId, { consent: ALL }));
    await stereoFrames(first, 0, 10); // 200 ms per channel
    await expect.poll(() => first.acks.length).toBeGreaterThanOrEqual(1);
    await pause(200); // the batch is sent before the drop
    first.cancel();
    await pause(600);

    const resumed = openCallStream(suite.client, TOKEN);
    await resumed.write(stereoCallStart(callId, { consent: { analytics: false, storeFeatures: true } }));
    await stereoFrames(resumed, 10, 20);
    await resumed.write({ end: { reason: 'hangup' } });
    const result = await resumed.finish();
    expect(result.code).toBe(grpc.status.OK);
    expect(result.acks[0].state).toBe('CALL_STATE_NOT_ANALYSED');
    expect(result.acks.at(-1)).toMatchObject({ state: 'CALL_STATE_ENDED', framesAccepted: 20 });

    const own = await callEventsOf(callId);
    expect(own.map((e) => e.type)).toEqual(['started', 'consent-changed', 'ended']);
    expect(own[1].eventId).toBe(`acme/${callId}:call:consent:010`);
    expect(own[1].consentAudioMs).toBeCloseTo(200, 6);
    expect(own[2].consent).toMatchObject({ analytics: false, storeFeatures: true });
  });
});
