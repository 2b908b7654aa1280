// CallHold through the gateway over real gRPC and the real broker: the audio records carry hold,
// cut at the hold's boundaries, repeats change nothing, and a hold before CallStart is refused as
// a frame before it is.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { audioChunkCodec } from '../../../services/shared/records.ts';
import { openCallStream, type CallResult } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { collectUntil, framesFromNow, gatewayForFile, liveCalls, stereoCallStart } from './helpers.ts';

const TOKEN = 'acme-token-0123456789';
const audioTopic = uniqueName('test.audio');
const kafka = testKafka();
const suite = gatewayForFile(
  { audio: audioTopic, calls: uniqueName('test.calls') },
  { TENANT_TOKENS: `acme=${TOKEN}`, TOPIC_PARTITIONS: '1', BATCH_MAX_DELAY_MS: '40' },
);

const frame = (channel: 'CHANNEL_AGENT' | 'CHANNEL_CUSTOMER', sequence: number) => ({
  frame: { channel, sequence, audioTimeMs: sequence * 20, payload: new Uint8Array(160).fill(0x7f) },
});

/** Ends the call and reads the audio topic until `finals` final chunks of it are there. */
async function endAndCollect(stream: ReturnType<typeof openCallStream>, callId: string, finals: number) {
  await stream.write({ end: { reason: 'hangup' } });
  expect((await stream.finish()).code).toBe(grpc.status.OK);
  return collectUntil(
    kafka,
    audioTopic,
    (m) => audioChunkCodec.decode(m.value, m.headers),
    (all) => all.filter((c) => c.callId === callId && c.final).length >= finals,
  );
}

describe('ingest gateway: CallHold', () => {
  it('refuses a hold before CallStart with MISSING_CALL_START', async () => {
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write({ hold: { onHold: true } });
    const result = await Promise.race([
      stream.result,
      new Promise<CallResult>((r) => setTimeout(() => r(stream.finish()), 2_000)),
    ]);
    expect([result.code, result.details]).toEqual([
      grpc.status.FAILED_PRECONDITION,
      expect.stringMatching(/MISSING_CALL_START/),
    ]);
  });

  it('marks the chunks between hold and resume on hold, none straddling a boundary', async () => {
    const callId = uniqueName('hold').replace('.', '-');
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(stereoCallStart(callId));
    let seq = 0;
    const both = async (frames: number) => {
      for (const end = seq + frames; seq < end; seq += 1) {
        await stream.write(frame('CHANNEL_AGENT', seq));
        await stream.write(frame('CHANNEL_CUSTOMER', seq));
      }
    };
    await both(50); // 0-1 s
    await stream.write({ hold: { onHold: true } });
    await both(25); // 1-1.5 s on hold
    await stream.write({ hold: { onHold: true } }); // a repeat: nothing changes
    await both(25); // 1.5-2 s on hold
    await stream.write({ hold: { onHold: false } });
    await both(50); // 2-3 s
    const chunks = await endAndCollect(stream, callId, 2);
    for (const channel of ['agent', 'customer'] as const) {
      const own = chunks.filter((c) => c.callId === callId && c.channel === channel && !c.final);
      const held = own.filter((c) => c.onHold);
      expect(held.length).toBeGreaterThan(0);
      expect(held[0].audioStartMs).toBeCloseTo(1000, 6);
      expect(held.at(-1)?.audioEndMs).toBeCloseTo(2000, 6);
      for (const c of own) {
        const inside = c.audioStartMs >= 1000 - 1e-6 && c.audioEndMs <= 2000 + 1e-6;
        expect(c.onHold, `${channel} ${c.audioStartMs}-${c.audioEndMs}`).toBe(inside);
      }
      expect(own.reduce((ms, c) => ms + (c.onHold ? c.audioEndMs - c.audioStartMs : 0), 0)).toBeCloseTo(
        1000,
        6,
      );
    }
  });

  it('starts a resumed stream of the call off hold (its client sends CallHold again to stay on hold)', async () => {
    const callId = uniqueName('resumed').replace('.', '-');
    const taken = await framesFromNow(suite.gateway);
    const first = openCallStream(suite.client, TOKEN);
    await first.write(stereoCallStart(callId));
    for (let seq = 0; seq < 25; seq += 1) await first.write(frame('CHANNEL_AGENT', seq));
    await first.write({ hold: { onHold: true } });
    for (let seq = 25; seq < 50; seq += 1) await first.write(frame('CHANNEL_AGENT', seq));
    await taken.reached(50);
    first.cancel(); // a dropped connection: the call is handed over, not ended
    // Flushed for a resume (before that, a new stream is refused CALL_HANDING_OVER).
    await expect.poll(() => liveCalls(suite.gateway), { timeout: 10_000, interval: 50 }).toBe(0);
    const second = openCallStream(suite.client, TOKEN);
    await second.write(stereoCallStart(callId));
    for (let seq = 50; seq < 75; seq += 1) await second.write(frame('CHANNEL_AGENT', seq));
    const chunks = await endAndCollect(second, callId, 2);
    const own = chunks.filter((c) => c.callId === callId && c.payload.byteLength > 0);
    const heldMs = (from: number, to: number) =>
      own
        .filter((c) => c.onHold && c.audioStartMs >= from - 1e-6 && c.audioEndMs <= to + 1e-6)
        .reduce((ms, c) => ms + c.audioEndMs - c.audioStartMs, 0);
    expect(heldMs(500, 1000)).toBeCloseTo(500, 6); // the first stream's hold
    expect(own.filter((c) => c.audioStartMs >= 1000 - 1e-6).every((c) => !c.onHold)).toBe(true);
    expect(own.some((c) => c.audioStartMs >= 1000 - 1e-6)).toBe(true);
  });
});
