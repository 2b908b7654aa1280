// Consent across gateways when another gateway's stream of the same call ends: a gRPC call whose
// analytics consent was withdrawn (ConsentChange) on gateway A while a second stream of the same
// call id ran on gateway B (a transfer's overlapping legs, a client that opened the call twice).
// B's stream then ends, abandoned (RECONNECT_GRACE_MS=0: a drop ends it at once, as a Twilio or
// L16 call's grace running out does) or normally (CallEnd), and publishes the call's `ended` on
// va.calls.v1. That `ended` says one gateway's stream ended, not the call: the call lives on, and
// a resume of it (here on B) that claims the withdrawn consent must still be refused. Real broker,
// two real gateway processes. The `ended` had cleared the withdrawal on every gateway.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { CallStream } from '../../../services/simulator/ingest-client.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { ALL, chunksOf, NONE, streamTo } from './consent-streams.ts';
import { fileTopics, startGatewayProcess } from './gateway-process.ts';
import { callEventsUntilEnded, stereoCallStart, writeStereoFrames } from './helpers.ts';
import { callSid } from './l16ws-fixture.ts';

const { topics, kafka } = fileTopics();
/** Frames per channel each stream sends before the withdrawal (20 ms each: 500 ms of audio). */
const BEFORE = 25;

const acked = (stream: CallStream, state: string, what: string): Promise<unknown> =>
  waitFor(what, () => stream.acks.some((ack) => ack.state === state));

/** How B's stream of the call ends: dropped (ended at once, grace 0) or by its CallEnd. */
const ENDINGS = {
  abandoned: async (stream: CallStream) => {
    stream.cancel();
    expect((await stream.result).code).toBe(grpc.status.CANCELLED);
  },
  'ended normally': async (stream: CallStream) => {
    await stream.write({ end: { reason: 'hangup' } });
    expect((await stream.finish()).code).toBe(grpc.status.OK);
  },
};

describe('consent withdrawn on one gateway, another gateway’s stream of the call ends', () => {
  it.each(Object.keys(ENDINGS) as (keyof typeof ENDINGS)[])(
    'still refuses a resume claiming the withdrawn consent after that stream %s',
    async (ending) => {
      const callId = callSid();
      const a = await startGatewayProcess(topics, 0);
      const b = await startGatewayProcess(topics, 0, { RECONNECT_GRACE_MS: '0' });
      const onB = streamTo(b);
      await onB.write(stereoCallStart(callId, { consent: ALL }));
      await writeStereoFrames(onB, BEFORE);
      await acked(onB, 'CALL_STATE_ACTIVE', 'B’s stream of the call taken');
      const onA = streamTo(a);
      await onA.write(stereoCallStart(callId, { consent: ALL }));
      await writeStereoFrames(onA, BEFORE);
      await onA.write({ consentChange: { consent: NONE } });
      // Acknowledged once the consent-changed event is in the broker (consent-ack-after-broker).
      await acked(onA, 'CALL_STATE_NOT_ANALYSED', 'the withdrawal on A acknowledged');

      await ENDINGS[ending](onB);
      const events = await callEventsUntilEnded(kafka(), topics.calls, callId);
      // B's end of its stream is on va.calls.v1 after A's withdrawal: what every gateway reads.
      const ofCall = events.filter((e) => e.callId === callId).map((e) => e.type);
      expect(ofCall.indexOf('consent-changed')).toBeLessThan(ofCall.indexOf('ended'));

      onA.cancel(); // the call's line drops on A: the client resumes it, here on B
      const resumed = streamTo(b);
      await resumed.write(stereoCallStart(callId, { consent: ALL }));
      await writeStereoFrames(resumed, 2 * BEFORE, BEFORE);
      await resumed.write({ end: { reason: 'hangup' } });
      const result = await resumed.finish();
      expect([result.code, result.details.split(':')[0]]).toEqual([
        grpc.status.FAILED_PRECONDITION,
        'CONSENT_WIDENED',
      ]);
      // Nothing of the call's audio after the withdrawal (500 ms) reached va.audio.v1.
      const after = (await chunksOf(kafka(), topics.audio, b, callId)).filter(
        (c) => c.audioEndMs > BEFORE * 20 && c.payload.byteLength > 0,
      );
      expect(after).toEqual([]);
    },
  );
});
