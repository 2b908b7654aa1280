// The L16-over-WebSocket adapter against the real broker: a shipped demo call streamed as jambonz
// `listen` sends it (stereo 8 kHz L16, 20 ms frames, HTTP Basic auth) lands in Kafka exactly as the
// same audio sent over gRPC with LINEAR16 does; a FreeSWITCH-style mono socket with its secret in
// the metadata; every refusal (upgrade and close codes) and an abrupt close losing nothing (the
// call ends once the reconnect grace period, short here, has passed; reconnects:
// adapter-reconnect.test.ts). Same records means the same features and emotion events downstream.
import * as grpc from '@grpc/grpc-js';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import {
  audioChunkCodec,
  callEventCodec,
  type AudioChunk,
  type CallEvent,
} from '../../../services/shared/records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { readShippedCall } from '../../support/nemo-calls.ts';
import { downstreamOf } from './downstream.ts';
import { sendGrpcTwin } from './grpc-twin.ts';
import { collectUntil, deleteTopics, startTestGateway } from './helpers.ts';
import { basicAuth, interleavedL16, openL16Socket, sendFrames } from './l16ws-client.ts';
import {
  byChannel,
  callSid,
  endedEvent,
  finals,
  jambonzAuth,
  jambonzMetadata,
  JAMBONZ_SECRET,
  L16_GATEWAY_ENV,
  TOKEN,
} from './l16ws-fixture.ts';

const FS_SECRET = 'freeswitch-secret-0123456789';
/** A dropped socket's call waits this long for a reconnect before it ends. */
const GRACE_MS = 1_500; // a loaded machine stalls the event loop for a few hundred ms: 300 raced it
const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
let gateway: Gateway;
let port: number;
let kafka: Kafka;

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

beforeAll(async () => {
  gateway = await startTestGateway(
    { audio: audioTopic, calls: callsTopic },
    {
      ...L16_GATEWAY_ENV,
      BATCH_MAX_DELAY_MS: '40',
      CALL_START_TIMEOUT_MS: '1000',
      RECONNECT_GRACE_MS: String(GRACE_MS),
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
    const start = {
      callId: grpcCallId,
      agentId: 'agent-7',
      queue: 'billing',
      team: 'blue',
      codec: 'CODEC_LINEAR16',
      sampleRateHz: 8000,
      channels: ['CHANNEL_CUSTOMER', 'CHANNEL_AGENT'],
      interleaved: true,
      consent: { analytics: true, storeFeatures: true },
    };
    let sequence = 0;
    const frames = function* () {
      for (let at = 0; at < pcm.byteLength; at += frameBytes, sequence += 1) {
        const payload = pcm.subarray(at, Math.min(at + frameBytes, pcm.byteLength));
        yield { channel: 'CHANNEL_UNSPECIFIED', sequence, payload };
      }
    };
    // A WebSocket closed with 1000 is the platform's hang-up: CallEnd "hangup" on gRPC.
    expect(await sendGrpcTwin(gateway.grpc.port, TOKEN, start, frames())).toBe(grpc.status.OK);
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
    // What the dsp-worker and the emotion classifier make of each call's records (its chunks in
    // topic order, as they consume them): the same windows, dynamics and emotion events.
    const ownChunks = (callId: string) => chunks.filter((c) => c.callId === callId);
    const viaWsDownstream = downstreamOf(ownChunks(wsCallId));
    expect(viaWsDownstream.features.length).toBeGreaterThan(50);
    expect(viaWsDownstream.emotions.length).toBeGreaterThan(50);
    expect(viaWsDownstream).toEqual(downstreamOf(ownChunks(grpcCallId)));

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
  it('ends the call after the grace period when the socket drops without a close frame, with every frame received in Kafka', async () => {
    const id = callSid();
    const socket = await openL16Socket(port, { authorization: jambonzAuth });
    socket.ws.send(jambonzMetadata(id));
    const pcm = Buffer.alloc(640 * 150);
    for (let i = 0; i < pcm.byteLength / 2; i += 1) pcm.writeInt16LE((i * 37) % 20000, 2 * i);
    await sendFrames(socket.ws, pcm, 640);
    // Give the frames time to reach the gateway, then drop the TCP connection (no close frame).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const droppedAtMs = Date.now();
    socket.ws.terminate();
    const chunks = await collectUntil(
      kafka,
      audioTopic,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => finals(all, id) === 2,
    );
    const got = byChannel(chunks, id);
    expect(got.customer.byteLength + got.agent.byteLength).toBe(pcm.byteLength);
    const ended = await endedEvent(kafka, callsTopic, id);
    expect(ended).toMatchObject({ endReason: 'client-closed', framesAccepted: 300, audioDurationMs: 3000 });
    // Not at once: the call waited for a reconnect that did not come.
    expect(ended?.endTimeMs).toBeGreaterThanOrEqual(droppedAtMs + GRACE_MS - 50);
  });

  /** A jambonz call that sent 10 stereo frames, all of them at the gateway by now. */
  async function liveCallOf10Frames(id: string) {
    const socket = await openL16Socket(port, { authorization: jambonzAuth });
    socket.ws.send(jambonzMetadata(id));
    await sendFrames(socket.ws, Buffer.alloc(640 * 10), 640);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return socket;
  }

  it("holds a reconnect to a new call's checks: another tenant or another consent does not resume the call", async () => {
    const id = callSid();
    const socket = await liveCallOf10Frames(id);
    socket.ws.terminate(); // dropped: the call waits for its reconnect
    const tenant = await refusedWith(jambonzMetadata(id, { tenant: 'globex' }), []);
    expect([tenant.code, tenant.reason]).toEqual([4403, expect.stringMatching(/^TENANT_MISMATCH/)]);
    const long = await refusedWith(jambonzMetadata(id, { customerRef: 'x'.repeat(5000) }), []);
    expect([long.code, long.reason]).toEqual([4400, expect.stringMatching(/^BAD_METADATA/)]);
    const consent = await refusedWith(jambonzMetadata(id, { consent: { analytics: false } }), []);
    expect([consent.code, consent.reason]).toEqual([4409, expect.stringMatching(/^CALL_ALREADY_LIVE/)]);
    // The call itself is untouched: it ends after the grace period with its 10 frames.
    const ended = await endedEvent(kafka, callsTopic, id);
    expect(ended).toMatchObject({ endReason: 'client-closed', framesAccepted: 20 });
  });

  it('ends a call whose sender breaks the message size limit at once, not as a drop to wait out', async () => {
    const id = callSid();
    const socket = await liveCallOf10Frames(id);
    const sentAtMs = Date.now();
    // Far past what ws takes (4 × the largest stereo frame): it closes 1009 before the adapter reads it.
    socket.ws.send(Buffer.alloc(1_000_000), { binary: true });
    const ended = await endedEvent(kafka, callsTopic, id);
    expect(ended).toMatchObject({ endReason: 'frame_too_large', framesAccepted: 20 });
    expect(ended?.endTimeMs).toBeLessThan(sentAtMs + GRACE_MS);
  });
});
