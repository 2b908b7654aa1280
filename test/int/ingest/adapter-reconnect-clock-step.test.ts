// The L16 WebSocket adapter's reconnect grace through a step of the gateway host's wall clock:
// the time a dropped call was away (filled as silence before the new socket's audio) was measured
// on the wall clock. An NTP step back of a minute while the platform reconnected made it negative:
// the call's frame numbering went a minute back, and the new socket's audio was dropped as repeats
// of audio the call already had. Real broker, real sockets; Date.now of the process is stepped, as
// NTP steps it for every reader on the host.
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import { audioChunkCodec, callEventCodec } from '../../../services/shared/records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { collectUntil, deleteTopics, startTestGateway } from './helpers.ts';
import { openL16Socket, sendFrames } from './l16ws-client.ts';
import {
  byChannel,
  callSid,
  finals,
  jambonzAuth,
  jambonzMetadata,
  JAMBONZ_SOURCE,
  L16_GATEWAY_ENV,
} from './l16ws-fixture.ts';
import { steppableWallClock } from '../../support/wall-clock-step.ts';

const FRAME_BYTES = 640; // 20 ms of stereo 8 kHz L16
const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
let gateway: Gateway;
let kafka: Kafka;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const wallClock = steppableWallClock();

beforeAll(async () => {
  gateway = await startTestGateway(
    { audio: audioTopic, calls: callsTopic },
    { ...L16_GATEWAY_ENV, L16WS_SOURCES: JSON.stringify(JAMBONZ_SOURCE), RECONNECT_GRACE_MS: '5000' },
  );
  kafka = testKafka();
});
afterAll(async () => {
  await gateway?.stop();
  await deleteTopics(kafka, [audioTopic, callsTopic]);
});

describe('L16 WebSocket: a dropped call resumed across a step of the gateway clock', () => {
  it('keeps every frame of the new socket when the clock stepped a minute back meanwhile', async () => {
    const callId = callSid();
    const pcm = (frames: number, byte: number) => Buffer.alloc(frames * FRAME_BYTES, byte);
    const before = pcm(100, 0x11);
    const after = pcm(150, 0x22);
    const first = await openL16Socket(gateway.l16ws?.port as number, { authorization: jambonzAuth });
    first.ws.send(jambonzMetadata(callId));
    await sendFrames(first.ws, before, FRAME_BYTES);
    await sleep(200);
    first.ws.terminate(); // no close frame: the network dropped
    await sleep(200);
    wallClock.stepMs = -60_000;
    await sleep(200);
    const second = await openL16Socket(gateway.l16ws?.port as number, { authorization: jambonzAuth });
    second.ws.send(jambonzMetadata(callId));
    await sendFrames(second.ws, after, FRAME_BYTES);
    second.ws.close(1000);
    expect(await second.closed).toEqual({ code: 1000, reason: expect.any(String) });

    const chunks = await collectUntil(
      kafka,
      audioTopic,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => finals(all, callId) === 2,
      30_000,
    );
    const events = await collectUntil(
      kafka,
      callsTopic,
      (m) => callEventCodec.decode(m.value, m.headers),
      (all) => all.some((e) => e.callId === callId && e.type === 'ended'),
    );
    const ended = events.find((e) => e.callId === callId && e.type === 'ended');
    expect(ended).toMatchObject({ endReason: 'hangup', framesAccepted: 2 * 250 });
    // The new socket's audio is all there, after the time away as silence.
    const customer = byChannel(chunks, callId).customer;
    const half = FRAME_BYTES / 2;
    expect(customer.subarray(0, 100 * half).every((b) => b === 0x11)).toBe(true);
    expect(customer.subarray(customer.byteLength - 150 * half).every((b) => b === 0x22)).toBe(true);
    // Away for about 0.4 s: that, not a minute either way, is the silence between.
    const gapMs = ((customer.byteLength - 250 * half) / half) * 20;
    expect(gapMs).toBeGreaterThanOrEqual(0);
    expect(gapMs).toBeLessThan(3_000);
  });
});
