// Reconnects on the WebSocket adapters: a platform socket that drops mid-call
// (Twilio: no `stop`; jambonz: no close frame) leaves the call live for RECONNECT_GRACE_MS, and a
// new socket for the same call (Twilio: a new stream with the same CallSid; jambonz: the same
// callSid) continues it: one call (one `started`, one `ended`), every frame received kept once,
// the time the call was gone filled as silence, and downstream the same feature windows and
// emotion events as the same audio, with the same gap, sent over gRPC. Real broker, real sockets.
import { describe, expect, it } from 'vitest';
import {
  audioChunkCodec,
  callEventCodec,
  type AudioChunk,
  type CallEvent,
} from '../../../services/shared/records.ts';
import { uniqueName } from '../../support/kafka.ts';
import { readShippedCall } from '../../support/nemo-calls.ts';
import { downstreamOf } from './downstream.ts';
import { sendGrpcTwin } from './grpc-twin.ts';
import { collectUntil, gatewayForFile } from './helpers.ts';
import { interleavedL16, openL16Socket, sendFrames } from './l16ws-client.ts';
import {
  byChannel,
  callSid,
  finals,
  jambonzAuth,
  jambonzMetadata,
  JAMBONZ_SOURCE,
  TOKEN,
} from './l16ws-fixture.ts';
import { connectTwilio, FRAME_BYTES, twilioAdapterEnv, twilioMessages, twilioSid } from './twilio-client.ts';

const ACCOUNT = twilioSid('AC');
const AUTH_TOKEN = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const PUBLIC_URL = 'wss://ingest.example.com';
/** Time between the drop and the new socket (the platform noticing and reconnecting). */
const AWAY_MS = 400;
/** 20 ms slots sent before the drop. */
const CUT_SLOT = 1000;
const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const suite = gatewayForFile(
  { audio: audioTopic, calls: callsTopic },
  {
    TENANT_TOKENS: `acme=${TOKEN}`,
    TOPIC_PARTITIONS: '1',
    MAX_STREAM_SPEED: '0',
    RECONNECT_GRACE_MS: '5000',
    L16WS_PORT: '0',
    L16WS_HOST: '127.0.0.1',
    L16WS_SOURCES: JSON.stringify(JAMBONZ_SOURCE),
    ...twilioAdapterEnv(PUBLIC_URL, [{ sid: ACCOUNT, tenant: 'acme', authToken: AUTH_TOKEN }]),
  },
);

/** A call's chunks (once both channels' final ones are in) and its call events, in topic order. */
async function recordsOf(callIds: string[]): Promise<{ chunks: AudioChunk[]; events: CallEvent[] }> {
  const chunks = await collectUntil(
    suite.kafka,
    audioTopic,
    (m) => audioChunkCodec.decode(m.value, m.headers),
    (all) => callIds.every((id) => finals(all, id) === 2),
    60_000,
  );
  const events = await collectUntil(
    suite.kafka,
    callsTopic,
    (m) => callEventCodec.decode(m.value, m.headers),
    (all) => callIds.every((id) => all.some((e) => e.callId === id && e.type === 'ended')),
    30_000,
  );
  return {
    chunks: chunks.filter((c) => callIds.includes(c.callId)),
    events: events.filter((e) => callIds.includes(e.callId)),
  };
}

/** Channel audio = before + `silence` bytes + after, each byte where it belongs; the gap's length. */
function expectResumed(got: Buffer, before: Uint8Array, after: Uint8Array, silence: number): number {
  const gap = got.byteLength - before.byteLength - after.byteLength;
  expect(got.subarray(0, before.byteLength).equals(before)).toBe(true);
  expect(got.subarray(before.byteLength, before.byteLength + gap).every((b) => b === silence)).toBe(true);
  expect(got.subarray(before.byteLength + gap).equals(after)).toBe(true);
  return gap;
}

const dropsMetric = async (adapter: string): Promise<string | undefined> =>
  (await (await fetch(`http://127.0.0.1:${suite.gateway.base.ops.port}/metrics`)).text()).match(
    new RegExp(`va_ingest_stream_drops_total\\{adapter="${adapter}",outcome="resumed"[^}]*\\} (\\d+)`),
  )?.[1];

/** The call's one started and one ended event. */
function oneCall(events: CallEvent[], callId: string): CallEvent {
  const own = events.filter((e) => e.callId === callId);
  expect(own.map((e) => e.type)).toEqual(['started', 'ended']);
  return own[1];
}

describe('Twilio: a new stream with the same CallSid continues a dropped call', () => {
  it('keeps one call, every frame once, the time away as silence, and the same downstream as gRPC', async () => {
    const shipped = readShippedCall('call-2-angry-recovers');
    const slots = Math.floor(Math.min(shipped.customer.length, shipped.agent.length) / FRAME_BYTES);
    const whole = (bytes: Uint8Array) => bytes.subarray(0, slots * FRAME_BYTES);
    const [customer, agent] = [whole(shipped.customer), whole(shipped.agent)];
    const cut = CUT_SLOT * FRAME_BYTES;
    const callId = twilioSid('CA');
    const parameters = { agentId: 'agent-7', consentAnalytics: 'true', consentStoreFeatures: 'true' };
    const part = (from: number, to: number) => ({
      accountSid: ACCOUNT,
      callSid: callId,
      streamSid: twilioSid('MZ'),
      customParameters: parameters,
      customer: customer.subarray(from, to),
      agent: agent.subarray(from, to),
    });
    const url = `ws://127.0.0.1:${suite.gateway.twilio?.port}/twilio`;
    const first = await connectTwilio(url, PUBLIC_URL, AUTH_TOKEN);
    await first.send(twilioMessages(part(0, cut)).slice(0, -1)); // no `stop`: the socket dies
    await sleep(200);
    first.ws.terminate();
    await sleep(AWAY_MS);
    // Twilio's new stream: a new StreamSid, timestamps and sequence numbers from the start again.
    const second = await connectTwilio(url, PUBLIC_URL, AUTH_TOKEN);
    await second.send(twilioMessages(part(cut, customer.length)));
    expect(await second.closed).toEqual({ code: 1000, reason: 'ENDED' });

    const { chunks: twilioChunks, events } = await recordsOf([callId]);
    const ended = oneCall(events, callId);
    expect(ended).toMatchObject({ endReason: 'twilio-stop', framesAccepted: 2 * slots, gaps: 2 });
    const got = byChannel(twilioChunks, callId);
    const gapBytes = expectResumed(got.customer, customer.subarray(0, cut), customer.subarray(cut), 0xff);
    expect(expectResumed(got.agent, agent.subarray(0, cut), agent.subarray(cut), 0xff)).toBe(gapBytes);
    const gapFrames = gapBytes / FRAME_BYTES;
    expect(Number.isInteger(gapFrames)).toBe(true);
    expect(gapFrames * 20).toBeGreaterThanOrEqual(AWAY_MS - 40);
    expect(gapFrames * 20).toBeLessThan(AWAY_MS + 3_000);
    expect(await dropsMetric('twilio')).toBe('1');

    // The same audio with the same gap through gRPC: the same windows and emotion events.
    const twinId = uniqueName('twin').replace('.', '-');
    const frames = function* () {
      for (let slot = 0; slot < slots; slot += 1) {
        const sequence = slot < CUT_SLOT ? slot : slot + gapFrames;
        const at = slot * FRAME_BYTES;
        yield { channel: 'CHANNEL_CUSTOMER', sequence, payload: customer.subarray(at, at + FRAME_BYTES) };
        yield { channel: 'CHANNEL_AGENT', sequence, payload: agent.subarray(at, at + FRAME_BYTES) };
      }
    };
    const start = {
      callId: twinId,
      agentId: 'agent-7',
      codec: 'CODEC_PCMU',
      sampleRateHz: 8000,
      channels: ['CHANNEL_CUSTOMER', 'CHANNEL_AGENT'],
      consent: { analytics: true, storeFeatures: true },
    };
    expect(await sendGrpcTwin(suite.gateway.grpc.port, TOKEN, start, frames())).toBe(0);
    const twin = await recordsOf([twinId]);
    const viaTwilio = downstreamOf(twilioChunks);
    expect(viaTwilio.emotions.length).toBeGreaterThan(100);
    expect(viaTwilio).toEqual(downstreamOf(twin.chunks));
    const twinEnded = oneCall(twin.events, twinId);
    for (const field of ['framesAccepted', 'gaps', 'audioDurationMs'] as const)
      expect(ended[field]).toEqual(twinEnded[field]);
  });
});

describe('L16 WebSocket: a new socket with the same call id continues a dropped call', () => {
  it('keeps one call, every frame once, the time away as silence, and the same downstream as gRPC', async () => {
    const shipped = readShippedCall('call-4-anxious-calms');
    const frameBytes = 640; // 20 ms of stereo 8 kHz L16
    const pcm = interleavedL16(shipped.customer, shipped.agent);
    const all = pcm.subarray(0, Math.floor(pcm.byteLength / frameBytes) * frameBytes);
    const cut = CUT_SLOT * frameBytes;
    const callId = callSid();
    const first = await openL16Socket(suite.gateway.l16ws?.port as number, { authorization: jambonzAuth });
    first.ws.send(jambonzMetadata(callId));
    await sendFrames(first.ws, all.subarray(0, cut), frameBytes);
    await sleep(200);
    first.ws.terminate(); // no close frame: the network dropped
    await sleep(AWAY_MS);
    const second = await openL16Socket(suite.gateway.l16ws?.port as number, { authorization: jambonzAuth });
    second.ws.send(jambonzMetadata(callId));
    await sendFrames(second.ws, all.subarray(cut), frameBytes);
    second.ws.close(1000);
    expect((await second.closed).code).toBe(1000);

    const { chunks: wsChunks, events } = await recordsOf([callId]);
    const frames = all.byteLength / frameBytes;
    const ended = oneCall(events, callId);
    expect(ended).toMatchObject({ endReason: 'hangup', framesAccepted: 2 * frames, gaps: 2 });
    const got = byChannel(wsChunks, callId);
    // jambonz's stereo: the caller (customer) first; each channel is every other 16-bit sample.
    const channel = (k: number, bytes: Buffer) => {
      const out = Buffer.alloc(bytes.byteLength / 2);
      for (let i = 0; i < out.byteLength / 2; i += 1)
        bytes.copy(out, 2 * i, 4 * i + 2 * k, 4 * i + 2 * k + 2);
      return out;
    };
    const half = cut / 2;
    const customer = channel(0, all);
    const agent = channel(1, all);
    const gapBytes = expectResumed(got.customer, customer.subarray(0, half), customer.subarray(half), 0);
    expect(expectResumed(got.agent, agent.subarray(0, half), agent.subarray(half), 0)).toBe(gapBytes);
    const gapFrames = gapBytes / (frameBytes / 2);
    expect(Number.isInteger(gapFrames)).toBe(true);
    expect(gapFrames * 20).toBeGreaterThanOrEqual(AWAY_MS - 40);
    expect(gapFrames * 20).toBeLessThan(AWAY_MS + 3_000);
    expect(await dropsMetric('l16ws')).toBe('1');

    const twinId = callSid();
    const twinFrames = function* () {
      for (let k = 0; k < frames; k += 1) {
        const payload = all.subarray(k * frameBytes, (k + 1) * frameBytes);
        yield { channel: 'CHANNEL_UNSPECIFIED', sequence: k < CUT_SLOT ? k : k + gapFrames, payload };
      }
    };
    const start = {
      callId: twinId,
      agentId: 'agent-7',
      codec: 'CODEC_LINEAR16',
      sampleRateHz: 8000,
      channels: ['CHANNEL_CUSTOMER', 'CHANNEL_AGENT'],
      interleaved: true,
      consent: { analytics: true, storeFeatures: true },
    };
    expect(await sendGrpcTwin(suite.gateway.grpc.port, TOKEN, start, twinFrames())).toBe(0);
    const twin = await recordsOf([twinId]);
    const viaWs = downstreamOf(wsChunks);
    expect(viaWs.emotions.length).toBeGreaterThan(100);
    expect(viaWs).toEqual(downstreamOf(twin.chunks));
    const twinEnded = oneCall(twin.events, twinId);
    for (const field of ['framesAccepted', 'gaps', 'audioDurationMs'] as const)
      expect(ended[field]).toEqual(twinEnded[field]);
  });
});
