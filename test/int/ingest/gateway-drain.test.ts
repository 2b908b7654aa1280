// The drain at a stop, through real signals to a real gateway process (services/ingest-gateway/
// main.ts, gateway-process.ts) with the Twilio and L16 WebSocket adapters on and the real broker: calls live at
// SIGTERM go on streaming into Kafka until they end by themselves while /readyz fails and new
// upgrades get 503; at DRAIN_MAX_MS the calls left close as before the drain (4503, their audio
// flushed); a gRPC call is handed over at once meanwhile (its client resumes it elsewhere); a
// second signal stops the process at once.
import * as grpc from '@grpc/grpc-js';
import { createServer, connect, type Server } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { createIngestClient, openCallStream } from '../../../services/simulator/ingest-client.ts';
import { stereoCallStart, writeStereoFrames } from './helpers.ts';
import { openL16Socket, sendFrames, type Opened } from './l16ws-client.ts';
import {
  callSid,
  endedEvent,
  hangUpAfter,
  jambonzAuth,
  L16_FRAME_BYTES,
  liveL16Call,
} from './l16ws-fixture.ts';
import {
  exitCode,
  metric,
  readyz,
  fileTopics,
  startGatewayProcess,
  TENANT_TOKEN,
  twilioCall,
  TWILIO_AUTH_TOKEN,
  TWILIO_PUBLIC_URL,
  type GatewayProcess,
} from './gateway-process.ts';
import { connectTwilio, type TwilioCall, type TwilioConnection } from './twilio-client.ts';

const { topics, kafka: testKafkaOf } = fileTopics();
const callsTopic = topics.calls;

/** `connected`, `start`, then the media of the first `slots` slots (two tracks each). */
const firstSlots = (messages: object[], slots: number): object[] => messages.slice(0, 2 + slots * 2);

/** A live Twilio call and a live L16 call, 50 slots each taken in: 200 channel frames in all. */
async function twoLiveCalls(gateway: GatewayProcess): Promise<{
  twilio: { call: TwilioCall; messages: object[]; connection: TwilioConnection };
  l16: { id: string; socket: Opened };
}> {
  const twilio = twilioCall(100);
  const connection = await connectTwilio(gateway.twilioUrl, TWILIO_PUBLIC_URL, TWILIO_AUTH_TOKEN);
  await connection.send(firstSlots(twilio.messages, 50));
  const id = callSid();
  const socket = await liveL16Call(gateway.l16Port, id, 50);
  await expect.poll(() => metric(gateway, 'va_ingest_frames_total'), { timeout: 10_000 }).toBe(200);
  return { twilio: { ...twilio, connection }, l16: { id, socket } };
}

describe('ingest gateway drain (SIGTERM)', () => {
  it('keeps Twilio and L16 calls live at SIGTERM streaming into Kafka until they end, refusing new upgrades with 503', async () => {
    const gateway = await startGatewayProcess(topics, 60_000);
    const { twilio, l16 } = await twoLiveCalls(gateway);
    gateway.service.child.kill('SIGTERM');

    // Out of the load balancer at once, the two calls counted as draining.
    await expect.poll(() => readyz(gateway)).toMatchObject({ status: 503 });
    expect((await readyz(gateway)).body).toContain('draining');
    expect(await metric(gateway, 'va_ingest_draining_calls')).toBe(2);
    // New calls go to another gateway: "try another instance" before the upgrade.
    await expect(connectTwilio(gateway.twilioUrl, TWILIO_PUBLIC_URL, TWILIO_AUTH_TOKEN)).rejects.toThrow(
      'HTTP 503',
    );
    expect((await openL16Socket(gateway.l16Port, { authorization: jambonzAuth })).status).toBe(503);

    // The live calls go on: the rest of their audio, then their own end.
    await twilio.connection.send(twilio.messages.slice(2 + 50 * 2));
    await sendFrames(l16.socket.ws, Buffer.alloc(L16_FRAME_BYTES * 50, 2), L16_FRAME_BYTES);
    l16.socket.ws.close(1000);
    expect((await twilio.connection.closed).code).toBe(1000);
    expect((await l16.socket.closed).code).toBe(1000);
    expect(await endedEvent(testKafkaOf(), callsTopic, twilio.call.callSid)).toMatchObject({
      endReason: 'twilio-stop',
      framesAccepted: 200,
    });
    expect(await endedEvent(testKafkaOf(), callsTopic, l16.id)).toMatchObject({
      endReason: 'hangup',
      framesAccepted: 200,
    });
    // The last call gone, the stop goes on without waiting for DRAIN_MAX_MS: a clean exit.
    expect(await exitCode(gateway.service, 15_000)).toBe(0);
  });

  it('closes the calls still live at DRAIN_MAX_MS as a stop without drain does (4503, audio flushed)', async () => {
    const drainMaxMs = 2_000;
    const gateway = await startGatewayProcess(topics, drainMaxMs);
    const { call, messages } = twilioCall(100);
    const connection = await connectTwilio(gateway.twilioUrl, TWILIO_PUBLIC_URL, TWILIO_AUTH_TOKEN);
    await connection.send(firstSlots(messages, 50));
    await expect.poll(() => metric(gateway, 'va_ingest_frames_total'), { timeout: 10_000 }).toBe(100);
    const signalledAt = Date.now();
    gateway.service.child.kill('SIGTERM');
    await expect.poll(() => readyz(gateway)).toMatchObject({ status: 503 });
    // Audio sent during the drain is taken in too.
    await connection.send(messages.slice(2 + 50 * 2, 2 + 80 * 2));
    const closed = await connection.closed;
    const closedAfterMs = Date.now() - signalledAt;
    expect(closed.code).toBe(4503);
    expect(closed.reason).toMatch(/^SHUTTING_DOWN: /);
    expect(closedAfterMs).toBeGreaterThanOrEqual(drainMaxMs - 200);
    expect(await endedEvent(testKafkaOf(), callsTopic, call.callSid)).toMatchObject({
      endReason: 'shutting_down',
      framesAccepted: 160,
    });
    expect(await exitCode(gateway.service, 15_000)).toBe(0);
  });

  it('hands a gRPC call over at once (UNAVAILABLE SHUTTING_DOWN) while an L16 call drains', async () => {
    const gateway = await startGatewayProcess(topics, 60_000);
    const client = createIngestClient(gateway.grpcTarget);
    onTestFinished(() => client.close());
    const stream = openCallStream(client, TENANT_TOKEN);
    await stream.write(stereoCallStart(callSid()));
    await writeStereoFrames(stream, 50);
    const id = callSid();
    const socket = await liveL16Call(gateway.l16Port, id, 50);
    await expect.poll(() => metric(gateway, 'va_ingest_frames_total'), { timeout: 10_000 }).toBe(200);

    gateway.service.child.kill('SIGTERM');
    // The gRPC call moves on now, to resume on another gateway; the drain does not hold it.
    const result = await stream.result;
    expect(result.code).toBe(grpc.status.UNAVAILABLE);
    expect(result.details).toMatch(/^SHUTTING_DOWN: /);
    // Its connection is closed (GOAWAY) and no new one is taken: the client's next stream goes
    // elsewhere (here, with no other gateway, nowhere) instead of back to this one.
    const refused = await openCallStream(client, TENANT_TOKEN).result;
    expect(refused.code).toBe(grpc.status.UNAVAILABLE);
    expect(refused.details).not.toMatch(/^SHUTTING_DOWN/);
    // The L16 call, in the same live-call registry, is not ended with it.
    expect(await metric(gateway, 'va_ingest_draining_calls')).toBe(1);
    const { closeCode, ended } = await hangUpAfter(socket, 10, testKafkaOf(), callsTopic, id);
    expect(closeCode).toBe(1000);
    expect(ended).toMatchObject({ endReason: 'hangup', framesAccepted: 120 });
    expect(await exitCode(gateway.service, 15_000)).toBe(0);
  });

  it('lets a handed-over gRPC call resume on another gateway while this one drains (no stale connection kept)', async () => {
    // Two gateways behind one address, as a Kubernetes Service: new connections go to the ready
    // ones, so the draining gateway's endpoint is gone once it is signalled.
    const [draining, other] = [
      await startGatewayProcess(topics, 60_000),
      await startGatewayProcess(topics, 0),
    ];
    let target = Number(draining.grpcTarget.split(':')[1]);
    const proxy: Server = createServer((inbound) => {
      const outbound = connect(target, '127.0.0.1');
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => void proxy.close());
    const address = proxy.address();
    const client = createIngestClient(
      `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    );
    onTestFinished(() => client.close());
    const id = callSid();
    const stream = openCallStream(client, TENANT_TOKEN);
    await stream.write(stereoCallStart(id));
    await writeStereoFrames(stream, 50);
    // An L16 call keeps the first gateway draining.
    const socket = await liveL16Call(draining.l16Port, callSid(), 10);
    await expect.poll(() => metric(draining, 'va_ingest_frames_total'), { timeout: 10_000 }).toBe(120);

    draining.service.child.kill('SIGTERM');
    target = Number(other.grpcTarget.split(':')[1]);
    const handedOver = await stream.result;
    expect([handedOver.code, handedOver.details.split(':')[0]]).toEqual([
      grpc.status.UNAVAILABLE,
      'SHUTTING_DOWN',
    ]);

    // The client resumes the call as told, after the retry delay: it must reach the other gateway.
    const outcomes: string[] = [];
    const deadline = Date.now() + 8_000;
    let resumed = false;
    while (!resumed && Date.now() < deadline) {
      const retry = openCallStream(client, TENANT_TOKEN);
      await retry.write(stereoCallStart(id)).catch(() => undefined);
      const ack = await Promise.race([
        waitFor('an ack', () => retry.acks.length > 0, 2_000).then(
          () => 'ack',
          () => 'none',
        ),
        retry.result.then((r) => `${r.code} ${r.details.split(':')[0]}`),
      ]);
      outcomes.push(ack);
      if (ack === 'ack') {
        resumed = true;
        retry.cancel();
      } else await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(outcomes, 'the resume kept landing on the draining gateway').toContain('ack');
    socket.ws.close(1000);
    expect(await exitCode(draining.service, 15_000)).toBe(0);
  });

  it('stops at once on a second signal during the drain', async () => {
    const gateway = await startGatewayProcess(topics, 60_000);
    const { l16 } = await twoLiveCalls(gateway);
    gateway.service.child.kill('SIGTERM');
    await expect.poll(() => readyz(gateway)).toMatchObject({ status: 503 });
    // Draining: the process and the call are still there a moment later.
    expect(await exitCode(gateway.service, 500)).toBeNull();
    expect(l16.socket.ws.readyState).toBe(l16.socket.ws.OPEN);
    const signalledAt = Date.now();
    gateway.service.child.kill('SIGINT');
    expect(await exitCode(gateway.service, 5_000)).toBe(1);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    await waitFor('the L16 socket to drop', () => l16.socket.ws.readyState === l16.socket.ws.CLOSED, 5_000);
    expect(gateway.service.output()).toContain('second signal: exiting now');
    // The stop said it drains (a stop that only hangs reads as a hang), and the forced exit what it cuts.
    expect(gateway.service.output()).toMatch(/"msg":"draining: [^"]*".*"calls":2,"drainMaxMs":60000/);
    expect(gateway.service.output()).toMatch(
      /"msg":"exiting at once: [^"]*".*"liveCalls":2,"pendingBytes":\d+/,
    );
  });
});
