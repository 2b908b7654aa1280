// Consent across gateways: a gRPC call whose analytics consent was withdrawn (ConsentChange) on one
// gateway process, handed over by that gateway's stop (a rolling deploy: SIGTERM, UNAVAILABLE
// SHUTTING_DOWN) and resumed on a second gateway process, through the real broker. The second
// gateway knows the withdrawal from the consent-changed event the first published on va.calls.v1
// (consent-feed.ts), whether it was running then or started after it: a resume claiming the
// original consent is refused, so none of the audio after the withdrawal reaches va.audio.v1.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { AudioChunk } from '../../../services/shared/records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { ALL, chunksOf as chunksIn, NONE, streamTo } from './consent-streams.ts';
import {
  exitCode,
  fileTopics,
  startGatewayProcess,
  TENANT_TOKEN,
  type GatewayProcess,
} from './gateway-process.ts';
import { stereoCallStart, writeStereoFrames } from './helpers.ts';
import { callSid } from './l16ws-fixture.ts';

const { topics, kafka } = fileTopics();
/** Frames per channel before the withdrawal (20 ms each: it comes at 500 ms of audio). */
const BEFORE = 25;

/** A second tenant on both gateways: its call of the same id is another call. */
const GLOBEX_TOKEN = 'globex-token-0123456789';
const TWO_TENANTS = { TENANT_TOKENS: `acme=${TENANT_TOKEN},globex=${GLOBEX_TOKEN}` };

/**
 * A call withdrawn on gateway A, moved by A's stop; returns the second gateway, B, running all
 * along or (`bStartsAfter`) started once A has exited. A's final chunks (at the withdrawal) are in
 * Kafka by then: A flushes before it exits.
 */
async function withdrawnThenMoved(callId: string, bStartsAfter = false): Promise<GatewayProcess> {
  const a = await startGatewayProcess(topics, 60_000, TWO_TENANTS);
  const running = bStartsAfter ? null : await startGatewayProcess(topics, 0, TWO_TENANTS);
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
  return running ?? (await startGatewayProcess(topics, 0, TWO_TENANTS));
}

/** Resumes the call on `gateway` with `consent`, the rest of its audio, its end; the final status. */
async function resumeWith(
  gateway: GatewayProcess,
  callId: string,
  consent: typeof ALL,
  token = TENANT_TOKEN,
) {
  const resumed = streamTo(gateway, token);
  await resumed.write(stereoCallStart(callId, { consent }));
  await writeStereoFrames(resumed, 2 * BEFORE, BEFORE);
  await resumed.write({ end: { reason: 'hangup' } });
  return resumed.finish();
}

/** The call's chunks in this file's audio topic. */
const chunksOf = (gateway: GatewayProcess, callId: string): Promise<AudioChunk[]> =>
  chunksIn(kafka(), topics.audio, gateway, callId);

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

  it('refuses a resume on another gateway that claims the consent withdrawn before the move', async () => {
    const callId = callSid();
    const b = await withdrawnThenMoved(callId);
    const result = await resumeWith(b, callId, ALL);
    expect([result.code, result.details.split(':')[0]]).toEqual([
      grpc.status.FAILED_PRECONDITION,
      'CONSENT_WIDENED',
    ]);
    const chunks = await chunksOf(b, callId);
    expect(chunks.filter((c) => c.final).map((c) => c.audioEndMs)).toEqual([BEFORE * 20, BEFORE * 20]);
    expect(audioAfterWithdrawal(chunks)).toBe(0);
  });

  it('refuses it on a gateway started after the withdrawal (read back from va.calls.v1)', async () => {
    const callId = callSid();
    const b = await withdrawnThenMoved(callId, true);
    const result = await resumeWith(b, callId, ALL);
    expect([result.code, result.details.split(':')[0]]).toEqual([
      grpc.status.FAILED_PRECONDITION,
      'CONSENT_WIDENED',
    ]);
    expect(audioAfterWithdrawal(await chunksOf(b, callId))).toBe(0);
  });

  it('takes another tenant’s call of the same id on that gateway with its full consent', async () => {
    const callId = callSid();
    const b = await withdrawnThenMoved(callId);
    const result = await resumeWith(b, callId, ALL, GLOBEX_TOKEN);
    expect(result.code).toBe(grpc.status.OK);
    expect(new Set(result.acks.slice(0, -1).map((ack) => ack.state))).toEqual(new Set(['CALL_STATE_ACTIVE']));
    const globex = (await chunksOf(b, callId)).filter((c) => c.tenant === 'globex');
    expect(audioAfterWithdrawal(globex)).toBe(BEFORE * 20 * 8 * 2);
  });
});
