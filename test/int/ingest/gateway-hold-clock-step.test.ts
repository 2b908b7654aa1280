// Over real gRPC and the real broker: the gateway host's wall clock steps (an NTP correction)
// while a call is on a frameless (DTX) hold. The held timeline timed the hold on the wall clock:
// a step forward of 20 s filled on-hold silence far past where the hold had really reached
// (up to the pace room), so the client's audio after the hold found its sequences already
// covered and was dropped as repeats; a step past HOLD_MAX_MS ended the call HOLD_TOO_LONG at the
// next tick. The step is made by moving Date.now for the whole process, as NTP moves it for every
// reader on the host (as gateway-clock-step.test.ts).
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { audioChunkCodec, type AudioChunk } from '../../../services/shared/records.ts';
import { openCallStream, type CallStream } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { collectUntil, gatewayForFile, stereoCallStart } from './helpers.ts';
import { realNow, steppableWallClock } from '../../support/wall-clock-step.ts';

const TOKEN = 'hold-clock-step-token-0123456789';
const topics = { audio: uniqueName('t.audio'), calls: uniqueName('t.calls') };
const kafka = testKafka();
const suite = gatewayForFile(topics, {
  TENANT_TOKENS: `acme=${TOKEN}`,
  TOPIC_PARTITIONS: '1',
  BATCH_MAX_DELAY_MS: '40',
  MAX_STREAM_SPEED: '2',
  IDLE_TIMEOUT_MS: '1000',
  HOLD_MAX_MS: '30000',
});

const wallClock = steppableWallClock();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const frame = (channel: 'CHANNEL_AGENT' | 'CHANNEL_CUSTOMER', sequence: number) => ({
  frame: { channel, sequence, audioTimeMs: sequence * 20, payload: new Uint8Array(160).fill(0x7f) },
});
/** Both channels' frames `from` up to `to`, in real time (20 ms apart). */
async function both(stream: CallStream, from: number, to: number) {
  for (let seq = from; seq < to; seq += 1) {
    await stream.write(frame('CHANNEL_AGENT', seq));
    await stream.write(frame('CHANNEL_CUSTOMER', seq));
    await sleep(20);
  }
}
const chunksOf = (callId: string, until: (all: AudioChunk[]) => boolean) =>
  collectUntil(
    kafka,
    topics.audio,
    (m) => audioChunkCodec.decode(m.value, m.headers),
    (all) => until(all.filter((c) => c.callId === callId)),
  ).then((all) => all.filter((c) => c.callId === callId));
const heldMs = (chunks: AudioChunk[], channel: string) =>
  chunks
    .filter((c) => c.channel === channel && c.onHold)
    .reduce((ms, c) => ms + c.audioEndMs - c.audioStartMs, 0);

describe('a frameless hold through a step of the gateway host clock', () => {
  it('fills the hold as it really lasts and keeps the audio after it when the clock steps 20 s forward', async () => {
    const callId = uniqueName('hold-step').replace('.', '-');
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(stereoCallStart(callId));
    await both(stream, 0, 50); // 0-1 s
    await stream.write({ hold: { onHold: true } });
    const holdStart = realNow();
    await sleep(500);
    wallClock.stepMs = 20_000; // under HOLD_MAX_MS: this call is not ended, only its timeline is at stake
    await sleep(4_000);
    await stream.write({ hold: { onHold: false } });
    // The client's clock went on through the hold (real time): its next frame is at 1 s + the hold.
    const back = Math.round((1_000 + (realNow() - holdStart)) / 20);
    await both(stream, back, back + 50);
    await stream.write({ end: { reason: 'hangup' } });
    const result = await stream.finish();
    expect({ code: result.code, details: result.details }).toEqual({ code: grpc.status.OK, details: 'OK' });
    const chunks = await chunksOf(callId, (own) => own.filter((c) => c.final).length === 2);
    for (const channel of ['agent', 'customer']) {
      const own = chunks.filter((c) => c.channel === channel && c.payload.byteLength > 0);
      // The hold is the hold's real length, and the client's second of audio after it is there.
      expect(heldMs(own, channel)).toBeCloseTo(back * 20 - 1_000, 6);
      expect(own.at(-1)?.audioEndMs).toBeCloseTo((back + 50) * 20, 6);
    }
  });

  it('does not end a held call HOLD_TOO_LONG when the clock steps forward past HOLD_MAX_MS', async () => {
    const callId = uniqueName('hold-long-step').replace('.', '-');
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(stereoCallStart(callId));
    await both(stream, 0, 25);
    await stream.write({ hold: { onHold: true } });
    const holdStart = realNow();
    await sleep(300); // the gateway has read CallHold
    wallClock.stepMs = 60_000;
    await sleep(2_500);
    await stream.write({ hold: { onHold: false } });
    const back = Math.round((500 + (realNow() - holdStart)) / 20);
    await both(stream, back, back + 25);
    await stream.write({ end: { reason: 'hangup' } });
    const result = await Promise.race([stream.finish(), stream.result]);
    expect({ code: result.code, details: result.details }).toEqual({ code: grpc.status.OK, details: 'OK' });
  });
});
