// The Twilio Media Streams adapter over a real WebSocket into the real broker: a recorded call
// (assets/nemo-calls, split into Twilio's inbound/outbound tracks, 20 ms frames) lands in Kafka as
// exactly the records the same audio produces through gRPC (same bytes, same audio times, same
// gaps filled, and the dsp-worker's and emotion classifier's processors make the same feature
// windows and emotion events of both); and every refusal: missing or wrong signature, an
// unsupported media format, media before `start`, an out-of-order sequenceNumber, another
// account's `start`, and an abrupt close that loses nothing (ending once the reconnect grace
// period, kept short here, has passed; reconnects: adapter-reconnect.test.ts).
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import {
  audioChunkCodec,
  callEventCodec,
  type AudioChunk,
  type CallEvent,
} from '../../../services/shared/records.ts';
import { encodeCallAudio, readCallWav } from '../../../devkit/audio/call-audio.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { downstreamOf } from './downstream.ts';
import { sendGrpcTwin } from './grpc-twin.ts';
import { collectUntil, deleteTopics, framesIngested, startTestGateway } from './helpers.ts';
import { channelView } from './record-views.ts';
import {
  connectTwilio,
  FRAME_BYTES,
  twilioAdapterEnv,
  twilioMessages,
  twilioSid,
  type TwilioCall,
} from './twilio-client.ts';

const TOKEN = 'acme-token-0123456789';
const ACCOUNT = twilioSid('AC');
const AUTH_TOKEN = 'f3c1a2b4d5e6f708192a3b4c5d6e7f80';
const OTHER_ACCOUNT = twilioSid('AC');
const OTHER_AUTH_TOKEN = '0123456789abcdef0123456789abcdef';
// Twilio signs the URL it was given (a public name in front of the gateway), not the socket's.
const PUBLIC_URL = 'wss://ingest.example.com';
const PATH = '/twilio/stream?site=lyon';
/** A dropped stream's call waits this long for a reconnect before it ends. */
const GRACE_MS = 1_500; // a loaded machine stalls the event loop for a few hundred ms: 300 raced it
const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
let gateway: Gateway;
let kafka: Kafka;
let localUrl: string;

const PARAMETERS = {
  agentId: 'agent-7',
  queue: 'billing',
  team: 'blue',
  consentAnalytics: 'true',
  consentStoreFeatures: 'true',
};

function call(over: Partial<TwilioCall> = {}): TwilioCall {
  return {
    accountSid: ACCOUNT,
    callSid: twilioSid('CA'),
    streamSid: twilioSid('MZ'),
    customParameters: PARAMETERS,
    customer: new Uint8Array(FRAME_BYTES * 10).fill(0x7f),
    agent: new Uint8Array(FRAME_BYTES * 10).fill(0x7e),
    ...over,
  };
}

const metricsText = async (): Promise<string> =>
  (await fetch(`http://127.0.0.1:${gateway.base.ops.port}/metrics`)).text();

const GATEWAY_ENV = {
  TENANT_TOKENS: `acme=${TOKEN},beta=beta-token-0123456789`,
  TOPIC_PARTITIONS: '1',
  BATCH_MAX_DELAY_MS: '40',
  MAX_STREAM_SPEED: '0',
  RECONNECT_GRACE_MS: String(GRACE_MS),
  ...twilioAdapterEnv(PUBLIC_URL, [
    { sid: ACCOUNT, tenant: 'acme', authToken: AUTH_TOKEN },
    { sid: OTHER_ACCOUNT, tenant: 'beta', authToken: OTHER_AUTH_TOKEN },
  ]),
};

beforeAll(async () => {
  gateway = await startTestGateway({ audio: audioTopic, calls: callsTopic }, GATEWAY_ENV);
  localUrl = `ws://127.0.0.1:${gateway.twilio?.port}${PATH}`;
  kafka = testKafka();
});

afterAll(async () => {
  await gateway?.stop();
  await deleteTopics(kafka, [audioTopic, callsTopic]);
});

/** Audio records of a call per channel, once its channels' final chunks (both by default) are in. */
async function chunksOf(callIds: string[], channels = 2): Promise<Map<string, AudioChunk[]>> {
  const records = await collectUntil(
    kafka,
    audioTopic,
    (m) => ({ key: m.key?.toString(), chunk: audioChunkCodec.decode(m.value, m.headers) }),
    (all) =>
      callIds.every((id) => all.filter((r) => r.chunk.callId === id && r.chunk.final).length === channels),
    60_000,
  );
  expect(records.every((r) => r.key === `${r.chunk.tenant}/${r.chunk.callId}`)).toBe(true);
  const out = new Map<string, AudioChunk[]>();
  for (const id of callIds)
    out.set(
      id,
      records.filter((r) => r.chunk.callId === id).map((r) => r.chunk),
    );
  return out;
}

async function eventsOf(callIds: string[]): Promise<CallEvent[]> {
  return (
    await collectUntil(
      kafka,
      callsTopic,
      (m) => callEventCodec.decode(m.value, m.headers),
      (all) => callIds.every((id) => all.some((e) => e.callId === id && e.type === 'ended')),
      30_000,
    )
  ).filter((e) => callIds.includes(e.callId));
}

describe('Twilio Media Streams adapter', () => {
  it('lands a recorded call exactly as the same audio through gRPC does', async () => {
    const audio = encodeCallAudio(readCallWav('assets/nemo-calls/call-2-angry-recovers.wav'), 'pcmu', 8000);
    // Five customer frames lost on the way (a gap filled with silence), and the agent's track
    // starting 400 ms into the stream (its timeline starts there, as a late frame's would).
    const dropped = new Set([100, 101, 102, 103, 104]);
    const agentFirstSlot = 20;
    const twilio = call({
      customer: audio.customer,
      agent: audio.agent,
      drop: { inbound: dropped },
      firstSlot: { outbound: agentFirstSlot },
    });
    const connection = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await connection.send(twilioMessages(twilio));
    expect(await connection.closed).toEqual({ code: 1000, reason: 'ENDED' });

    // The same audio through the gateway's own gRPC protocol: one frame per channel per 20 ms.
    const grpcCallId = uniqueName('grpc-twin').replace('.', '-');
    const slots = Math.ceil(Math.max(audio.customer.length, audio.agent.length) / FRAME_BYTES);
    const frames = function* () {
      for (let slot = 0; slot < slots; slot += 1) {
        for (const [channel, bytes] of [
          ['CHANNEL_CUSTOMER', audio.customer],
          ['CHANNEL_AGENT', audio.agent],
        ] as const) {
          if (slot * FRAME_BYTES >= bytes.length) continue;
          if (channel === 'CHANNEL_CUSTOMER' && dropped.has(slot)) continue;
          if (channel === 'CHANNEL_AGENT' && slot < agentFirstSlot) continue;
          const payload = Buffer.alloc(FRAME_BYTES, 0xff);
          payload.set(bytes.subarray(slot * FRAME_BYTES, (slot + 1) * FRAME_BYTES));
          yield { channel, sequence: slot, payload };
        }
      }
    };
    const start = {
      callId: grpcCallId,
      agentId: 'agent-7',
      queue: 'billing',
      team: 'blue',
      codec: 'CODEC_PCMU',
      sampleRateHz: 8000,
      channels: ['CHANNEL_CUSTOMER', 'CHANNEL_AGENT'],
      consent: { analytics: true, storeFeatures: true },
    };
    expect(await sendGrpcTwin(gateway.grpc.port, TOKEN, start, frames())).toBe(0);

    const chunks = await chunksOf([twilio.callSid, grpcCallId]);
    for (const channel of ['agent', 'customer'] as const) {
      const viaTwilio = channelView(chunks.get(twilio.callSid) as AudioChunk[], channel);
      const viaGrpc = channelView(chunks.get(grpcCallId) as AudioChunk[], channel);
      expect(viaTwilio.bytes.equals(viaGrpc.bytes)).toBe(true);
      expect({ ...viaTwilio, bytes: viaTwilio.bytes.byteLength }).toEqual({
        ...viaGrpc,
        bytes: viaGrpc.bytes.byteLength,
      });
      expect(viaTwilio).toMatchObject({ codec: 'pcmu', sampleRateHz: 8000, tenant: 'acme', final: true });
    }
    // Same windows with the same values downstream: the dsp-worker's features of both speakers
    // and their dynamics, and the emotion classifier's events of each window.
    const viaTwilio = downstreamOf(chunks.get(twilio.callSid) as AudioChunk[]);
    expect(viaTwilio.features.length).toBeGreaterThan(100);
    expect(viaTwilio.emotions.length).toBeGreaterThan(100);
    expect(viaTwilio).toEqual(downstreamOf(chunks.get(grpcCallId) as AudioChunk[]));
    // The customer's lost 100 ms is µ-law silence at its place; the agent starts at 400 ms.
    const customer = channelView(chunks.get(twilio.callSid) as AudioChunk[], 'customer');
    expect(customer.bytes.subarray(100 * FRAME_BYTES, 105 * FRAME_BYTES).every((b) => b === 0xff)).toBe(true);
    expect(customer.bytes.byteLength).toBe(slots * FRAME_BYTES);
    expect(channelView(chunks.get(twilio.callSid) as AudioChunk[], 'agent').startMs).toBe(
      agentFirstSlot * 20,
    );

    const events = await eventsOf([twilio.callSid, grpcCallId]);
    const ended = (id: string) => events.find((e) => e.callId === id && e.type === 'ended') as CallEvent;
    expect(ended(twilio.callSid)).toMatchObject({
      tenant: 'acme',
      agentId: 'agent-7',
      queue: 'billing',
      team: 'blue',
      codec: 'pcmu',
      sampleRateHz: 8000,
      consent: { analytics: true, storeFeatures: true },
      endReason: 'twilio-stop',
    });
    for (const field of ['framesAccepted', 'gaps', 'audioDurationMs', 'channels'] as const)
      expect(ended(twilio.callSid)[field]).toEqual(ended(grpcCallId)[field]);
    expect(ended(twilio.callSid).gaps).toBe(1);

    const metrics = await metricsText();
    expect(metrics).toMatch(/va_twilio_sessions_total\{service="ingest-gateway"\} [1-9]/);
    expect(metrics).toMatch(/va_twilio_audio_bytes_total\{track="inbound",service="ingest-gateway"\} [1-9]/);
  });

  it('refuses the upgrade without a signature (401) or with a wrong one (403)', async () => {
    await expect(connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN, null)).rejects.toThrow('HTTP 401');
    // Signed for another URL (the socket's own instead of the public one), or with a wrong token.
    await expect(connectTwilio(localUrl, localUrl.replace(PATH, ''), AUTH_TOKEN)).rejects.toThrow('HTTP 403');
    await expect(connectTwilio(localUrl, PUBLIC_URL, 'ffffffffffffffffffffffffffffffff')).rejects.toThrow(
      'HTTP 403',
    );
    const metrics = await metricsText();
    expect(metrics).toMatch(
      /va_twilio_protocol_errors_total\{code="MISSING_SIGNATURE",service="ingest-gateway"\} 1/,
    );
    expect(metrics).toMatch(
      /va_twilio_protocol_errors_total\{code="BAD_SIGNATURE",service="ingest-gateway"\} 2/,
    );
  });

  it('closes with 4400 UNSUPPORTED_CODEC on a media format other than µ-law 8 kHz mono', async () => {
    const bad = call({ mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000, channels: 1 } });
    const connection = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await connection.send(twilioMessages(bad).slice(0, 3));
    const closed = await connection.closed;
    expect(closed.code).toBe(4400);
    expect(closed.reason).toMatch(/^UNSUPPORTED_CODEC: /);
    const rate = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await rate.send(
      twilioMessages(
        call({ mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 16000, channels: 1 } }),
      ).slice(0, 2),
    );
    expect((await rate.closed).reason).toMatch(/^UNSUPPORTED_SAMPLE_RATE: /);
  });

  it('closes with 4412 MISSING_CALL_START on media before start', async () => {
    const messages = twilioMessages(call());
    const connection = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await connection.send([messages[0], messages[2]]); // connected, then media
    const closed = await connection.closed;
    expect(closed).toEqual({ code: 4412, reason: expect.stringMatching(/^MISSING_CALL_START: /) });
  });

  it('closes with 4400 OUT_OF_ORDER on a sequenceNumber that does not grow', async () => {
    const messages = twilioMessages(call()) as { sequenceNumber?: string }[];
    const connection = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    // connected, start (1), media (2), media (3), then media 2 again: a replayed message.
    await connection.send([messages[0], messages[1], messages[2], messages[3], messages[2]]);
    expect(await connection.closed).toEqual({ code: 4400, reason: 'OUT_OF_ORDER: sequenceNumber 2 after 3' });
    // A skipped number is a lost message, not an error: the stream goes on.
    const skipping = call();
    const all = twilioMessages(skipping);
    const ok = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await ok.send([...all.slice(0, 3), ...all.slice(4)]);
    expect(await ok.closed).toEqual({ code: 1000, reason: 'ENDED' });
  });

  it('closes with 4400 FRAME_TOO_LARGE on a media payload over MAX_FRAME_BYTES, as gRPC and L16 do', async () => {
    // Cut into 20 ms frames, 20 000 bytes became 2.5 s of audio, and the real frames after it
    // fell in slots it had filled: dropped as repeats, no error.
    const messages = twilioMessages(call()) as { event: string; media?: { payload: string } }[];
    const media = messages.find((m) => m.event === 'media')!;
    const big = {
      ...media,
      media: { ...media.media, payload: Buffer.alloc(20_000, 0xff).toString('base64') },
    };
    const connection = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await connection.send([messages[0], messages[1], big]);
    expect(await connection.closed).toEqual({
      code: 4400,
      reason: 'FRAME_TOO_LARGE: media payload of 20000 bytes over MAX_FRAME_BYTES (16000)',
    });
  });

  it('closes with 4400 BAD_MESSAGE on a frame that is not a Twilio message', async () => {
    const connection = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    connection.ws.send('{"event": "media", "media": ');
    expect(await connection.closed).toEqual({ code: 4400, reason: 'BAD_MESSAGE: not JSON' });
  });

  it('closes with 4403 TENANT_MISMATCH when start names another account than the signer', async () => {
    const connection = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await connection.send(twilioMessages(call({ accountSid: OTHER_ACCOUNT })).slice(0, 2));
    expect((await connection.closed).code).toBe(4403);
  });

  it('ends the call after the grace period on an abrupt close, keeping every frame sent before it', async () => {
    const twilio = call({
      customer: new Uint8Array(FRAME_BYTES * 500).fill(0x55),
      agent: new Uint8Array(FRAME_BYTES * 500).fill(0x66),
    });
    const sent = 150; // 3 s per track, then the socket dies without `stop`
    const messages = twilioMessages(twilio).slice(0, 2 + sent * 2);
    const connection = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await connection.send(messages);
    // Let the frames reach the gateway, then drop the TCP connection (no close frame, no stop).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const droppedAtMs = Date.now();
    connection.ws.terminate();

    const chunks = (await chunksOf([twilio.callSid])).get(twilio.callSid) as AudioChunk[];
    for (const channel of ['agent', 'customer'] as const) {
      const view = channelView(chunks, channel);
      expect(view.bytes.byteLength).toBe(sent * FRAME_BYTES);
      expect(view.bytes.every((b) => b === (channel === 'agent' ? 0x66 : 0x55))).toBe(true);
      expect(view.final).toBe(true);
    }
    const ended = (await eventsOf([twilio.callSid])).find((e) => e.type === 'ended');
    expect(ended).toMatchObject({ endReason: 'client-closed', framesAccepted: sent * 2, gaps: 0 });
    // Not at once: the call waited for a reconnect that did not come.
    expect(ended?.endTimeMs).toBeGreaterThanOrEqual(droppedAtMs + GRACE_MS - 50);
  });

  it('keeps the half frame of a socket that dies mid-frame, and ends a call whose sender breaks the size limit', async () => {
    // Eleven 10 ms payloads, then the connection dies: the 11th waited for its other half.
    const halves = call({ customer: new Uint8Array(0), agent: new Uint8Array(0), tracks: ['inbound'] });
    const [connected, start] = twilioMessages(halves);
    const media = Array.from({ length: 11 }, (_, i) => ({
      event: 'media',
      sequenceNumber: String(2 + i),
      media: {
        track: 'inbound',
        chunk: String(1 + i),
        timestamp: String(i * 10),
        payload: Buffer.alloc(80, 0x55).toString('base64'),
      },
      streamSid: halves.streamSid,
    }));
    const first = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await first.send([connected, start, ...media]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    first.ws.terminate();
    const kept = channelView(
      (await chunksOf([halves.callSid], 1)).get(halves.callSid) as AudioChunk[],
      'customer',
    );
    expect(kept.bytes.byteLength).toBe(6 * FRAME_BYTES);
    expect(kept.bytes.subarray(0, 880).every((b) => b === 0x55)).toBe(true);

    // A message over the limit: ws refuses it (1009) before the adapter reads it. Not a drop to
    // wait out: the call ends at once, as the protocol error it is.
    const big = call({
      customer: new Uint8Array(FRAME_BYTES * 10).fill(0x55),
      agent: new Uint8Array(0),
      tracks: ['inbound'],
    });
    // Counted once more (another test's oversized payload counts too).
    const tooLarge = async () =>
      Number(
        /va_twilio_protocol_errors_total\{code="FRAME_TOO_LARGE",service="ingest-gateway"\} (\d+)/.exec(
          await metricsText(),
        )?.[1] ?? 0,
      );
    const countedBefore = await tooLarge();
    const second = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await second.send(twilioMessages(big).slice(0, 7));
    const sentAtMs = Date.now();
    await second.send([{ event: 'mark', streamSid: big.streamSid, mark: { name: 'x'.repeat(70_000) } }]);
    const ended = (await eventsOf([big.callSid])).find((e) => e.type === 'ended');
    expect(ended).toMatchObject({ endReason: 'frame_too_large', framesAccepted: 5 });
    expect(ended?.endTimeMs).toBeLessThan(sentAtMs + GRACE_MS);
    expect(await tooLarge()).toBe(countedBefore + 1);
  });

  it('refuses (429) one socket too many from an address that has not sent start yet, and frees the place at start', async () => {
    const own = await startTestGateway(
      { audio: audioTopic, calls: callsTopic },
      { ...GATEWAY_ENV, TWILIO_MAX_WAITING_PER_ADDRESS: '2', CALL_START_TIMEOUT_MS: '10000' },
    );
    try {
      const url = `ws://127.0.0.1:${own.twilio?.port}${PATH}`;
      // One signed upgrade, replayed (Twilio's signature has no nonce).
      const silent = [
        await connectTwilio(url, PUBLIC_URL, AUTH_TOKEN),
        await connectTwilio(url, PUBLIC_URL, AUTH_TOKEN),
      ];
      await expect(connectTwilio(url, PUBLIC_URL, AUTH_TOKEN)).rejects.toThrow('HTTP 429');
      // A socket that starts its call no longer waits: its place goes to the next one.
      const started = call();
      await silent[0].send(twilioMessages(started).slice(0, 2));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const next = await connectTwilio(url, PUBLIC_URL, AUTH_TOKEN);
      await expect(connectTwilio(url, PUBLIC_URL, AUTH_TOKEN)).rejects.toThrow('HTTP 429');
      // A waiting socket that closes frees its place too.
      silent[1].ws.close();
      await silent[1].closed;
      const after = await connectTwilio(url, PUBLIC_URL, AUTH_TOKEN);
      for (const connection of [silent[0], next, after]) connection.ws.close();
      const metrics = await (await fetch(`http://127.0.0.1:${own.base.ops.port}/metrics`)).text();
      expect(metrics).toMatch(
        /va_twilio_protocol_errors_total\{code="TOO_MANY_UNAUTHENTICATED",service="ingest-gateway"\} 2/,
      );
    } finally {
      await own.stop();
    }
  });

  it("resumes a call after a gap longer than the silence filled without losing the new stream's first frames", async () => {
    const resumed = call({ customer: new Uint8Array(0), agent: new Uint8Array(0), tracks: ['inbound'] });
    const [connected, start] = twilioMessages(resumed);
    let sequence = 2;
    const media = (timestampMs: number) => ({
      event: 'media',
      sequenceNumber: String(sequence++),
      media: {
        track: 'inbound',
        chunk: '1',
        timestamp: String(timestampMs),
        payload: Buffer.alloc(FRAME_BYTES, 0x55).toString('base64'),
      },
      streamSid: resumed.streamSid,
    });
    // 2 s, then Twilio's timestamps jump 10 s (more than MAX_GAP_FILL_MS fills), 2 s more, drop.
    const first = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    const slots = [
      ...Array.from({ length: 100 }, (_, i) => i),
      ...Array.from({ length: 100 }, (_, i) => 600 + i),
    ];
    await first.send([connected, start, ...slots.map((slot) => media(slot * 20))]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    first.ws.terminate();
    await first.closed;
    await new Promise((resolve) => setTimeout(resolve, 100)); // the gateway parks the call
    // The new stream's timestamps start at 0 again: every one of its frames is new audio.
    sequence = 2;
    const second = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await second.send([
      connected,
      start,
      ...Array.from({ length: 50 }, (_, i) => media(i * 20)),
      {
        event: 'stop',
        sequenceNumber: String(sequence++),
        stop: { accountSid: ACCOUNT, callSid: resumed.callSid },
        streamSid: resumed.streamSid,
      },
    ]);
    const ended = (await eventsOf([resumed.callSid])).find((e) => e.type === 'ended');
    expect(ended).toMatchObject({ endReason: 'twilio-stop', framesAccepted: 250 });
  });

  it('acknowledges a stream without consent but forwards nothing', async () => {
    const quiet = call({ customParameters: { agentId: 'agent-7' } });
    const connection = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await connection.send(twilioMessages(quiet));
    expect((await connection.closed).code).toBe(1000);
    // A consenting call after it: once that one is in, the quiet one would be too.
    const marker = call();
    const next = await connectTwilio(localUrl, PUBLIC_URL, AUTH_TOKEN);
    await next.send(twilioMessages(marker));
    await next.closed;
    const events = await collectUntil(
      kafka,
      callsTopic,
      (m) => callEventCodec.decode(m.value, m.headers),
      (all) => all.some((e) => e.callId === marker.callSid && e.type === 'ended'),
    );
    expect(events.some((e) => e.callId === quiet.callSid)).toBe(false);
  });

  it('ends a live stream with 4503 SHUTTING_DOWN when the gateway stops, flushing its audio', async () => {
    const own = await startTestGateway(
      { audio: audioTopic, calls: callsTopic },
      {
        TENANT_TOKENS: `acme=${TOKEN}`,
        TOPIC_PARTITIONS: '1',
        MAX_STREAM_SPEED: '0',
        ...twilioAdapterEnv(PUBLIC_URL, [{ sid: ACCOUNT, tenant: 'acme', authToken: AUTH_TOKEN }]),
      },
    );
    const live = call({
      customer: new Uint8Array(FRAME_BYTES * 100).fill(0x44),
      agent: new Uint8Array(FRAME_BYTES * 100).fill(0x45),
    });
    const sent = 50;
    const connection = await connectTwilio(
      `ws://127.0.0.1:${own.twilio?.port}${PATH}`,
      PUBLIC_URL,
      AUTH_TOKEN,
    );
    await connection.send(twilioMessages(live).slice(0, 2 + sent * 2));
    await expect.poll(() => framesIngested(own)).toBe(sent * 2);
    await own.stop();
    const closed = await connection.closed;
    expect(closed.code).toBe(4503);
    expect(closed.reason).toMatch(/^SHUTTING_DOWN: /);
    const chunks = (await chunksOf([live.callSid])).get(live.callSid) as AudioChunk[];
    expect(channelView(chunks, 'customer').bytes.byteLength).toBe(sent * FRAME_BYTES);
    const ended = (await eventsOf([live.callSid])).find((e) => e.type === 'ended');
    expect(ended).toMatchObject({ endReason: 'shutting_down', framesAccepted: sent * 2 });
  });
});
