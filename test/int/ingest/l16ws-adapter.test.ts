// The L16-over-WebSocket adapter against the real broker: a shipped demo call streamed as jambonz
// `listen` sends it (stereo 8 kHz L16, 20 ms frames, HTTP Basic auth) lands in Kafka exactly as the
// same audio sent over gRPC with LINEAR16 does; a FreeSWITCH-style mono socket with its secret in
// the metadata; every refusal (upgrade and close codes) and an abrupt close losing nothing.
import * as grpc from '@grpc/grpc-js';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import {
  audioChunkCodec,
  callEventCodec,
  type AudioChunk,
  type CallEvent,
} from '../../../services/shared/records.ts';
import { createIngestClient, openCallStream } from '../../../services/simulator/ingest-client.ts';
import { createCallAnalyzer, type CallOutput } from '../../../pipelines/dsp/index.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { readShippedCall } from '../../support/nemo-calls.ts';
import { collectUntil, deleteTopics, startTestGateway } from './helpers.ts';
import { basicAuth, interleavedL16, openL16Socket, sendFrames } from './l16ws-client.ts';

const TOKEN = 'acme-token-0123456789';
const JAMBONZ_SECRET = 'jambonz-secret-0123456789';
const FS_SECRET = 'freeswitch-secret-0123456789';
const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
const GATEWAY_ENV = {
  TENANT_TOKENS: `acme=${TOKEN}`,
  TOPIC_PARTITIONS: '1',
  // The tests replay recordings faster than real time.
  MAX_STREAM_SPEED: '0',
  L16WS_PORT: '0',
  L16WS_HOST: '127.0.0.1',
};
let gateway: Gateway;
let port: number;
let kafka: Kafka;

/** jambonz's first frame: call attributes, sampleRate and mixType, the verb's metadata on top. */
function jambonzMetadata(callSid: string, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    sampleRate: 8000,
    mixType: 'stereo',
    callSid,
    direction: 'inbound',
    from: '+15083084809',
    to: '+15085551212',
    callId: 'a4b3c2d1@10.0.0.7',
    accountSid: 'ed649e33-e771-403a-8c99-1780eabbc803',
    applicationSid: '0e0681b2-ff94-4a4d-9d3f-1d8bde8e8e8f',
    agentId: 'agent-7',
    queue: 'billing',
    team: 'blue',
    consent: { analytics: true, storeFeatures: true },
    ...over,
  });
}

const callSid = (): string => uniqueName('sid').replace('.', '-');
const jambonzAuth = basicAuth('jambonz-eu', JAMBONZ_SECRET);

async function refusedWith(
  metadata: string | null,
  frames: Buffer[],
): Promise<{ code: number; reason: string }> {
  const socket = await openL16Socket(port, { authorization: jambonzAuth });
  expect(socket.status).toBe(101);
  if (metadata !== null) socket.ws.send(metadata);
  for (const frame of frames) socket.ws.send(frame, { binary: true });
  return socket.closed;
}

function byChannel(chunks: AudioChunk[], callId: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const channel of ['agent', 'customer']) {
    const own = chunks.filter((c) => c.callId === callId && c.channel === channel);
    own.sort((a, b) => a.chunkIndex - b.chunkIndex);
    if (own.length > 0) out[channel] = Buffer.concat(own.map((c) => c.payload));
  }
  return out;
}

/** The call's `ended` event in the calls topic. */
async function endedEvent(callId: string): Promise<CallEvent | undefined> {
  const events = await collectUntil(
    kafka,
    callsTopic,
    (m) => callEventCodec.decode(m.value, m.headers),
    (all) => all.some((e) => e.callId === callId && e.type === 'ended'),
  );
  return events.find((e) => e.callId === callId && e.type === 'ended');
}

const finals = (chunks: AudioChunk[], callId: string): number =>
  chunks.filter((c) => c.callId === callId && c.final).length;

beforeAll(async () => {
  gateway = await startTestGateway(
    { audio: audioTopic, calls: callsTopic },
    {
      ...GATEWAY_ENV,
      BATCH_MAX_DELAY_MS: '40',
      CALL_START_TIMEOUT_MS: '1000',
      L16WS_SOURCES: JSON.stringify({
        // jambonz inbound: the caller (customer) on channel 0, the agent it dials on channel 1.
        'jambonz-eu': { tenant: 'acme', secret: JAMBONZ_SECRET, agentChannel: 1 },
        far: { tenant: 'acme', secret: 'far-secret-0123456789', addresses: ['192.0.2.0/24'] },
        'fs-lab': {
          tenant: 'acme',
          secret: FS_SECRET,
          tokenIn: 'metadata',
          sampleRate: 16000,
          mixType: 'mono',
          monoParty: 'customer',
          consent: { analytics: true, storeFeatures: false },
          addresses: ['127.0.0.1', '::1'],
        },
      }),
    },
  );
  port = gateway.l16ws?.port as number;
  kafka = testKafka();
});

afterAll(async () => {
  await gateway?.stop();
  await deleteTopics(kafka, [audioTopic, callsTopic]);
});

describe('l16ws adapter: a real call, same records as gRPC', () => {
  it('lands the same audio and call events as the same call sent over gRPC with LINEAR16', async () => {
    const shipped = readShippedCall('call-1-calm');
    // What jambonz sends with mixType stereo: caller (customer) first, then the agent.
    const pcm = interleavedL16(shipped.customer, shipped.agent);
    const frameBytes = 160 * 2 * 2; // 20 ms, 8 kHz, 2 channels, 16 bit

    const wsCallId = callSid();
    const socket = await openL16Socket(port, { authorization: jambonzAuth });
    expect([socket.status, socket.ws.protocol]).toEqual([101, 'audio.jambonz.org']);
    socket.ws.send(jambonzMetadata(wsCallId));
    // DTMF passed by jambonz (passDtmf) mid-call: a later text frame, ignored.
    const half = Math.floor(pcm.byteLength / frameBytes / 2) * frameBytes;
    const sent = await sendFrames(socket.ws, pcm.subarray(0, half), frameBytes);
    socket.ws.send(JSON.stringify({ event: 'dtmf', dtmf: '2', duration: '1600' }));
    const rest = await sendFrames(socket.ws, pcm.subarray(half), frameBytes);
    socket.ws.close(1000);
    expect((await socket.closed).code).toBe(1000);

    const grpcCallId = callSid();
    const client = createIngestClient(`127.0.0.1:${gateway.grpc.port}`);
    const stream = openCallStream(client, TOKEN);
    await stream.write({
      start: {
        callId: grpcCallId,
        agentId: 'agent-7',
        queue: 'billing',
        team: 'blue',
        codec: 'CODEC_LINEAR16',
        sampleRateHz: 8000,
        channels: ['CHANNEL_CUSTOMER', 'CHANNEL_AGENT'],
        interleaved: true,
        consent: { analytics: true, storeFeatures: true },
      },
    });
    let sequence = 0;
    for (let at = 0; at < pcm.byteLength; at += frameBytes, sequence += 1) {
      const payload = pcm.subarray(at, Math.min(at + frameBytes, pcm.byteLength));
      await stream.write({
        frame: { channel: 'CHANNEL_UNSPECIFIED', sequence, audioTimeMs: sequence * 20, payload },
      });
    }
    // A WebSocket closed with 1000 is the platform's hang-up: CallEnd "hangup" on gRPC.
    await stream.write({ end: { reason: 'hangup' } });
    expect((await stream.finish()).code).toBe(grpc.status.OK);
    client.close();
    expect(sent + rest).toBe(sequence);

    const chunks = await collectUntil(
      kafka,
      audioTopic,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => finals(all, wsCallId) === 2 && finals(all, grpcCallId) === 2,
      60_000,
    );
    const viaWs = byChannel(chunks, wsCallId);
    const viaGrpc = byChannel(chunks, grpcCallId);
    // The agent's voice is the agent channel's audio (agentChannel 1 of the source).
    expect(viaWs.agent.equals(Buffer.from(encodeL16(shipped.agent)))).toBe(true);
    expect(viaWs.agent.equals(viaGrpc.agent)).toBe(true);
    expect(viaWs.customer.equals(viaGrpc.customer)).toBe(true);
    const last = (callId: string, channel: string) =>
      chunks.find((c) => c.callId === callId && c.channel === channel && c.final) as AudioChunk;
    for (const channel of ['agent', 'customer']) {
      expect(last(wsCallId, channel).audioEndMs).toBeCloseTo(last(grpcCallId, channel).audioEndMs, 6);
      expect(last(wsCallId, channel).codec).toBe('linear16');
    }
    // What dsp-worker computes from each call's records (its chunks in order, as it consumes
    // them): the same speaker windows and dynamics, window by window.
    const wsFeatures = features(chunks, wsCallId);
    expect(wsFeatures.windows.length).toBeGreaterThan(50);
    expect(wsFeatures).toEqual(features(chunks, grpcCallId));

    const events = await collectUntil(
      kafka,
      callsTopic,
      (m) => ({ key: m.key?.toString(), event: callEventCodec.decode(m.value, m.headers) }),
      (all) =>
        [wsCallId, grpcCallId].every((id) =>
          all.some((e) => e.event.callId === id && e.event.type === 'ended'),
        ),
      30_000,
    );
    const comparable = (callId: string) =>
      events
        .filter((e) => e.event.callId === callId)
        .map(({ key, event }) => {
          const { eventId, callId: id, startTimeMs, endTimeMs, producedAtMs, ...rest } = event as CallEvent;
          expect(key).toBe(`acme/${id}`);
          expect(eventId).toBe(`acme/${id}:call:${event.type}`);
          expect([startTimeMs > 0, endTimeMs >= 0, producedAtMs > 0]).toEqual([true, true, true]);
          return rest;
        });
    const wsEvents = comparable(wsCallId);
    expect(wsEvents.map((e) => e.type)).toEqual(['started', 'ended']);
    expect(wsEvents).toEqual(comparable(grpcCallId));
    expect(wsEvents[1]).toMatchObject({ endReason: 'hangup', customerRef: '', agentId: 'agent-7' });
  });
});

/** The dsp pipeline over one call's chunks in topic order (the worker's input). */
function features(chunks: AudioChunk[], callId: string): CallOutput {
  const analyzer = createCallAnalyzer({ format: { codec: 'linear16', sampleRateHz: 8000 } });
  const out: CallOutput = { windows: [], dynamics: [] };
  const add = (part: CallOutput) => {
    out.windows.push(...part.windows);
    out.dynamics.push(...part.dynamics);
  };
  for (const chunk of chunks.filter((c) => c.callId === callId))
    add(analyzer.push(chunk.channel as 'agent' | 'customer', chunk.payload));
  add(analyzer.flush());
  return out;
}

function encodeL16(mulaw: Uint8Array): Buffer {
  // One channel of interleavedL16: decode µ-law, 16-bit little-endian.
  const both = interleavedL16(mulaw, mulaw);
  const out = Buffer.alloc(both.byteLength / 2);
  for (let i = 0; i < out.byteLength / 2; i += 1) both.copy(out, 2 * i, 4 * i, 4 * i + 2);
  return out;
}

describe('l16ws adapter: FreeSWITCH mod_audio_fork, secret in the metadata', () => {
  it('takes a mono 16 kHz stream (rate and mix from the source) as the customer channel', async () => {
    const uuid = callSid();
    const socket = await openL16Socket(port, { protocol: 'audio.drachtio.org' });
    expect([socket.status, socket.ws.protocol]).toEqual([101, 'audio.drachtio.org']);
    socket.ws.send(JSON.stringify({ uuid, vaToken: FS_SECRET, agentId: 'agent-9' }));
    const second = Buffer.alloc(16000 * 2);
    for (let i = 0; i < 16000; i += 1) second.writeInt16LE(Math.round(8000 * Math.sin(i / 10)), 2 * i);
    await sendFrames(socket.ws, second, 640);
    socket.ws.close(1000);
    await socket.closed;
    const chunks = await collectUntil(
      kafka,
      audioTopic,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => finals(all, uuid) === 1,
    );
    const own = chunks.filter((c) => c.callId === uuid);
    expect(new Set(own.map((c) => c.channel))).toEqual(new Set(['customer']));
    expect(own.every((c) => c.sampleRateHz === 16000)).toBe(true);
    expect(byChannel(own, uuid).customer.equals(second)).toBe(true);
  });

  it('closes 4401 BAD_TOKEN for a wrong vaToken', async () => {
    const socket = await openL16Socket(port, { protocol: 'audio.drachtio.org' });
    socket.ws.send(JSON.stringify({ uuid: callSid(), vaToken: 'not-the-secret-0123456789' }));
    expect(await socket.closed).toEqual({ code: 4401, reason: 'BAD_TOKEN: unknown token' });
  });
});

describe('l16ws adapter: refusals', () => {
  it('refuses the upgrade with 401 for a bad secret and 400 for an unknown or missing subprotocol', async () => {
    const bad = await openL16Socket(port, {
      authorization: basicAuth('jambonz-eu', 'wrong-secret-0123456789'),
    });
    expect([bad.status, bad.body]).toEqual([401, expect.stringMatching(/^BAD_TOKEN/)]);
    const unknown = await openL16Socket(port, { authorization: jambonzAuth, protocol: 'audio.example.org' });
    expect([unknown.status, unknown.body]).toEqual([400, expect.stringMatching(/^UNSUPPORTED_SUBPROTOCOL/)]);
    const none = await openL16Socket(port, { authorization: jambonzAuth, protocol: null });
    expect(none.status).toBe(400);
    const far = await openL16Socket(port, { authorization: basicAuth('far', 'far-secret-0123456789') });
    expect([far.status, far.body]).toEqual([403, expect.stringMatching(/^SOURCE_NOT_ALLOWED/)]);
  });

  it('closes with a code and reason for each protocol violation', async () => {
    const frame = Buffer.alloc(640);
    expect(await refusedWith(null, [frame])).toEqual({
      code: 4412,
      reason: 'MISSING_CALL_START: binary audio before the JSON metadata frame',
    });
    const rate = await refusedWith(jambonzMetadata(callSid(), { sampleRate: 44100 }), []);
    expect([rate.code, rate.reason]).toEqual([4400, expect.stringMatching(/^UNSUPPORTED_SAMPLE_RATE/)]);
    const mixed = await refusedWith(jambonzMetadata(callSid(), { mixType: 'mixed' }), []);
    expect([mixed.code, mixed.reason]).toEqual([4400, expect.stringMatching(/^BAD_CHANNEL_LAYOUT/)]);
    const odd = await refusedWith(jambonzMetadata(callSid()), [frame, Buffer.alloc(642)]);
    expect([odd.code, odd.reason]).toEqual([4400, expect.stringMatching(/^BAD_FRAME/)]);
    const big = await refusedWith(jambonzMetadata(callSid()), [Buffer.alloc(40_000)]);
    expect([big.code, big.reason]).toEqual([4400, expect.stringMatching(/^FRAME_TOO_LARGE/)]);
    const json = await refusedWith('{"callSid": ', []);
    expect([json.code, json.reason]).toEqual([4400, expect.stringMatching(/^BAD_METADATA/)]);
    const huge = await refusedWith(JSON.stringify({ callSid: callSid(), note: 'x'.repeat(20_000) }), []);
    expect([huge.code, huge.reason]).toEqual([4400, expect.stringMatching(/^FRAME_TOO_LARGE: text frame/)]);
    const silent = await refusedWith(null, []);
    expect([silent.code, silent.reason]).toEqual([4408, expect.stringMatching(/^CALL_START_TIMEOUT/)]);
  });

  it('counts sessions, bytes and protocol errors by code in /metrics', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.base.ops.port}/metrics`)).text();
    expect(metrics).toMatch(
      /va_l16ws_sessions_total\{subprotocol="audio.jambonz.org",service="ingest-gateway"\} \d+/,
    );
    expect(metrics).toMatch(/va_l16ws_audio_bytes_total\{service="ingest-gateway"\} [1-9]\d*/);
    expect(metrics).toMatch(
      /va_l16ws_protocol_errors_total\{code="UNSUPPORTED_SUBPROTOCOL",service="ingest-gateway"\} 2/,
    );
    expect(metrics).toMatch(/va_l16ws_protocol_errors_total\{code="BAD_FRAME",service="ingest-gateway"\} 1/);
  });
});

describe('l16ws adapter: abrupt close', () => {
  it('ends the call when the socket drops without a close frame, with every frame received in Kafka', async () => {
    const id = callSid();
    const socket = await openL16Socket(port, { authorization: jambonzAuth });
    socket.ws.send(jambonzMetadata(id));
    const pcm = Buffer.alloc(640 * 150);
    for (let i = 0; i < pcm.byteLength / 2; i += 1) pcm.writeInt16LE((i * 37) % 20000, 2 * i);
    await sendFrames(socket.ws, pcm, 640);
    // Give the frames time to reach the gateway, then drop the TCP connection (no close frame).
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.ws.terminate();
    const chunks = await collectUntil(
      kafka,
      audioTopic,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => finals(all, id) === 2,
    );
    const got = byChannel(chunks, id);
    expect(got.customer.byteLength + got.agent.byteLength).toBe(pcm.byteLength);
    expect(await endedEvent(id)).toMatchObject({
      endReason: 'client-closed',
      framesAccepted: 300,
      audioDurationMs: 3000,
    });
  });
});

describe('l16ws adapter: gateway shutdown', () => {
  it('ends a live call with 1001 SHUTTING_DOWN after flushing every frame it received', async () => {
    const own = await startTestGateway(
      { audio: audioTopic, calls: callsTopic },
      {
        ...GATEWAY_ENV,
        L16WS_SOURCES: JSON.stringify({ 'jambonz-eu': { tenant: 'acme', secret: JAMBONZ_SECRET } }),
      },
    );
    const id = callSid();
    const socket = await openL16Socket(own.l16ws?.port as number, { authorization: jambonzAuth });
    socket.ws.send(jambonzMetadata(id));
    await sendFrames(socket.ws, Buffer.alloc(640 * 50, 1), 640);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await own.stop();
    expect(await socket.closed).toEqual({
      code: 1001,
      reason: 'SHUTTING_DOWN: the gateway is shutting down',
    });
    expect(await endedEvent(id)).toMatchObject({
      endReason: 'shutting_down',
      framesAccepted: 100,
      audioDurationMs: 1000,
    });
  });
});

describe('l16ws adapter: live pace', () => {
  it('accepts 20 ms frames in real time under the default pace limit, refuses a replay far faster (4429)', async () => {
    const { MAX_STREAM_SPEED: _unlimited, ...paced } = GATEWAY_ENV;
    const own = await startTestGateway(
      { audio: audioTopic, calls: callsTopic },
      {
        ...paced,
        STREAM_BURST_MS: '1000',
        L16WS_SOURCES: JSON.stringify({ 'jambonz-eu': { tenant: 'acme', secret: JAMBONZ_SECRET } }),
      },
    );
    onTestFinished(() => own.stop());
    const port = own.l16ws?.port as number;
    const live = callSid();
    const socket = await openL16Socket(port, { authorization: jambonzAuth });
    socket.ws.send(jambonzMetadata(live));
    const twoSeconds = Buffer.alloc(640 * 100, 3);
    expect(await sendFrames(socket.ws, twoSeconds, 640, 20)).toBe(100);
    socket.ws.close(1000);
    expect((await socket.closed).code).toBe(1000);
    expect(await endedEvent(live)).toMatchObject({ endReason: 'hangup', audioDurationMs: 2000 });

    const fast = await openL16Socket(port, { authorization: jambonzAuth });
    fast.ws.send(jambonzMetadata(callSid()));
    await sendFrames(fast.ws, Buffer.alloc(640 * 500, 3), 640).catch(() => 0);
    const closed = await fast.closed;
    expect([closed.code, closed.reason]).toEqual([4429, expect.stringMatching(/^FASTER_THAN_REAL_TIME/)]);
  });
});
