// Conformance of the Genesys Cloud AudioHook adapter over a real WebSocket into the real broker:
// a recorded call (assets/nemo-calls, stereo PCMU external+internal, the reference client's
// 200 ms frames, pings every 5 s) with a pause and a discard lands in Kafka as exactly the records
// the same audio gives through gRPC (paused and discarded time = missing frames = a gap of µ-law
// silence); a reconnect (abrupt drop, or the client's takeover with continuedSessions) continues
// the same call with nothing lost or duplicated; every error path the protocol defines is
// answered with its own `disconnect`, never a dropped socket: bad or replayed or stale
// signature (HTTP 401 on the upgrade), unsupported media, out-of-order seq, audio before open,
// and an abrupt close keeps every frame; a stop drains its sessions (DRAIN_MAX_MS) or, without a
// drain, disconnects them with SHUTTING_DOWN after flushing.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNASSIGNED_AGENT } from '../../../services/ingest-gateway/audiohook/open.ts';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import { audioChunkCodec, type AudioChunk, type CallEvent } from '../../../services/shared/records.ts';
import { createIngestClient, openCallStream } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { readShippedCall } from '../../support/nemo-calls.ts';
import {
  audioHookAdapterEnv,
  connectAudioHook,
  frameCount,
  newAudioHookOrg,
  playCall,
  stereoFrame,
  type AudioHookOrgAuth,
  type PlayedCall,
} from './audiohook-client.ts';
import {
  callEventsUntilEnded,
  collectUntil,
  deleteTopics,
  framesIngested,
  startTestGateway,
} from './helpers.ts';
import { downstreamOf } from './downstream.ts';
import { channelView } from './record-views.ts';

const TOKEN = 'acme-token-0123456789';
const ORG: AudioHookOrgAuth = newAudioHookOrg();
const FRAME_BYTES = 1600 * 2; // 200 ms of stereo 8 kHz PCMU
const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
let gateway: Gateway;
let kafka: Kafka;
let url: string;

/** A gateway of the test's own topics with the AudioHook adapter for ORG (consenting). */
const hookGateway = (env: Record<string, string> = {}): Promise<Gateway> =>
  startTestGateway(
    { audio: audioTopic, calls: callsTopic },
    {
      TENANT_TOKENS: `acme=${TOKEN}`,
      ...audioHookAdapterEnv('acme', [ORG]),
      ...env,
    },
  );

beforeAll(async () => {
  gateway = await hookGateway({
    TOPIC_PARTITIONS: '1',
    BATCH_MAX_DELAY_MS: '40',
    MAX_STREAM_SPEED: '0',
    AUDIOHOOK_RECONNECT_GRACE_MS: '1500',
    AUDIOHOOK_CLOSE_TIMEOUT_MS: '300',
  });
  url = `ws://127.0.0.1:${gateway.audiohook?.port}/api/v1/audiohook/ws`;
  kafka = testKafka();
});

afterAll(async () => {
  await gateway?.stop();
  await deleteTopics(kafka, [audioTopic, callsTopic]);
});

async function chunksOf(callId: string): Promise<AudioChunk[]> {
  const records = await collectUntil(
    kafka,
    audioTopic,
    (m) => audioChunkCodec.decode(m.value, m.headers),
    (all) => all.filter((c) => c.callId === callId && c.final).length === 2,
    60_000,
  );
  return records.filter((c) => c.callId === callId);
}

async function eventsOf(callId: string): Promise<CallEvent[]> {
  return (await callEventsUntilEnded(kafka, callsTopic, callId, 30_000)).filter((e) => e.callId === callId);
}

/** The same frames through gRPC: interleaved stereo, one frame per 200 ms slot, `skip` not sent. */
async function throughGrpc(call: PlayedCall, skip: Set<number>): Promise<string> {
  const callId = uniqueName('grpc-twin').replace('.', '-');
  const client = createIngestClient(`127.0.0.1:${gateway.grpc.port}`);
  const stream = openCallStream(client, TOKEN);
  await stream.write({
    start: {
      callId,
      agentId: UNASSIGNED_AGENT,
      codec: 'CODEC_PCMU',
      sampleRateHz: 8000,
      channels: ['CHANNEL_CUSTOMER', 'CHANNEL_AGENT'],
      interleaved: true,
      consent: { analytics: true, storeFeatures: true },
    },
  });
  for (let k = 0; k < frameCount(call); k += 1) {
    if (skip.has(k)) continue;
    const payload = stereoFrame(call, k);
    await stream.write({
      frame: { channel: 'CHANNEL_UNSPECIFIED', sequence: k, audioTimeMs: k * 200, payload },
    });
  }
  await stream.write({ end: { reason: 'hangup' } });
  const result = await stream.finish();
  expect(result.details).toBe('OK');
  expect(result.code).toBe(0);
  client.close();
  return callId;
}

async function audioBytesReceived(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${gateway.base.ops.port}/metrics`)).text();
  return Number(/va_audiohook_audio_bytes_total\{service="ingest-gateway"\} (\d+)/.exec(text)?.[1] ?? 0);
}

const shipped = readShippedCall('call-2-angry-recovers');
const recorded = (): PlayedCall => ({
  conversationId: randomUUID(),
  customer: shipped.customer,
  agent: shipped.agent,
});

async function expectSameAsGrpc(conversationId: string, twinId: string): Promise<AudioChunk[]> {
  const viaHook = await chunksOf(conversationId);
  const viaGrpc = await chunksOf(twinId);
  for (const channel of ['agent', 'customer'] as const) {
    const a = channelView(viaHook, channel);
    const b = channelView(viaGrpc, channel);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect({ ...a, bytes: a.bytes.byteLength }).toEqual({ ...b, bytes: b.bytes.byteLength });
  }
  // Same windows, same values downstream: the dsp-worker's features and the classifier's events.
  const downstream = downstreamOf(viaHook);
  expect(downstream.features.length).toBeGreaterThan(50);
  expect(downstream.emotions.length).toBeGreaterThan(10);
  expect(downstream).toEqual(downstreamOf(viaGrpc));
  return viaHook;
}

describe('Genesys Cloud AudioHook adapter', () => {
  it('lands a recorded call with a pause and a discard exactly as the same audio through gRPC', async () => {
    const call = recorded();
    const pause = { at: 30, frames: 5 }; // 1 s on hold: not sent, position stays
    const discard = { at: 60, frames: 3 }; // 600 ms the client could not send: position advances
    const client = await connectAudioHook(url, ORG);
    const { opened, closed } = await playCall(client, ORG.orgId, call, { pause, discard });
    expect(opened.parameters.media).toEqual([
      { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 },
    ]);
    expect(closed?.parameters).toEqual({});
    // Server messages: seq 1, 2, … and clientseq = the client's last seq at the time.
    const server = client.received;
    expect(server.map((m) => m.seq)).toEqual(server.map((_, i) => i + 1));
    expect(server.every((m) => m.version === '2' && m.id === client.sessionId)).toBe(true);
    expect(server.filter((m) => m.type.startsWith('pong')).length).toBeGreaterThanOrEqual(3);
    expect(server.at(-1)?.type).toMatch(/^closed/);

    const skip = new Set([30, 31, 32, 33, 34, 60, 61, 62]);
    const twin = await throughGrpc(call, skip);
    const chunks = await expectSameAsGrpc(call.conversationId, twin);
    // Paused and discarded time: µ-law silence at its place on the timeline.
    const customer = channelView(chunks, 'customer').bytes;
    expect(customer.byteLength).toBe(frameCount(call) * 1600);
    expect(customer.subarray(30 * 1600, 35 * 1600).every((b) => b === 0xff)).toBe(true);
    expect(customer.subarray(60 * 1600, 63 * 1600).every((b) => b === 0xff)).toBe(true);

    const ended = (await eventsOf(call.conversationId)).find((e) => e.type === 'ended') as CallEvent;
    const twinEnded = (await eventsOf(twin)).find((e) => e.type === 'ended') as CallEvent;
    // One gap per channel for the pause and one for the discard.
    expect(ended).toMatchObject({ tenant: 'acme', codec: 'pcmu', endReason: 'audiohook-end', gaps: 4 });
    for (const field of ['framesAccepted', 'gaps', 'audioDurationMs', 'channels'] as const)
      expect(ended[field]).toEqual(twinEnded[field]);
    // The ANI never leaves the gateway: only its keyed pseudonym.
    expect(ended.customerRef).toMatch(/^cref1_/);
    expect(JSON.stringify(ended)).not.toContain('5551234567');
  });

  /** A session that plays `frames` frames of `call`, then loses its network (no close transaction). */
  async function playThenDrop(call: ReturnType<typeof recorded>, frames: number) {
    const before = await audioBytesReceived();
    const first = await connectAudioHook(url, ORG);
    await playCall(first, ORG.orgId, call, { toFrame: frames, noClose: true });
    // The frames reached the server (a reset socket may drop what the server has not read yet).
    await expect.poll(audioBytesReceived).toBe(before + frames * FRAME_BYTES);
    first.ws.terminate();
    return first;
  }

  it('continues the call when the session drops and the client reconnects, resending overlap once', async () => {
    const call = recorded();
    const first = await playThenDrop(call, 40);
    // The new session continues the conversation's position, resending the last 2 frames.
    const second = await connectAudioHook(url, ORG);
    second.positionSamples = 38 * 1600;
    await playCall(second, ORG.orgId, call, {
      fromFrame: 38,
      continuedSessions: [{ id: first.sessionId, serverseq: 1, clientseq: 9 }],
    });
    const twin = await throughGrpc(call, new Set());
    await expectSameAsGrpc(call.conversationId, twin);
    const events = await eventsOf(call.conversationId);
    expect(events.map((e) => e.type)).toEqual(['started', 'ended']);
    expect(events[1].framesAccepted).toBe(2 * frameCount(call));
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.base.ops.port}/metrics`)).text();
    expect(metrics).toMatch(/va_audiohook_reconnects_total\{service="ingest-gateway"\} [1-9]/);
  });

  it('hands the conversation over to the new session on a graceful reconnect (close reason reconnect)', async () => {
    const call = recorded();
    const first = await connectAudioHook(url, ORG);
    await playCall(first, ORG.orgId, call, { toFrame: 25, noClose: true });
    const second = await connectAudioHook(url, ORG);
    second.positionSamples = first.positionSamples;
    const rest = playCall(second, ORG.orgId, call, {
      fromFrame: 25,
      continuedSessions: [{ id: first.sessionId, serverseq: 1, clientseq: 7 }],
    });
    await expect.poll(() => second.received.some((m) => m.type === 'opened')).toBe(true);
    first.send('close', { reason: 'reconnect' });
    expect((await first.next('closed')).parameters).toEqual({});
    await rest;
    const twin = await throughGrpc(call, new Set());
    await expectSameAsGrpc(call.conversationId, twin);
  });

  it('refuses a reconnect that offers the parties the other way round (BAD_CHANNEL_LAYOUT), keeping the call', async () => {
    const call = recorded();
    const first = await playThenDrop(call, 10);
    const second = await connectAudioHook(url, ORG);
    second.positionSamples = first.positionSamples;
    second.send('open', {
      organizationId: ORG.orgId,
      conversationId: call.conversationId,
      participant: { id: randomUUID(), ani: '', aniName: '', dnis: '' },
      media: [{ type: 'audio', format: 'PCMU', channels: ['internal', 'external'], rate: 8000 }],
      continuedSessions: [{ id: first.sessionId, serverseq: 1, clientseq: 4 }],
    });
    const disconnect = await second.next('disconnect');
    expect(disconnect.parameters.info).toMatch(/^BAD_CHANNEL_LAYOUT: /);
    // Nothing of the refused session reached the call: each channel holds its own 10 frames.
    const chunks = await chunksOf(call.conversationId);
    for (const channel of ['agent', 'customer'] as const)
      expect(channelView(chunks, channel).bytes.byteLength).toBe(10 * 1600);
  });

  it("takes, on a reconnect, the offer with the conversation's parties in its order when one has it", async () => {
    const call = recorded();
    const first = await playThenDrop(call, 10);
    const second = await connectAudioHook(url, ORG);
    second.positionSamples = first.positionSamples;
    const kept = { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 };
    second.send('open', {
      organizationId: ORG.orgId,
      conversationId: call.conversationId,
      participant: { id: randomUUID(), ani: '', aniName: '', dnis: '' },
      media: [{ ...kept, channels: ['internal', 'external'] }, kept],
      continuedSessions: [{ id: first.sessionId, serverseq: 1, clientseq: 4 }],
    });
    expect((await second.next('opened')).parameters.media).toEqual([kept]);
  });

  it("checks a ping's position like any message's, and takes only offers of known parties", async () => {
    const call = recorded();
    const client = await connectAudioHook(url, ORG);
    await playCall(client, ORG.orgId, call, { toFrame: 2, noClose: true });
    client.send('ping', {}, { position: 80_000 }); // 10 s; 0.4 s were sent
    expect((await client.next('disconnect')).parameters.info).toMatch(/^BAD_POSITION: ping at position/);

    const other = await connectAudioHook(url, ORG);
    other.send('open', {
      organizationId: ORG.orgId,
      conversationId: randomUUID(),
      participant: { id: randomUUID(), ani: '', aniName: '', dnis: '' },
      media: [
        { type: 'audio', format: 'PCMU', channels: ['external', '__proto__'], rate: 8000 },
        { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 },
      ],
    });
    expect((await other.next('opened')).parameters.media).toEqual([
      { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 },
    ]);
  });

  it('refuses upgrades without a valid, fresh, unused signature or API key (401)', async () => {
    const missing = { headers: { signature: null, 'signature-input': null } };
    await expect(connectAudioHook(url, ORG, missing)).rejects.toThrow('HTTP 401');
    const otherSecret = { ...ORG, clientSecret: randomBytes(32).toString('base64') };
    await expect(connectAudioHook(url, otherSecret)).rejects.toThrow('HTTP 401');
    await expect(
      connectAudioHook(url, ORG, { createdS: Math.floor(Date.now() / 1000) - 600 }),
    ).rejects.toThrow('HTTP 401');
    await expect(connectAudioHook(url, { ...ORG, apiKey: `${ORG.apiKey}x` })).rejects.toThrow('HTTP 401');
    const nonce = randomBytes(12).toString('hex');
    const once = await connectAudioHook(url, ORG, { nonce });
    once.ws.close();
    await expect(connectAudioHook(url, ORG, { nonce })).rejects.toThrow('HTTP 401');
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.base.ops.port}/metrics`)).text();
    for (const code of [
      'MISSING_SIGNATURE',
      'BAD_SIGNATURE',
      'STALE_SIGNATURE',
      'BAD_API_KEY',
      'REPLAYED_SIGNATURE',
    ])
      expect(metrics).toMatch(
        new RegExp(`va_audiohook_protocol_errors_total\\{code="${code}",service="ingest-gateway"\\} 1`),
      );
  });

  it('answers unsupported media with disconnect (reason error), then closed to the close', async () => {
    const client = await connectAudioHook(url, ORG);
    client.send('open', {
      organizationId: ORG.orgId,
      conversationId: randomUUID(),
      participant: { id: randomUUID(), ani: '', aniName: '', dnis: '' },
      media: [{ type: 'audio', format: 'L16', channels: ['external', 'internal'], rate: 16000 }],
    });
    const disconnect = await client.next('disconnect');
    expect(disconnect.parameters).toMatchObject({
      reason: 'error',
      info: expect.stringMatching(/^UNSUPPORTED_CODEC: /),
    });
    expect(disconnect).toMatchObject({ seq: 1, clientseq: 1 });
    client.send('close', { reason: 'error' });
    await client.next('closed');
    expect((await client.closed).code).toBe(4400);
  });

  it('disconnects on an out-of-order seq and ends the call, keeping its audio', async () => {
    const call = recorded();
    const client = await connectAudioHook(url, ORG);
    await playCall(client, ORG.orgId, call, { toFrame: 10, noClose: true });
    client.send('ping', {}, { seq: 99 });
    const disconnect = await client.next('disconnect');
    expect(disconnect.parameters.info).toMatch(/^BAD_SEQUENCE: seq 99 after /);
    const chunks = await chunksOf(call.conversationId);
    expect(channelView(chunks, 'customer').bytes.byteLength).toBe(10 * 1600);
    const ended = (await eventsOf(call.conversationId)).find((e) => e.type === 'ended');
    expect(ended?.endReason).toBe('bad_sequence');
  });

  it('disconnects with MISSING_CALL_START on audio before open', async () => {
    const client = await connectAudioHook(url, ORG);
    client.sendAudio(Buffer.alloc(FRAME_BYTES, 0xff), 2);
    const disconnect = await client.next('disconnect');
    expect(disconnect.parameters.info).toMatch(/^MISSING_CALL_START: audio before open/);
    expect((await client.closed).code).toBe(4412);
  });

  it('ends the call after an abrupt close without reconnect, keeping every frame sent', async () => {
    const call = recorded();
    const client = await connectAudioHook(url, ORG);
    await playCall(client, ORG.orgId, call, { toFrame: 20, noClose: true });
    client.ws.terminate();
    const chunks = await chunksOf(call.conversationId);
    for (const channel of ['agent', 'customer'] as const) {
      const view = channelView(chunks, channel);
      expect(view.bytes.byteLength).toBe(20 * 1600);
      expect(view.final).toBe(true);
    }
    const ended = (await eventsOf(call.conversationId)).find((e) => e.type === 'ended');
    expect(ended).toMatchObject({ endReason: 'client-closed', framesAccepted: 40, gaps: 0 });
  });

  it('disconnects live sessions with SHUTTING_DOWN when the gateway stops, flushing their audio', async () => {
    const own = await hookGateway();
    const call = recorded();
    const client = await connectAudioHook(`ws://127.0.0.1:${own.audiohook?.port}/hook`, ORG);
    await playCall(client, ORG.orgId, call, { toFrame: 15, noClose: true });
    await expect.poll(() => framesIngested(own)).toBe(15 * 2);
    const stopped = own.stop();
    const disconnect = await client.next('disconnect');
    expect(disconnect.parameters).toMatchObject({
      reason: 'error',
      info: expect.stringMatching(/^SHUTTING_DOWN: /),
    });
    await stopped;
    expect((await client.closed).code).toBe(4503);
    const chunks = await chunksOf(call.conversationId);
    expect(channelView(chunks, 'agent').bytes.byteLength).toBe(15 * 1600);
    const ended = (await eventsOf(call.conversationId)).find((e) => e.type === 'ended');
    expect(ended).toMatchObject({ endReason: 'shutting_down', framesAccepted: 30 });
  });

  it('drains at a stop: a live session goes on to its close with every frame, a new upgrade gets 503', async () => {
    const own = await hookGateway({ DRAIN_MAX_MS: '30000', MAX_STREAM_SPEED: '0' });
    const ownUrl = `ws://127.0.0.1:${own.audiohook?.port}/hook`;
    const call = recorded();
    const client = await connectAudioHook(ownUrl, ORG);
    await playCall(client, ORG.orgId, call, { toFrame: 15, noClose: true });
    await expect.poll(() => framesIngested(own)).toBe(15 * 2);
    let stopped = false;
    const stopping = own.stop().then(() => (stopped = true));
    // Genesys retries a refused upgrade: it reaches another gateway.
    await expect(connectAudioHook(ownUrl, ORG)).rejects.toThrow('HTTP 503');
    for (let k = 15; k < 30; k += 1) client.sendAudio(stereoFrame(call, k), 2);
    await client.flush();
    client.send('close', { reason: 'end' });
    await client.next('closed');
    client.ws.close(); // as Genesys does after `closed`: the drain's last socket
    expect(client.received.filter((m) => m.type === 'disconnect')).toEqual([]);
    await stopping;
    expect(stopped).toBe(true);
    const ended = (await eventsOf(call.conversationId)).find((e) => e.type === 'ended');
    expect(ended).toMatchObject({ framesAccepted: 60 });
    expect(ended?.endReason).not.toBe('shutting_down');
  });

  it('keeps a paused call (not idle) past the idle timeout, and ends a silent unpaused one', async () => {
    const own = await hookGateway({ IDLE_TIMEOUT_MS: '400' });
    const ownUrl = `ws://127.0.0.1:${own.audiohook?.port}/hook`;
    try {
      // On hold for 1.6 s of real time (pings continue), 4 × the idle timeout: the call survives.
      const held = recorded();
      const client = await connectAudioHook(ownUrl, ORG);
      const { closed } = await playCall(client, ORG.orgId, held, {
        speed: 1,
        toFrame: 12,
        pause: { at: 3, frames: 8 },
      });
      expect(closed?.type).toBe('closed');
      expect(client.received.filter((m) => m.type === 'disconnect')).toEqual([]);
      const ended = (await eventsOf(held.conversationId)).find((e) => e.type === 'ended');
      expect(ended).toMatchObject({ endReason: 'audiohook-end', framesAccepted: 2 * 4 });
      // The same silence without `paused`: the sweep ends it.
      const silent = await connectAudioHook(ownUrl, ORG);
      await playCall(silent, ORG.orgId, recorded(), { toFrame: 2, noClose: true });
      expect((await silent.next('disconnect', 5_000)).parameters.info).toMatch(/^IDLE_TIMEOUT: /);
    } finally {
      await own.stop();
    }
  });

  it('lets a paused call go when its client vanishes (no pong to the ping), keeping its audio', async () => {
    const own = await hookGateway({
      IDLE_TIMEOUT_MS: '400',
      AUDIOHOOK_HEARTBEAT_MS: '200',
      AUDIOHOOK_RECONNECT_GRACE_MS: '200',
    });
    const ownUrl = `ws://127.0.0.1:${own.audiohook?.port}/hook`;
    const liveCalls = async () => {
      const text = await (await fetch(`http://127.0.0.1:${own.base.ops.port}/metrics`)).text();
      return Number(/va_ingest_live_calls\{service="ingest-gateway"\} (\d+)/.exec(text)?.[1] ?? -1);
    };
    try {
      const call = recorded();
      const client = await connectAudioHook(ownUrl, ORG);
      await playCall(client, ORG.orgId, call, { toFrame: 3, noClose: true });
      client.send('paused');
      await expect.poll(liveCalls).toBe(1);
      // Half-open: the client's socket stops reading, so it never answers a ping (nor sends one).
      (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      await expect.poll(liveCalls, { timeout: 10_000 }).toBe(0);
      const ended = (await eventsOf(call.conversationId)).find((e) => e.type === 'ended');
      expect(ended).toMatchObject({ framesAccepted: 2 * 3 }); // stereo: a frame per channel
      client.ws.terminate();
    } finally {
      await own.stop();
    }
  });

  it('counts client error reports under the protocol codes only (others as "other")', async () => {
    const client = await connectAudioHook(url, ORG);
    await playCall(client, ORG.orgId, recorded(), { toFrame: 1, noClose: true });
    for (let code = 1000; code < 1040; code += 1) client.send('error', { code, message: 'x' });
    client.send('error', { code: 429, message: 'rate limited' });
    client.send('close', { reason: 'error' });
    await client.next('closed');
    const text = await (await fetch(`http://127.0.0.1:${gateway.base.ops.port}/metrics`)).text();
    const series = text.split('\n').filter((l) => l.startsWith('va_audiohook_client_errors_total{'));
    const other = series.find((l) => l.includes('code="other"'));
    expect(Number(other?.split(' ').at(-1))).toBeGreaterThanOrEqual(40);
    expect(series.some((l) => l.includes('code="429"'))).toBe(true);
    expect(series.some((l) => l.includes('code="1001"'))).toBe(false);
  });
});
