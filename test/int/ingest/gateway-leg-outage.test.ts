// One leg of a stereo call drops out for longer than MAX_GAP_FILL_MS while the other goes on (a
// customer's mobile in a tunnel, a media server's one-way outage): the gap is filled up to where
// the other channel is, so the channels stay aligned on the audio topic. Filled only to the cap,
// the customer ran 7 s early for the rest of the call: false overtalk and an overtalk alert on a
// calm call (telephony probe). A leg that sends no frames at all (one-way audio: a broken RTP
// leg, a NAT dropping one direction) goes out as silence behind the other while the call is live,
// starting where the stream's first frame went (silent-legs.ts). Real gRPC, real broker.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { audioChunkCodec, type AudioChunk } from '../../../services/shared/records.ts';
import { ALIGN_FILL_MAX_MS } from '../../../services/ingest-gateway/call-session.ts';
import { SILENT_LEG_LAG_MS } from '../../../services/ingest-gateway/silent-legs.ts';
import { openCallStream } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { collectUntil, gatewayForFile, stereoCallStart } from './helpers.ts';

const TOKEN = 'acme-token-0123456789';
const topics = { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') };
const suite = gatewayForFile(topics, {
  TENANT_TOKENS: `acme=${TOKEN}`,
  TOPIC_PARTITIONS: '1',
  BATCH_MAX_DELAY_MS: '40',
  MAX_GAP_FILL_MS: '2000',
  // Streamed faster than real time: the pace limit is not what this test is about.
  MAX_STREAM_SPEED: '0',
});

const frame = (channel: 'CHANNEL_AGENT' | 'CHANNEL_CUSTOMER', sequence: number) => ({
  frame: { channel, sequence, audioTimeMs: sequence * 20, payload: new Uint8Array(160).fill(0x10) },
});

describe('a one-leg outage longer than MAX_GAP_FILL_MS', () => {
  it('keeps the two channels aligned', async () => {
    const callId = uniqueName('call').replace('.', '-');
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(stereoCallStart(callId));
    // 8 s per channel; the customer's frames 50..399 (7 s) are lost... up to frame 400.
    const frames = 450;
    for (let seq = 0; seq < frames; seq += 1) {
      await stream.write(frame('CHANNEL_AGENT', seq));
      if (seq < 50 || seq >= 400) await stream.write(frame('CHANNEL_CUSTOMER', seq));
    }
    await stream.write({ end: { reason: 'hangup' } });
    const result = await stream.finish();
    expect(result.code).toBe(grpc.status.OK);
    expect(result.acks.at(-1)).toMatchObject({ state: 'CALL_STATE_ENDED', gaps: 1, framesMissing: 350 });

    const chunks = await collectUntil(
      testKafka(),
      topics.audio,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => all.filter((c) => c.callId === callId && c.final).length === 2,
    );
    const endOf = (channel: AudioChunk['channel']) =>
      chunks.filter((c) => c.callId === callId && c.channel === channel).at(-1)!.audioEndMs;
    expect(endOf('agent')).toBeCloseTo(frames * 20, 6);
    // Aligned with the agent, not 5 s early (2 s of the 7 s filled).
    expect(endOf('customer')).toBeCloseTo(frames * 20, 6);
  });

  it('fills no more than ALIGN_FILL_MAX_MS to meet a channel whose timeline starts a day on', async () => {
    // The agent's first frame says "a day into the call" (allowed: a resumed call); the customer
    // then jumps its sequence by 2^31 - 1. Unbounded, the gateway built 691 MB of silence (review).
    const callId = uniqueName('call').replace('.', '-');
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(stereoCallStart(callId));
    const agentFirst = frame('CHANNEL_AGENT', 0);
    await stream.write({ frame: { ...agentFirst.frame, audioTimeMs: 86_400_000 } });
    await stream.write(frame('CHANNEL_CUSTOMER', 0));
    const jump = frame('CHANNEL_CUSTOMER', 2 ** 31 - 1);
    await stream.write({ frame: { ...jump.frame, audioTimeMs: 0 } });
    await stream.write({ end: { reason: 'hangup' } });
    expect((await stream.finish()).code).toBe(grpc.status.OK);
    const chunks = await collectUntil(
      testKafka(),
      topics.audio,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => all.filter((c) => c.callId === callId && c.final).length === 2,
    );
    const customer = chunks.filter((c) => c.callId === callId && c.channel === 'customer');
    expect(customer.at(-1)!.audioEndMs).toBeCloseTo(20 + ALIGN_FILL_MAX_MS + 20, 6);
    // Cut into chunks of CHUNK_MAX_MS like audio, never one record of the whole fill.
    expect(Math.max(...customer.map((c) => c.payload.byteLength))).toBeLessThanOrEqual(2 * 8000 + 160);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a leg that sends no frames at all', () => {
  it('goes out as silence behind the other leg while the call is live, from where the stream began', async () => {
    const callId = uniqueName('call').replace('.', '-');
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(stereoCallStart(callId));
    const resumedAtMs = 30_000;
    const seconds = 5;
    // The agent's leg alone from 30 s on (as a stream resuming the call there), in real time (10
    // frames every 200 ms); the customer's sends nothing.
    for (let k = 0; k < seconds * 50; k += 1) {
      await stream.write({
        frame: { ...frame('CHANNEL_AGENT', k).frame, audioTimeMs: resumedAtMs + k * 20 },
      });
      if (k % 10 === 9) await sleep(200);
    }
    const customerOf = <T extends { callId: string; channel: string }>(all: T[]) =>
      all.filter((c) => c.callId === callId && c.channel === 'customer');
    // Still live: no CallEnd yet.
    const live = await collectUntil(
      testKafka(),
      topics.audio,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) =>
        customerOf(all).some((c) => c.audioEndMs >= resumedAtMs + seconds * 1000 - SILENT_LEG_LAG_MS - 1_000),
    );
    const customer = live.filter((c) => c.callId === callId && c.channel === 'customer');
    expect(customer[0].audioStartMs).toBe(resumedAtMs);
    expect(customer.every((c) => !c.final && !c.onHold && c.payload.every((b) => b === 0xff))).toBe(true);
    for (let k = 1; k < customer.length; k += 1)
      expect(customer[k].audioStartMs).toBeCloseTo(customer[k - 1].audioEndMs, 6);
    await stream.write({ end: { reason: 'hangup' } });
    const result = await stream.finish();
    expect(result.code).toBe(grpc.status.OK);
  });
});
