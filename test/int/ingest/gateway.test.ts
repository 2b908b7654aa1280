// The ingest gateway over real gRPC (loopback) and the real broker: each rejection status, a
// stereo call landing in the audio topic in order keyed by call id with its lifecycle events,
// analytics=false acknowledged but not forwarded, the health service and /metrics.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { grpcServices } from '../../../services/shared/grpc-protos.ts';
import {
  audioChunkCodec,
  callEventCodec,
  type AudioChunk,
  type CallEvent,
} from '../../../services/shared/records.ts';
import {
  createIngestClient,
  openCallStream,
  type CallResult,
  type CallStartMessage,
} from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import {
  callEventsUntilEnded,
  collectUntil,
  framesFromNow,
  gatewayForFile,
  liveCalls,
  startTestGateway,
  type FileGateway,
} from './helpers.ts';

const TOKEN = 'acme-token-0123456789';
const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
const kafka = testKafka();

const start = (over: Partial<CallStartMessage> = {}): { start: CallStartMessage } => ({
  start: {
    callId: uniqueName('call').replace('.', '-'),
    agentId: 'agent-7',
    queue: 'billing',
    team: 'blue',
    customerRef: 'crm-42',
    codec: 'CODEC_PCMU',
    sampleRateHz: 8000,
    consent: { analytics: true, storeFeatures: true },
    ...over,
  },
});

/** 20 ms of µ-law at 8 kHz whose bytes encode the channel and sequence, to check order. */
function frame(channel: 'CHANNEL_AGENT' | 'CHANNEL_CUSTOMER', sequence: number, bytes = 160) {
  const payload = new Uint8Array(bytes).fill((sequence * 2 + (channel === 'CHANNEL_AGENT' ? 0 : 1)) % 256);
  return { frame: { channel, sequence, audioTimeMs: sequence * 20, payload } };
}

async function rejected(
  messages: Parameters<ReturnType<typeof openCallStream>['write']>[0][],
  token: string | null = TOKEN,
): Promise<CallResult> {
  const stream = openCallStream(suite.client, token);
  for (const message of messages) await stream.write(message);
  return Promise.race([
    stream.result,
    new Promise<CallResult>((r) => setTimeout(() => r(stream.finish()), 2_000)),
  ]);
}

const suite = gatewayForFile(
  { audio: audioTopic, calls: callsTopic },
  {
    TENANT_TOKENS: `acme=${TOKEN},beta=beta-token-0123456789`,
    TOPIC_PARTITIONS: '1',
    BATCH_MAX_DELAY_MS: '40',
    RECONNECT_GRACE_MS: '1500',
  },
);

describe('ingest gateway rejections', () => {
  it('answers UNAUTHENTICATED without a token or with an unknown one', async () => {
    expect((await rejected([start()], null)).code).toBe(grpc.status.UNAUTHENTICATED);
    const bad = await rejected([start()], 'wrong-token-0123456789');
    expect(bad.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(bad.details).toMatch(/BAD_TOKEN/);
  });

  it('answers INVALID_ARGUMENT for an unsupported codec or sample rate', async () => {
    const codec = await rejected([start({ codec: 'CODEC_UNSPECIFIED' })]);
    expect([codec.code, codec.details]).toEqual([
      grpc.status.INVALID_ARGUMENT,
      expect.stringMatching(/UNSUPPORTED_CODEC/),
    ]);
    const rate = await rejected([start({ sampleRateHz: 44100 })]);
    expect([rate.code, rate.details]).toEqual([
      grpc.status.INVALID_ARGUMENT,
      expect.stringMatching(/UNSUPPORTED_SAMPLE_RATE/),
    ]);
  });

  it('answers INVALID_ARGUMENT for an oversize frame', async () => {
    for (const bytes of [20_000, 1_000_000]) {
      const result = await rejected([start(), frame('CHANNEL_AGENT', 0, bytes)]);
      expect([result.code, result.details]).toEqual([
        grpc.status.INVALID_ARGUMENT,
        expect.stringMatching(/FRAME_TOO_LARGE/),
      ]);
    }
  });

  it('answers FAILED_PRECONDITION for audio before CallStart', async () => {
    const result = await rejected([frame('CHANNEL_AGENT', 0)]);
    expect([result.code, result.details]).toEqual([
      grpc.status.FAILED_PRECONDITION,
      expect.stringMatching(/MISSING_CALL_START/),
    ]);
  });

  it('answers ALREADY_EXISTS for a second stream of a live call id', async () => {
    const first = openCallStream(suite.client, TOKEN);
    const message = start({ consent: { analytics: false, storeFeatures: false } });
    await first.write(message);
    await expect.poll(() => first.acks.length).toBeGreaterThan(0);
    const second = await rejected([message]);
    expect([second.code, second.details]).toEqual([
      grpc.status.ALREADY_EXISTS,
      expect.stringMatching(/CALL_ALREADY_LIVE/),
    ]);
    await first.write({ end: { reason: 'hangup' } });
    expect((await first.finish()).code).toBe(grpc.status.OK);
  });

  it('answers PERMISSION_DENIED when the call names another tenant than its token', async () => {
    expect((await rejected([start({ tenant: 'beta' })])).code).toBe(grpc.status.PERMISSION_DENIED);
  });
});

describe('ingest gateway forwarding', () => {
  it('lands a stereo call in the audio topic in order, keyed by call id, with lifecycle events', async () => {
    const declined = start({ consent: { analytics: false, storeFeatures: false } });
    const quiet = openCallStream(suite.client, TOKEN);
    await quiet.write(declined);
    for (let seq = 0; seq < 20; seq += 1) await quiet.write(frame('CHANNEL_CUSTOMER', seq));
    await quiet.write({ end: { reason: 'hangup' } });
    const quietResult = await quiet.finish();
    expect(quietResult.code).toBe(grpc.status.OK);
    expect(quietResult.acks[0].state).toBe('CALL_STATE_NOT_ANALYSED');
    expect(quietResult.acks.at(-1)).toMatchObject({ state: 'CALL_STATE_ENDED', framesAccepted: 20 });

    const message = start();
    const callId = message.start.callId as string;
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(message);
    const frames = 100; // 2 s per channel
    for (let seq = 0; seq < frames; seq += 1) {
      await stream.write(frame('CHANNEL_AGENT', seq));
      // One lost customer frame: a gap, filled with µ-law silence so audio time stays exact.
      if (seq !== 50) await stream.write(frame('CHANNEL_CUSTOMER', seq));
      if (seq % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // A repeated frame is dropped, and not counted as accepted.
    await stream.write(frame('CHANNEL_AGENT', frames - 1));
    await stream.write({ end: { reason: 'hangup' } });
    const result = await stream.finish();
    expect(result.code).toBe(grpc.status.OK);
    expect(result.acks[0]).toMatchObject({ callId, state: 'CALL_STATE_ACTIVE' });
    expect(result.acks.at(-1)).toMatchObject({
      state: 'CALL_STATE_ENDED',
      framesAccepted: 199,
      gaps: 1,
      framesMissing: 1,
    });

    // Calls topic: the declined call never appears, ours starts then ends, keyed by tenant/call id.
    const events = await collectUntil(
      kafka,
      callsTopic,
      (m) => ({ key: m.key?.toString(), event: callEventCodec.decode(m.value, m.headers) }),
      (all) => all.some((e) => e.event.callId === callId && e.event.type === 'ended'),
    );
    expect(events.some((e) => e.event.callId === declined.start.callId)).toBe(false);
    const own = events.filter((e) => e.key === `acme/${callId}`);
    expect(own.map((e) => e.event.type)).toEqual(['started', 'ended']);
    const ended = own[1].event as CallEvent;
    expect(ended).toMatchObject({
      tenant: 'acme',
      agentId: 'agent-7',
      team: 'blue',
      endReason: 'hangup',
      framesAccepted: 199,
      gaps: 1,
    });
    expect(ended.consent).toEqual({ analytics: true, storeFeatures: true, historyOptOut: false });

    // Audio topic: every chunk keyed by tenant/call id; nothing from the declined call.
    const records = await collectUntil(
      kafka,
      audioTopic,
      (m) => ({ key: m.key?.toString(), chunk: audioChunkCodec.decode(m.value, m.headers) }),
      (all) => all.filter((r) => r.chunk.callId === callId && r.chunk.final).length === 2,
    );
    expect(records.every((r) => r.key === `${r.chunk.tenant}/${r.chunk.callId}`)).toBe(true);
    expect(records.some((r) => r.chunk.callId === declined.start.callId)).toBe(false);
    const chunks: AudioChunk[] = records.filter((r) => r.chunk.callId === callId).map((r) => r.chunk);
    for (const channel of ['agent', 'customer'] as const) {
      const own = chunks.filter((c) => c.channel === channel);
      expect(own.map((c) => c.chunkIndex)).toEqual(own.map((_, i) => i));
      for (let i = 1; i < own.length; i += 1)
        expect(own[i].audioStartMs).toBeCloseTo(own[i - 1].audioEndMs, 6);
      expect(own.at(-1)?.final).toBe(true);
      expect(own.at(-1)?.audioEndMs).toBeCloseTo(frames * 20, 6);
      const bytes = Buffer.concat(own.map((c) => c.payload));
      expect(bytes.byteLength).toBe(frames * 160);
      const code = channel === 'agent' ? 0 : 1;
      for (let seq = 0; seq < frames; seq += 1) {
        const expected = channel === 'customer' && seq === 50 ? 0xff : (seq * 2 + code) % 256;
        expect(bytes[seq * 160]).toBe(expected);
      }
    }
    expect(chunks.every((c) => c.firstReceivedAtMs <= c.receivedAtMs)).toBe(true);
  });
});

describe('ingest gateway, interleaved stereo frames', () => {
  it('splits each stereo frame into the two channels, in order, with gaps filled', async () => {
    const message = start({ interleaved: true });
    const callId = message.start.callId as string;
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(message);
    const frames = 50; // 1 s
    for (let seq = 0; seq < frames; seq += 1) {
      if (seq === 20) continue; // one lost stereo frame: a gap on both channels
      // Sample i of the frame: agent byte = seq, customer byte = 255 - seq (interleaved a, c, a, c…).
      const payload = new Uint8Array(320);
      for (let i = 0; i < 160; i += 1) {
        payload[2 * i] = seq;
        payload[2 * i + 1] = 255 - seq;
      }
      await stream.write({
        frame: { channel: 'CHANNEL_UNSPECIFIED', sequence: seq, audioTimeMs: seq * 20, payload },
      });
    }
    // A frame naming a channel is refused on an interleaved call.
    await stream.write(frame('CHANNEL_AGENT', frames));
    const result = await stream.finish();
    expect(result.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(result.details).toMatch(/interleaved/);

    const records = await collectUntil(
      kafka,
      audioTopic,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => all.filter((c) => c.callId === callId && c.final).length === 2,
    );
    for (const channel of ['agent', 'customer'] as const) {
      const own = records.filter((c) => c.callId === callId && c.channel === channel);
      const bytes = Buffer.concat(own.map((c) => c.payload));
      expect(bytes.byteLength).toBe(frames * 160);
      for (let seq = 0; seq < frames; seq += 1) {
        const sent = channel === 'agent' ? seq : 255 - seq;
        expect([bytes[seq * 160], bytes[seq * 160 + 159]]).toEqual(seq === 20 ? [0xff, 0xff] : [sent, sent]);
      }
    }
  });
});

/**
 * Streams the call's first second (agent frames 0–49) and, once the gateway has taken them in,
 * cancels: a dropped connection.
 */
async function dropAfterOneSecond(
  message: { start: CallStartMessage },
  on: Pick<FileGateway, 'gateway' | 'client'> = suite,
): Promise<number> {
  const taken = await framesFromNow(on.gateway);
  const stream = openCallStream(on.client, TOKEN);
  await stream.write(message);
  for (let seq = 0; seq < 50; seq += 1) await stream.write(frame('CHANNEL_AGENT', seq));
  await taken.reached(50);
  const cancelledAtMs = Date.now();
  stream.cancel();
  return cancelledAtMs;
}

/**
 * Drops the call's stream at 1 s and waits until it is flushed (a resume before then is refused
 * CALL_HANDING_OVER, for the client to retry): not a fixed wait, which a broker pause on a loaded
 * machine outlasts.
 */
async function dropAndHandOver(message: { start: CallStartMessage }): Promise<void> {
  await dropAfterOneSecond(message);
  await expect.poll(() => liveCalls(suite.gateway), { timeout: 10_000, interval: 50 }).toBe(0);
}

describe('ingest gateway operations', () => {
  it('hands over a call whose stream drops and does not come back: no final marker, no ended event', async () => {
    // A resume may land on another replica: an ended event from this one would cut the call there.
    // The idle timeouts downstream end a call whose client never returns.
    const message = start();
    const { callId } = message.start;
    await dropAfterOneSecond(message);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // past RECONNECT_GRACE_MS (1.5 s)
    const events = await collectUntil(
      kafka,
      callsTopic,
      (m) => callEventCodec.decode(m.value, m.headers),
      (all) => all.some((e) => e.callId === callId && e.type === 'started'),
    );
    const chunks = await collectUntil(
      kafka,
      audioTopic,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) =>
        all.filter((c) => c.callId === callId).reduce((ms, c) => ms + c.audioEndMs - c.audioStartMs, 0) >=
        1000,
    );
    expect(events.filter((e) => e.callId === callId).map((e) => e.type)).toEqual(['started']);
    expect(chunks.filter((c) => c.callId === callId && c.final)).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${suite.gateway.base.ops.port}/metrics`)).text();
    expect(metrics).toMatch(/va_ingest_stream_drops_total\{adapter="grpc",outcome="ended"[^}]*\} [1-9]/);
  });

  it('ends a dropped call at once as cancelled, keeping what it sent, when RECONNECT_GRACE_MS is 0', async () => {
    const own = await startTestGateway(
      { audio: audioTopic, calls: callsTopic },
      { TENANT_TOKENS: `acme=${TOKEN}`, TOPIC_PARTITIONS: '1', RECONNECT_GRACE_MS: '0' },
    );
    const client = createIngestClient(`127.0.0.1:${own.grpc.port}`);
    try {
      const message = start();
      const { callId } = message.start;
      await dropAfterOneSecond(message, { gateway: own, client });
      const events = await callEventsUntilEnded(kafka, callsTopic, callId);
      const ended = events.find((e) => e.callId === callId && e.type === 'ended') as CallEvent;
      expect(ended).toMatchObject({ endReason: 'cancelled', framesAccepted: 50 });
    } finally {
      client.close();
      await own.stop();
    }
  });

  it('continues a call whose stream dropped when a new stream of its id resumes it within the grace period', async () => {
    // A network drop (the stream reset), then the client's retry with the same call id and the
    // audio time where it left off, as the README says: one call. It had been ended at the drop,
    // with final markers, and the dsp-worker dropped everything the resumed stream sent.
    const message = start();
    const { callId } = message.start;
    await dropAndHandOver(message);
    const second = openCallStream(suite.client, TOKEN);
    await second.write(message);
    for (let seq = 50; seq < 100; seq += 1) await second.write(frame('CHANNEL_AGENT', seq));
    await second.write({ end: { reason: 'hangup' } });
    expect((await second.finish()).code).toBe(grpc.status.OK);
    // Past the grace period: the dropped stream's call must not be ended as well.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const events = await callEventsUntilEnded(kafka, callsTopic, callId);
    const ends = events.filter((e) => e.callId === callId && e.type === 'ended');
    expect(ends.map((e) => e.endReason)).toEqual(['hangup']);
    const chunks = (
      await collectUntil(
        kafka,
        audioTopic,
        (m) => audioChunkCodec.decode(m.value, m.headers),
        (all) => all.some((c) => c.callId === callId && c.final),
      )
    ).filter((c) => c.callId === callId);
    // One timeline, 0 to 2 s, and a final marker only at its end.
    expect(chunks.filter((c) => c.final).map((c) => c.audioEndMs)).toEqual([2000]);
    expect(chunks.filter((c) => !c.final).reduce((ms, c) => ms + (c.audioEndMs - c.audioStartMs), 0)).toBe(
      2000,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${suite.gateway.base.ops.port}/metrics`)).text();
    expect(metrics).toMatch(/va_ingest_stream_drops_total\{adapter="grpc",outcome="resumed"[^}]*\} [1-9]/);
  });

  it("sends a transfer's resumed start at its first frame, saying where the new agent's leg starts", async () => {
    // The first agent's stream is cancelled at 1 s; the call resumes on a new stream naming the
    // new agent and team, its audio going on at 1 000 ms: the call store files the leg from there.
    const message = start();
    const { callId } = message.start;
    await dropAndHandOver(message);
    const second = openCallStream(suite.client, TOKEN);
    await second.write({ start: { ...message.start, agentId: 'agent-8', team: 'green' } });
    for (let seq = 50; seq < 60; seq += 1) await second.write(frame('CHANNEL_CUSTOMER', seq));
    await second.write({ end: { reason: 'hangup' } });
    expect((await second.finish()).code).toBe(grpc.status.OK);
    const events = await callEventsUntilEnded(kafka, callsTopic, callId);
    const starts = events.filter((e) => e.callId === callId && e.type === 'started');
    expect(starts.map((e) => [e.agentId, e.team, e.legStartAudioMs, e.legStartKnown])).toEqual([
      ['agent-7', 'blue', 0, true],
      ['agent-8', 'green', 1000, true],
    ]);
  });

  it('announces a start at its CallStart, not at its first frame (the store dates erasures and leg bounds by it)', async () => {
    // The start record waits for the first frame (leg_start_audio_ms), but its producedAtMs is
    // the store's "announced at": a call started before a customer's erasure is forgotten only
    // when it was announced before it (erased-customers.ts). Stamped at the first frame, a call
    // whose audio began after the erasure was kept.
    const message = start();
    const { callId } = message.start;
    const stream = openCallStream(suite.client, TOKEN);
    const startedAt = Date.now();
    await stream.write(message);
    await new Promise((r) => setTimeout(r, 1_500));
    for (let seq = 0; seq < 5; seq += 1) await stream.write(frame('CHANNEL_CUSTOMER', seq));
    await stream.write({ end: { reason: 'hangup' } });
    expect((await stream.finish()).code).toBe(grpc.status.OK);
    const events = await callEventsUntilEnded(kafka, callsTopic, callId);
    const started = events.find((e) => e.callId === callId && e.type === 'started');
    expect([started?.legStartAudioMs, started?.legStartKnown]).toEqual([0, true]);
    expect(started!.producedAtMs - startedAt).toBeLessThan(1_000);
  });

  it('ends a call whose client half-closed just before the gateway stops as hung up, not to resume', async () => {
    const own = await startTestGateway(
      { audio: audioTopic, calls: callsTopic },
      { TENANT_TOKENS: `acme=${TOKEN}`, TOPIC_PARTITIONS: '1' },
    );
    const client = createIngestClient(`127.0.0.1:${own.grpc.port}`);
    try {
      const message = start();
      const { callId } = message.start;
      const stream = openCallStream(client, TOKEN);
      await stream.write(message);
      for (let seq = 0; seq < 20; seq += 1) await stream.write(frame('CHANNEL_AGENT', seq));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const result = stream.finish();
      // Inside the half-close's grace (the gateway waits to tell it from a cancel).
      await new Promise((resolve) => setTimeout(resolve, 20));
      await own.stop();
      expect((await result).code).toBe(grpc.status.OK);
      const events = await callEventsUntilEnded(kafka, callsTopic, callId);
      expect(events.find((e) => e.callId === callId && e.type === 'ended')).toMatchObject({
        endReason: 'client-closed',
        framesAccepted: 20,
      });
    } finally {
      client.close();
    }
  });

  it('serves the standard gRPC health service and /metrics', async () => {
    const { Health } = grpcServices();
    const health = new Health(
      `127.0.0.1:${suite.gateway.grpc.port}`,
      grpc.credentials.createInsecure(),
    ) as unknown as {
      Check(
        request: { service: string },
        callback: (error: grpc.ServiceError | null, response: { status: string }) => void,
      ): void;
      close(): void;
    };
    const check = (service: string) =>
      new Promise<{ status?: string; code?: number }>((resolve) =>
        health.Check({ service }, (error, response) => resolve(error ? { code: error.code } : response)),
      );
    expect(await check('')).toEqual({ status: 'SERVING' });
    expect(await check('va.ingest.v1.Ingest')).toEqual({ status: 'SERVING' });
    expect(await check('nope')).toEqual({ code: grpc.status.NOT_FOUND });
    health.close();

    const metrics = await (await fetch(`http://127.0.0.1:${suite.gateway.base.ops.port}/metrics`)).text();
    expect(metrics).toMatch(/va_ingest_frames_total\{service="ingest-gateway"\} \d+/);
    expect(metrics).toMatch(/va_errors_total\{code="UNSUPPORTED_CODEC",service="ingest-gateway"\} 1/);
    // Calls by outcome (the suite's earlier calls): what a dropped-call ratio divides by.
    const calls = (outcome: string) =>
      Number(
        new RegExp(`va_ingest_calls_total\\{outcome="${outcome}",service="ingest-gateway"\\} (\\d+)`).exec(
          metrics,
        )?.[1] ?? 0,
      );
    expect(calls('started')).toBeGreaterThan(0);
    expect(calls('ended')).toBeGreaterThan(0);
    expect(calls('ended') + calls('failed') + calls('handed_over') + calls('lost')).toBeLessThanOrEqual(
      calls('started'),
    );
    expect((await fetch(`http://127.0.0.1:${suite.gateway.base.ops.port}/readyz`)).status).toBe(200);
  });
});
