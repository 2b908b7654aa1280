// Review revgw30: since the gRPC server's stop leaves the adapters' calls live (d67a020), those
// calls still need the idle sweep (IDLE_TIMEOUT_MS) and the broker-outage cut that the gRPC
// server's timer runs for the whole shared registry; stop() cleared that timer with the server.
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { deleteTopics, startTestGateway } from './helpers.ts';
import { openL16Socket, sendFrames } from './l16ws-client.ts';
import {
  callSid,
  jambonzAuth,
  jambonzMetadata,
  JAMBONZ_SOURCE,
  L16_FRAME_BYTES,
  L16_GATEWAY_ENV,
} from './l16ws-fixture.ts';

const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
let gateway: Gateway;
let kafka: Kafka;

beforeAll(async () => {
  kafka = testKafka();
  gateway = await startTestGateway(
    { audio: audioTopic, calls: callsTopic },
    {
      ...L16_GATEWAY_ENV,
      IDLE_TIMEOUT_MS: '1000',
      L16WS_SOURCES: JSON.stringify(JAMBONZ_SOURCE),
    },
  );
});
afterAll(async () => {
  await gateway?.stop();
  await deleteTopics(kafka, [audioTopic, callsTopic]);
});

describe('after a gRPC-only stop', () => {
  it('an adapter call that goes silent still ends at IDLE_TIMEOUT_MS', async () => {
    const socket = await openL16Socket(gateway.l16ws?.port ?? 0, { authorization: jambonzAuth });
    socket.ws.send(jambonzMetadata(callSid()));
    await sendFrames(socket.ws, Buffer.alloc(L16_FRAME_BYTES * 5, 1), L16_FRAME_BYTES);
    await gateway.grpc.stop();
    const closed = await Promise.race([
      socket.closed,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000)),
    ]);
    expect(closed).not.toBeNull();
  });
});
