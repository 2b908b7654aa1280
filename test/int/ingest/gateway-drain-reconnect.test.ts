// A draining gateway takes the reconnect of a call it drains, through real signals to a real
// gateway process (gateway-process.ts) and the real broker: a Twilio stream, an L16 socket and an
// AudioHook session that drop after SIGTERM and come back to the same gateway (sticky load
// balancing, a single pod) continue their call to its own end, every frame kept, instead of the
// 503 that cut the rest of the call; a new call on a socket let in meanwhile is still refused
// SHUTTING_DOWN, and an upgrade with no call to resume still gets 503.
import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFailed } from 'vitest';
import { connectAudioHook, playCall, type PlayedCall } from './audiohook-client.ts';
import {
  AUDIOHOOK_ORG,
  exitCode,
  fileTopics,
  metric,
  readyz,
  startGatewayProcess,
  twilioCall,
  TWILIO_AUTH_TOKEN,
  TWILIO_PUBLIC_URL,
  type GatewayProcess,
} from './gateway-process.ts';
import { openL16Socket } from './l16ws-client.ts';
import {
  callSid,
  endedEvent,
  hangUpAfter,
  jambonzAuth,
  jambonzMetadata,
  liveL16Call,
} from './l16ws-fixture.ts';
import { connectTwilio, FRAME_BYTES, twilioMessages, twilioSid } from './twilio-client.ts';

const { topics, kafka: testKafkaOf } = fileTopics();
const callsTopic = topics.calls;

/** A gateway whose drain outlasts the test, signalled once `live` calls run; ready no more. */
async function drainingGateway(live: (gateway: GatewayProcess) => Promise<void>): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess(topics, 60_000);
  // What the process said is the first thing to read when such a test fails.
  onTestFailed(() => console.log(gateway.service.output()));
  await live(gateway);
  gateway.service.child.kill('SIGTERM');
  await expect.poll(() => readyz(gateway)).toMatchObject({ status: 503 });
  return gateway;
}

/** Waits until the gateway counts the drop as a call waiting for its reconnect. */
const parked = (gateway: GatewayProcess, openSessions: string): Promise<void> =>
  expect.poll(() => metric(gateway, openSessions), { timeout: 10_000 }).toBe(0);

describe('a draining gateway takes the reconnect of its own calls', () => {
  it('L16: a socket dropped during the drain resumes its call; a new call id is refused', async () => {
    const id = callSid();
    let first: Awaited<ReturnType<typeof openL16Socket>> | undefined;
    const gateway = await drainingGateway(async (g) => {
      first = await liveL16Call(g.l16Port, id, 50);
      await expect.poll(() => metric(g, 'va_ingest_frames_total'), { timeout: 10_000 }).toBe(100);
    });
    // Nothing waits for a reconnect yet: a new socket is refused before its upgrade, as before.
    expect((await openL16Socket(gateway.l16Port, { authorization: jambonzAuth })).status).toBe(503);
    first?.ws.terminate(); // no close frame: the network dropped
    await parked(gateway, 'va_l16ws_live_sessions');
    expect(await metric(gateway, 'va_ingest_draining_calls')).toBe(1);

    // The source's socket is let in now, but a call this gateway does not drain is still refused.
    const stranger = await openL16Socket(gateway.l16Port, { authorization: jambonzAuth });
    expect(stranger.status).toBe(101);
    stranger.ws.send(jambonzMetadata(callSid()));
    expect(await stranger.closed).toMatchObject({
      code: 1001,
      reason: expect.stringMatching(/^SHUTTING_DOWN/),
    });

    const again = await openL16Socket(gateway.l16Port, { authorization: jambonzAuth });
    expect(again.status).toBe(101);
    again.ws.send(jambonzMetadata(id));
    const resumed = { adapter: 'l16ws', outcome: 'resumed' };
    await expect.poll(() => metric(gateway, 'va_ingest_stream_drops_total', resumed)).toBe(1);
    const { closeCode, ended } = await hangUpAfter(again, 50, testKafkaOf(), callsTopic, id);
    expect(closeCode).toBe(1000);
    expect(ended).toMatchObject({ endReason: 'hangup', framesAccepted: 200 });
    expect(await exitCode(gateway.service, 15_000)).toBe(0);
  });

  it('Twilio: a new stream for the CallSid of a call dropped during the drain continues it', async () => {
    const slots = 100;
    const { call } = twilioCall(slots);
    const half = FRAME_BYTES * (slots / 2);
    const part = (from: number, to: number): object[] =>
      twilioMessages({
        ...call,
        streamSid: twilioSid('MZ'),
        customer: call.customer.subarray(from, to),
        agent: call.agent.subarray(from, to),
      });
    const connect = (g: GatewayProcess) => connectTwilio(g.twilioUrl, TWILIO_PUBLIC_URL, TWILIO_AUTH_TOKEN);
    let first: Awaited<ReturnType<typeof connect>> | undefined;
    const gateway = await drainingGateway(async (g) => {
      first = await connect(g);
      await first.send(part(0, half).slice(0, -1)); // no `stop`: the socket dies
      await expect.poll(() => metric(g, 'va_ingest_frames_total'), { timeout: 10_000 }).toBe(slots);
    });
    first?.ws.terminate();
    await parked(gateway, 'va_twilio_open_sessions');

    // A stream of another call on a socket let in meanwhile: closed SHUTTING_DOWN at its `start`.
    const stranger = await connect(gateway);
    await stranger.send(twilioMessages({ ...call, callSid: twilioSid('CA') }).slice(0, 2)); // connected, start
    expect(await stranger.closed).toMatchObject({
      code: 4503,
      reason: expect.stringMatching(/^SHUTTING_DOWN/),
    });

    const second = await connect(gateway);
    await second.send(part(half, call.customer.length));
    expect((await second.closed).code).toBe(1000);
    expect(await endedEvent(testKafkaOf(), callsTopic, call.callSid)).toMatchObject({
      endReason: 'twilio-stop',
      framesAccepted: 2 * slots,
    });
    expect(await exitCode(gateway.service, 15_000)).toBe(0);
  });

  it('AudioHook: a session dropped during the drain reconnects and continues its conversation', async () => {
    const frames = 20; // 200 ms each
    const call: PlayedCall = {
      conversationId: randomUUID(),
      customer: new Uint8Array(1600 * frames).fill(0x44),
      agent: new Uint8Array(1600 * frames).fill(0x45),
    };
    let first: Awaited<ReturnType<typeof connectAudioHook>> | undefined;
    const gateway = await drainingGateway(async (g) => {
      first = await connectAudioHook(g.audiohookUrl, AUDIOHOOK_ORG);
      await playCall(first, AUDIOHOOK_ORG.orgId, call, { toFrame: frames / 2, noClose: true });
      await expect.poll(() => metric(g, 'va_ingest_frames_total'), { timeout: 10_000 }).toBe(frames);
    });
    first?.ws.terminate();
    await parked(gateway, 'va_audiohook_open_sessions');

    // A session opening another conversation is let in (the organisation has one to resume) but
    // its `open` is answered with the protocol's `disconnect`, SHUTTING_DOWN.
    const stranger = await connectAudioHook(gateway.audiohookUrl, AUDIOHOOK_ORG);
    void playCall(stranger, AUDIOHOOK_ORG.orgId, { ...call, conversationId: randomUUID() }).catch(
      () => undefined,
    );
    expect((await stranger.next('disconnect')).parameters).toMatchObject({
      reason: 'error',
      info: expect.stringMatching(/^SHUTTING_DOWN/),
    });
    stranger.ws.close(); // as Genesys closes after a `disconnect`

    // Genesys' reconnect: a new session for the conversation, continuing its position.
    const second = await connectAudioHook(gateway.audiohookUrl, AUDIOHOOK_ORG);
    second.positionSamples = (frames / 2) * 1600;
    await playCall(second, AUDIOHOOK_ORG.orgId, call, {
      fromFrame: frames / 2,
      continuedSessions: [{ id: first?.sessionId ?? '', serverseq: 1, clientseq: 3 }],
    });
    expect(await endedEvent(testKafkaOf(), callsTopic, call.conversationId)).toMatchObject({
      endReason: 'audiohook-end',
      framesAccepted: 2 * frames,
    });
    expect(await exitCode(gateway.service, 15_000)).toBe(0);
  });
});
