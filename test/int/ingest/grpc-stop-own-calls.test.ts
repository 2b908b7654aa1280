// The gRPC server's stop inside one gateway process ends only its own streams: the live-call
// registry is shared by every intake, and stop() had terminated every call in it, the L16
// adapter's too. Real gRPC stream, real L16 socket, real broker.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { createIngestClient, openCallStream } from '../../../services/simulator/ingest-client.ts';
import { uniqueName } from '../../support/kafka.ts';
import { framesFromNow, gatewayForFile, stereoCallStart, writeStereoFrames } from './helpers.ts';
import {
  callSid,
  hangUpAfter,
  JAMBONZ_SOURCE,
  L16_GATEWAY_ENV,
  liveL16Call,
  TOKEN,
} from './l16ws-fixture.ts';

const callsTopic = uniqueName('test.calls');
const suite = gatewayForFile(
  { audio: uniqueName('test.audio'), calls: callsTopic },
  { ...L16_GATEWAY_ENV, BATCH_MAX_DELAY_MS: '40', L16WS_SOURCES: JSON.stringify(JAMBONZ_SOURCE) },
);

describe('gRPC server stop', () => {
  it('hands over its own streams and leaves an L16 call of the same process live', async () => {
    const frames = await framesFromNow(suite.gateway);
    const client = createIngestClient(`127.0.0.1:${suite.gateway.grpc.port}`);
    const stream = openCallStream(client, TOKEN);
    await stream.write(stereoCallStart(callSid()));
    await writeStereoFrames(stream, 10);
    const id = callSid();
    const socket = await liveL16Call(suite.gateway.l16ws?.port ?? 0, id, 30);
    await frames.reached(80);

    await suite.gateway.grpc.stop();
    const result = await stream.result;
    client.close();
    expect([result.code, result.details.split(':')[0]]).toEqual([grpc.status.UNAVAILABLE, 'SHUTTING_DOWN']);

    // The L16 call goes on to its own hang-up, every frame kept.
    const { closeCode, ended } = await hangUpAfter(socket, 20, suite.kafka, callsTopic, id);
    expect(closeCode).toBe(1000);
    expect(ended).toMatchObject({ endReason: 'hangup', framesAccepted: 100 });
  });
});
