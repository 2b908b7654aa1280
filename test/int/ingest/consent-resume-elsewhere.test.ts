// Consent across gateways: a gRPC call whose analytics consent was withdrawn (ConsentChange) on one
// gateway process, handed over by that gateway's stop (a rolling deploy: SIGTERM, UNAVAILABLE
// SHUTTING_DOWN) and resumed on a second gateway process, through the real broker. What the
// consent state of the call is on the second gateway decides whether the audio after the
// withdrawal leaves it (va.audio.v1) for analysis.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { audioChunkCodec, type AudioChunk } from '../../../services/shared/records.ts';
import {
  createIngestClient,
  openCallStream,
  type CallStream,
} from '../../../services/simulator/ingest-client.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import {
  exitCode,
  fileTopics,
  startGatewayProcess,
  TENANT_TOKEN,
  type GatewayProcess,
} from './gateway-process.ts';
import { collectUntil, stereoCallStart, writeStereoFrames } from './helpers.ts';
import { callSid } from './l16ws-fixture.ts';

const { topics, kafka } = fileTopics();
const ALL = { analytics: true, storeFeatures: true };
const NONE = { analytics: false, storeFeatures: false };
/** Frames per channel before the withdrawal (20 ms each: it comes at 500 ms of audio). */
const BEFORE = 25;

const streamTo = (gateway: GatewayProcess): CallStream => {
  const client = createIngestClient(gateway.grpcTarget);
  onTestFinished(() => client.close());
  return openCallStream(client, TENANT_TOKEN);
};

/**
 * A call withdrawn on gateway A, moved by A's stop; returns the second gateway, B. A's final
 * chunks (at the withdrawal) are in Kafka by then: A flushes before it exits.
 */
async function withdrawnThenMoved(callId: string): Promise<GatewayProcess> {
  const [a, b] = [await startGatewayProcess(topics, 60_000), await startGatewayProcess(topics, 0)];
  const first = streamTo(a);
  await first.write(stereoCallStart(callId, { consent: ALL }));
  await writeStereoFrames(first, BEFORE);
  await first.write({ consentChange: { consent: NONE } });
  await waitFor('the withdrawal acknowledged', () =>
    first.acks.some((ack) => ack.state === 'CALL_STATE_NOT_ANALYSED'),
  );
  a.service.child.kill('SIGTERM'); // a rolling deploy: the gRPC call is handed over
  const moved = await first.result;
  expect([moved.code, moved.details.split(':')[0]]).toEqual([grpc.status.UNAVAILABLE, 'SHUTTING_DOWN']);
  expect(await exitCode(a.service, 15_000)).toBe(0);
  return b;
}

/** Resumes the call on `gateway` with `consent`, the rest of its audio, its end; the final status. */
async function resumeWith(gateway: GatewayProcess, callId: string, consent: typeof ALL) {
  const resumed = streamTo(gateway);
  await resumed.write(stereoCallStart(callId, { consent }));
  await writeStereoFrames(resumed, 2 * BEFORE, BEFORE);
  await resumed.write({ end: { reason: 'hangup' } });
  return resumed.finish();
}

/** The call's chunks in the audio topic, once a later call of B (one partition) is there too. */
async function chunksOf(gateway: GatewayProcess, callId: string): Promise<AudioChunk[]> {
  const sentinel = callSid();
  const stream = streamTo(gateway);
  await stream.write(stereoCallStart(sentinel, { consent: ALL }));
  await writeStereoFrames(stream, 2);
  await stream.write({ end: { reason: 'hangup' } });
  expect((await stream.finish()).code).toBe(grpc.status.OK);
  const all = await collectUntil(
    kafka(),
    topics.audio,
    (m) => audioChunkCodec.decode(m.value, m.headers),
    (chunks) => chunks.filter((c) => c.callId === sentinel && c.final).length === 2,
  );
  return all.filter((c) => c.callId === callId);
}

/** Audio of the call after the withdrawal that reached Kafka (bytes, final markers aside). */
const audioAfterWithdrawal = (chunks: AudioChunk[]): number =>
  chunks
    .filter((c) => c.audioEndMs > BEFORE * 20 && c.payload.byteLength > 0)
    .reduce((bytes, c) => bytes + c.payload.byteLength, 0);

describe('consent withdrawn on one gateway, the call resumed on another', () => {
  it('forwards nothing after the withdrawal when the resume carries the narrowed consent', async () => {
    const callId = callSid();
    const b = await withdrawnThenMoved(callId);
    const result = await resumeWith(b, callId, NONE);
    expect(result.code).toBe(grpc.status.OK);
    const states = result.acks.slice(0, -1).map((ack) => ack.state);
    expect(new Set(states)).toEqual(new Set(['CALL_STATE_NOT_ANALYSED']));
    const chunks = await chunksOf(b, callId);
    // A's audio up to the change and each channel's final marker at it, nothing of B's.
    expect(chunks.filter((c) => c.final).map((c) => c.audioEndMs)).toEqual([BEFORE * 20, BEFORE * 20]);
    expect(audioAfterWithdrawal(chunks)).toBe(0);
  });

  // KNOWN GAP (not fixed here; ingest-gateway README, "Consent withdrawn mid-call"): the second
  // gateway has no record of the withdrawal (the dropped stream's consent lives in the first
  // gateway's memory only), so a resume that claims the original consent is taken as a new leg
  // and its audio goes to va.audio.v1 again (downstream, the dsp-worker drops audio of a call whose
  // final chunks it saw, and the call store keeps the narrowest consent). `it.fails`: this test
  // fails the day the gateway refuses such a resume (CONSENT_WIDENED) or forwards nothing.
  it.fails(
    'refuses a resume on another gateway that claims the consent withdrawn before the move',
    async () => {
      const callId = callSid();
      const b = await withdrawnThenMoved(callId);
      const result = await resumeWith(b, callId, ALL);
      const chunks = await chunksOf(b, callId);
      expect(audioAfterWithdrawal(chunks)).toBe(0);
      expect(result.code).toBe(grpc.status.FAILED_PRECONDITION);
    },
  );
});
