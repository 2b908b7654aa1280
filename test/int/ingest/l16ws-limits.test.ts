// The L16-over-WebSocket adapter under the gateway's limits, each with a gateway of its own and
// the real broker: a live-paced client accepted and a fast replay refused (4429), sockets paused
// while Kafka is behind with nothing lost, a quiet socket ended (4408), and a shutdown that
// flushes a live call before closing its socket (1001).
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import { audioChunkCodec } from '../../../services/shared/records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { collectUntil, deleteTopics, framesFromNow, startTestGateway } from './helpers.ts';
import { openL16Socket, sendFrames } from './l16ws-client.ts';
import {
  byChannel,
  callSid,
  endedEvent,
  finals,
  jambonzAuth,
  jambonzMetadata,
  JAMBONZ_SOURCE,
  L16_GATEWAY_ENV,
} from './l16ws-fixture.ts';

const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
let kafka: Kafka;

beforeAll(() => {
  kafka = testKafka();
});

afterAll(() => deleteTopics(kafka, [audioTopic, callsTopic]));

/** A gateway of the test's own (stopped when it ends) with the jambonz source. */
async function gatewayWith(env: Record<string, string>): Promise<{ gateway: Gateway; port: number }> {
  const gateway = await startTestGateway(
    { audio: audioTopic, calls: callsTopic },
    { ...L16_GATEWAY_ENV, L16WS_SOURCES: JSON.stringify(JAMBONZ_SOURCE), ...env },
  );
  onTestFinished(() => gateway.stop());
  return { gateway, port: gateway.l16ws?.port as number };
}

describe('l16ws adapter: gateway shutdown', () => {
  it('ends a live call with 1001 SHUTTING_DOWN after flushing every frame it received', async () => {
    const { gateway, port } = await gatewayWith({});
    const id = callSid();
    const frames = await framesFromNow(gateway);
    const socket = await openL16Socket(port, { authorization: jambonzAuth });
    socket.ws.send(jambonzMetadata(id));
    await sendFrames(socket.ws, Buffer.alloc(640 * 50, 1), 640);
    // Stopped once the gateway has read every frame (a fixed 200 ms let a loaded run stop it
    // after 20 of 100): what is under test is that a stop flushes what was received.
    await frames.reached(100);
    await gateway.stop();
    expect(await socket.closed).toEqual({
      code: 1001,
      reason: 'SHUTTING_DOWN: the gateway is shutting down',
    });
    expect(await endedEvent(kafka, callsTopic, id)).toMatchObject({
      endReason: 'shutting_down',
      framesAccepted: 100,
      audioDurationMs: 1000,
    });
  });
});

describe('l16ws adapter: live pace', () => {
  it('accepts 20 ms frames in real time under the default pace limit, refuses a replay far faster (4429)', async () => {
    // The default pace limit (2× real time) with a short burst allowance.
    const { port } = await gatewayWith({ MAX_STREAM_SPEED: '2', STREAM_BURST_MS: '1000' });
    const live = callSid();
    const socket = await openL16Socket(port, { authorization: jambonzAuth });
    socket.ws.send(jambonzMetadata(live));
    const twoSeconds = Buffer.alloc(640 * 100, 3);
    expect(await sendFrames(socket.ws, twoSeconds, 640, 20)).toBe(100);
    socket.ws.close(1000);
    expect((await socket.closed).code).toBe(1000);
    expect(await endedEvent(kafka, callsTopic, live)).toMatchObject({
      endReason: 'hangup',
      audioDurationMs: 2000,
    });

    const fast = await openL16Socket(port, { authorization: jambonzAuth });
    fast.ws.send(jambonzMetadata(callSid()));
    await sendFrames(fast.ws, Buffer.alloc(640 * 500, 3), 640).catch(() => 0);
    const closed = await fast.closed;
    expect([closed.code, closed.reason]).toEqual([4429, expect.stringMatching(/^FASTER_THAN_REAL_TIME/)]);
  });
});

describe('l16ws adapter: backpressure and idle sockets', () => {
  it('pauses sockets while Kafka is behind and loses nothing; ends a quiet socket with 4408', async () => {
    const { gateway, port } = await gatewayWith({ BACKPRESSURE_HIGH_BYTES: '4096', IDLE_TIMEOUT_MS: '800' });
    const ids = [callSid(), callSid(), callSid(), callSid()];
    const pcm = Buffer.alloc(640 * 300); // 6 s of stereo 8 kHz
    for (let i = 0; i < pcm.byteLength / 2; i += 1) pcm.writeInt16LE((i * 7) % 3000, 2 * i);
    await Promise.all(
      ids.map(async (id) => {
        const socket = await openL16Socket(port, { authorization: jambonzAuth });
        socket.ws.send(jambonzMetadata(id));
        await sendFrames(socket.ws, pcm, 640);
        socket.ws.close(1000);
        expect((await socket.closed).code).toBe(1000);
      }),
    );
    const pauses = await gateway.base.metrics.registry.getSingleMetricAsString(
      'va_ingest_backpressure_pauses_total',
    );
    expect(Number(/ (\d+)$/m.exec(pauses)?.[1])).toBeGreaterThan(0);
    const chunks = await collectUntil(
      kafka,
      audioTopic,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => ids.every((id) => finals(all, id) === 2),
    );
    for (const id of ids) {
      const got = byChannel(chunks, id);
      expect(got.agent.byteLength + got.customer.byteLength).toBe(pcm.byteLength);
    }

    const quiet = await openL16Socket(port, { authorization: jambonzAuth });
    quiet.ws.send(jambonzMetadata(callSid()));
    quiet.ws.send(Buffer.alloc(640), { binary: true });
    const closed = await quiet.closed;
    expect([closed.code, closed.reason]).toEqual([4408, expect.stringMatching(/^IDLE_TIMEOUT/)]);
  });
});

describe('l16ws adapter: sockets before their first frame', () => {
  it('refuses an address that holds too many silent sockets (429), and frees a place when a call starts or a socket closes', async () => {
    const { port } = await gatewayWith({
      L16WS_MAX_WAITING_PER_ADDRESS: '3',
      CALL_START_TIMEOUT_MS: '60000',
    });
    const silent = [];
    for (let i = 0; i < 3; i++) silent.push(await openL16Socket(port, { authorization: jambonzAuth }));
    expect(silent.map((s) => s.status)).toEqual([101, 101, 101]);
    const fourth = await openL16Socket(port, { authorization: jambonzAuth });
    expect([fourth.status, fourth.body]).toEqual([
      429,
      'TOO_MANY_UNAUTHENTICATED: too many connections from this address waiting to authenticate\n',
    ]);
    // A started call no longer waits: its place goes to the next socket.
    silent[0].ws.send(jambonzMetadata(callSid()));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterStart = await openL16Socket(port, { authorization: jambonzAuth });
    expect(afterStart.status).toBe(101);
    silent[1].ws.close(1000);
    await silent[1].closed;
    const afterClose = await openL16Socket(port, { authorization: jambonzAuth });
    expect(afterClose.status).toBe(101);
    expect((await openL16Socket(port, { authorization: jambonzAuth })).status).toBe(429);
    for (const s of [...silent, afterStart, afterClose]) s.ws.close(1000);
  });
});
