// Shared by the cross-gateway consent tests: gRPC streams to a gateway process, the consents they
// send, and the audio a call left in the audio topic (read once a sentinel call of the same
// gateway is there too: one partition, so everything sent before it is). I/O: gRPC, Kafka.
import * as grpc from '@grpc/grpc-js';
import type { Kafka } from 'kafkajs';
import { expect, onTestFinished } from 'vitest';
import { audioChunkCodec, type AudioChunk } from '../../../services/shared/records.ts';
import {
  createIngestClient,
  openCallStream,
  type CallStream,
} from '../../../services/simulator/ingest-client.ts';
import { TENANT_TOKEN, type GatewayProcess } from './gateway-process.ts';
import { collectUntil, stereoCallStart, writeStereoFrames } from './helpers.ts';
import { callSid } from './l16ws-fixture.ts';

export const ALL = { analytics: true, storeFeatures: true };
export const NONE = { analytics: false, storeFeatures: false };

/** A gRPC call stream to `gateway` (its client closed when the test ends). */
export const streamTo = (gateway: GatewayProcess, token = TENANT_TOKEN): CallStream => {
  const client = createIngestClient(gateway.grpcTarget);
  onTestFinished(() => client.close());
  return openCallStream(client, token);
};

/** The call's chunks in `audioTopic`, once a later call of `gateway` (one partition) is there too. */
export async function chunksOf(
  kafka: Kafka,
  audioTopic: string,
  gateway: GatewayProcess,
  callId: string,
): Promise<AudioChunk[]> {
  const sentinel = callSid();
  const stream = streamTo(gateway);
  await stream.write(stereoCallStart(sentinel, { consent: ALL }));
  await writeStereoFrames(stream, 2);
  await stream.write({ end: { reason: 'hangup' } });
  expect((await stream.finish()).code).toBe(grpc.status.OK);
  const all = await collectUntil(
    kafka,
    audioTopic,
    (m) => audioChunkCodec.decode(m.value, m.headers),
    (chunks) => chunks.filter((c) => c.callId === sentinel && c.final).length === 2,
  );
  return all.filter((c) => c.callId === callId);
}
