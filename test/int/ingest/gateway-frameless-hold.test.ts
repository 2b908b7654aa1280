// A hold the client sends as silence suppression (DTX: CallHold, then no frame until the hold
// ends) through the gateway over real gRPC and the real broker: the stream is not ended while on
// hold although it outlasts IDLE_TIMEOUT_MS many times, on-hold audio reaches Kafka DURING the
// hold, the audio after it lines up with no time twice; off hold the same silence is still
// IDLE_TIMEOUT; a hold past HOLD_MAX_MS ends HOLD_TOO_LONG, a late frame on hold is dropped (not the
// call), and neither touches the call streaming beside it.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { audioChunkCodec, callEventCodec, type AudioChunk } from '../../../services/shared/records.ts';
import { openCallStream, type CallStream } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { createIngestClient } from '../../../services/simulator/ingest-client.ts';
import { collectUntil, gatewayForFile, startTestGateway, stereoCallStart } from './helpers.ts';

const TOKEN = 'acme-token-0123456789';
const topics = { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') };
const kafka = testKafka();
const IDLE_TIMEOUT_MS = 1_000;
const HOLD_MAX_MS = 9_000;
const suite = gatewayForFile(topics, {
  TENANT_TOKENS: `acme=${TOKEN}`,
  TOPIC_PARTITIONS: '1',
  BATCH_MAX_DELAY_MS: '40',
  IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
  HOLD_MAX_MS: String(HOLD_MAX_MS),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const frame = (channel: 'CHANNEL_AGENT' | 'CHANNEL_CUSTOMER', sequence: number) => ({
  frame: { channel, sequence, audioTimeMs: sequence * 20, payload: new Uint8Array(160).fill(0x7f) },
});
async function both(stream: CallStream, from: number, to: number) {
  for (let seq = from; seq < to; seq += 1) {
    await stream.write(frame('CHANNEL_AGENT', seq));
    await stream.write(frame('CHANNEL_CUSTOMER', seq));
  }
}
const chunksOf = (callId: string, until: (all: AudioChunk[]) => boolean, timeoutMs?: number) =>
  collectUntil(
    kafka,
    topics.audio,
    (m) => audioChunkCodec.decode(m.value, m.headers),
    (all) => until(all.filter((c) => c.callId === callId)),
    timeoutMs,
  ).then((all) => all.filter((c) => c.callId === callId));
const endReasonOf = async (callId: string) =>
  (
    await collectUntil(
      kafka,
      topics.calls,
      (m) => callEventCodec.decode(m.value, m.headers),
      (all) => all.some((e) => e.callId === callId && e.type === 'ended'),
    )
  ).find((e) => e.callId === callId && e.type === 'ended')?.endReason;
const heldMs = (chunks: AudioChunk[], channel: string) =>
  chunks
    .filter((c) => c.channel === channel && c.onHold)
    .reduce((ms, c) => ms + c.audioEndMs - c.audioStartMs, 0);

describe('ingest gateway: a frameless (DTX) hold', () => {
  it('keeps a 6 s frameless hold alive past a 1 s idle timeout, its hold time in Kafka during it; off hold the same silence is IDLE_TIMEOUT', async () => {
    const held = uniqueName('dtx-hold').replace('.', '-');
    const plain = uniqueName('dtx-plain').replace('.', '-');
    const heldStream = openCallStream(suite.client, TOKEN);
    const plainStream = openCallStream(suite.client, TOKEN);
    await heldStream.write(stereoCallStart(held));
    await plainStream.write(stereoCallStart(plain));
    await both(heldStream, 0, 50); // 0-1 s
    await both(plainStream, 0, 50);
    await heldStream.write({ hold: { onHold: true } });
    const holdStart = Date.now();
    // Still on hold, nothing sent for 5 s: on-hold audio of both channels is already in Kafka
    // (read before the client takes the call off hold below).
    await sleep(5_000);
    const during = await chunksOf(held, (own) => heldMs(own, 'customer') >= 2_000, 5_000);
    expect([heldMs(during, 'agent'), heldMs(during, 'customer')].every((ms) => ms >= 2_000)).toBe(true);
    await sleep(1_000);
    await heldStream.write({ hold: { onHold: false } });
    // The client's clock went on through the hold: its next frame is at 1 s + the hold.
    const back = Math.round((1_000 + (Date.now() - holdStart)) / 20);
    await both(heldStream, back, back + 50);
    await heldStream.write({ end: { reason: 'hangup' } });
    const heldResult = await heldStream.finish();
    const plainResult = await plainStream.result;
    expect([heldResult.code, plainResult.code, plainResult.details]).toEqual([
      grpc.status.OK,
      grpc.status.DEADLINE_EXCEEDED,
      expect.stringMatching(/IDLE_TIMEOUT/),
    ]);
    expect(await endReasonOf(plain)).toBe('idle_timeout');
    expect(await endReasonOf(held)).toBe('hangup');

    const chunks = await chunksOf(held, (own) => own.filter((c) => c.final).length === 2);
    for (const channel of ['agent', 'customer']) {
      const own = chunks.filter((c) => c.channel === channel && c.payload.byteLength > 0);
      // No audio time twice, none missing: each chunk starts where the one before ended.
      for (let k = 1; k < own.length; k += 1)
        expect(own[k].audioStartMs).toBeCloseTo(own[k - 1].audioEndMs, 6);
      // The hold is hold, from 1 s to where the client came back; the audio after it is not.
      expect(heldMs(own, channel)).toBeCloseTo(back * 20 - 1_000, 6);
      expect(own.at(-1)?.audioEndMs).toBeCloseTo((back + 50) * 20, 6);
      expect(own.filter((c) => c.audioStartMs >= back * 20).every((c) => !c.onHold)).toBe(true);
    }
  });

  it('ends a hold past HOLD_MAX_MS HOLD_TOO_LONG and a late frame on hold is dropped, not its call; the call beside them goes on', async () => {
    const tooLong = uniqueName('dtx-long').replace('.', '-');
    const backwards = uniqueName('dtx-back').replace('.', '-');
    const beside = uniqueName('dtx-beside').replace('.', '-');
    const [longStream, backStream, besideStream] = [0, 1, 2].map(() => openCallStream(suite.client, TOKEN));
    await longStream.write(stereoCallStart(tooLong));
    await backStream.write(stereoCallStart(backwards));
    await besideStream.write(stereoCallStart(beside));
    await both(longStream, 0, 10);
    await both(backStream, 0, 10);
    await longStream.write({ hold: { onHold: true } });
    await backStream.write({ hold: { onHold: true } });
    await backStream.write(frame('CHANNEL_AGENT', 5)); // 100 ms, before the 180 ms sent
    await backStream.write({ end: { reason: 'hangup' } });
    expect((await backStream.finish()).code).toBe(grpc.status.OK);
    // The call beside streams in real time through the other's hold limit.
    let seq = 0;
    const started = Date.now();
    while (Date.now() - started < HOLD_MAX_MS + 2_500) {
      await both(besideStream, seq, seq + 25);
      seq += 25;
      await sleep(500);
    }
    const longResult = await longStream.result;
    expect([longResult.code, longResult.details]).toEqual([
      grpc.status.DEADLINE_EXCEEDED,
      expect.stringMatching(/HOLD_TOO_LONG/),
    ]);
    // A resume after the limit, on the ended stream: refused with it, nothing more goes out.
    await longStream.write({ hold: { onHold: false } }).catch(() => undefined);
    expect(await endReasonOf(tooLong)).toBe('hold_too_long');
    await besideStream.write({ end: { reason: 'hangup' } });
    expect((await besideStream.finish()).code).toBe(grpc.status.OK);
    expect(await endReasonOf(beside)).toBe('hangup');
  });

  it('loses and repeats nothing when its gateway stops mid-hold and the client resumes the hold on another', async () => {
    const env = {
      TENANT_TOKENS: `acme=${TOKEN}`,
      TOPIC_PARTITIONS: '1',
      IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
    };
    const leaving = await startTestGateway(topics, env);
    const staying = await startTestGateway(topics, env);
    const [leavingClient, stayingClient] = [leaving, staying].map((g) =>
      createIngestClient(`127.0.0.1:${g.grpc.port}`),
    );
    const callId = uniqueName('dtx-restart').replace('.', '-');
    try {
      const first = openCallStream(leavingClient, TOKEN);
      await first.write(stereoCallStart(callId));
      await both(first, 0, 50); // 0-1 s
      await first.write({ hold: { onHold: true } });
      const holdStart = Date.now();
      await sleep(4_000);
      await leaving.stop(); // stopping twice is a no-op (finally)
      // a rolling restart: the call is handed over (UNAVAILABLE), its fill flushed
      expect((await first.result).code).toBe(grpc.status.UNAVAILABLE);
      // The client resumes on the other gateway, still on hold: CallStart, CallHold, one frame per
      // channel at its own clock (where the timeline goes on from), then nothing until the hold ends.
      const second = openCallStream(stayingClient, TOKEN);
      await second.write(stereoCallStart(callId));
      await second.write({ hold: { onHold: true } });
      const resumedAt = Math.round((1_000 + (Date.now() - holdStart)) / 20);
      await both(second, resumedAt, resumedAt + 1);
      await sleep(4_000);
      await second.write({ hold: { onHold: false } });
      const back = Math.round((1_000 + (Date.now() - holdStart)) / 20);
      await both(second, back, back + 50);
      await second.write({ end: { reason: 'hangup' } });
      expect((await second.finish()).code).toBe(grpc.status.OK);
      const chunks = await chunksOf(callId, (own) => own.filter((c) => c.final).length === 2);
      for (const channel of ['agent', 'customer']) {
        const own = chunks
          .filter((c) => c.channel === channel && c.payload.byteLength > 0)
          .sort((a, b) => a.audioStartMs - b.audioStartMs);
        // No audio time twice: no chunk overlaps the one before (a replay would).
        for (let k = 1; k < own.length; k += 1)
          expect(own[k].audioStartMs, `${channel} chunk ${k}`).toBeGreaterThanOrEqual(
            own[k - 1].audioEndMs - 1e-6,
          );
        // Nothing lost: all the client's audio off hold (1 s before, 1 s after) is there once,
        // and the hold on both gateways' sides is hold.
        const offHold = own.filter((c) => !c.onHold).reduce((ms, c) => ms + c.audioEndMs - c.audioStartMs, 0);
        expect(offHold).toBeCloseTo(2_000, 6);
        expect(own.filter((c) => c.onHold && c.audioEndMs <= resumedAt * 20).length).toBeGreaterThan(0);
        expect(heldMs(own, channel)).toBeGreaterThan(back * 20 - 1_000 - 2 * 2_000 - 1_000);
        // The only hole is where the first gateway's fill stopped (its 2 s lag and the time away)
        // up to the resumed frame: the dsp-worker pads it (MAX_AUDIO_GAP_MS, 10 s).
        const holes = own.slice(1).map((c, k) => c.audioStartMs - own[k].audioEndMs);
        expect(holes.filter((ms) => ms > 1e-6).length).toBeLessThanOrEqual(1);
        expect(Math.max(0, ...holes)).toBeLessThan(5_000);
      }
      expect(await endReasonOf(callId)).toBe('hangup');
    } finally {
      leavingClient.close();
      stayingClient.close();
      await Promise.all([leaving.stop(), staying.stop()]);
    }
  });
});
