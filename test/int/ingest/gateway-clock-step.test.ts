// Over real gRPC and the real broker: the gateway host's wall clock steps (an NTP correction)
// in the middle of a live call. The real-time rate limit and the idle sweep timed calls on the
// wall clock, so a step back of a minute ended a call FASTER_THAN_REAL_TIME, and a step forward
// past IDLE_TIMEOUT_MS ended a call silent at that moment IDLE_TIMEOUT. Both now run on the
// monotonic clock; the step is made by moving Date.now for the whole process, as NTP moves it for
// every reader on the host.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { openCallStream, type CallStream } from '../../../services/simulator/ingest-client.ts';
import { uniqueName } from '../../support/kafka.ts';
import { agentFrame, callStart, FRAME_MS } from '../security/ingest-fixture.ts';
import { gatewayForFile } from './helpers.ts';
import { steppableWallClock } from '../../support/wall-clock-step.ts';

const TOKEN = 'clock-step-token-0123456789';
const topics = { audio: uniqueName('t.audio'), calls: uniqueName('t.calls') };

const suite = gatewayForFile(topics, {
  TENANT_TOKENS: `acme=${TOKEN}`,
  TOPIC_PARTITIONS: '1',
  MAX_STREAM_SPEED: '2',
  STREAM_BURST_MS: '1000',
  IDLE_TIMEOUT_MS: '2000',
});

const wallClock = steppableWallClock();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Agent frames `from` up to `to`, one every 20 ms: a live call's real-time pace. */
async function streamLive(stream: CallStream, from: number, to: number): Promise<void> {
  for (let sequence = from; sequence < to; sequence += 1) {
    await stream.write(agentFrame(sequence));
    await sleep(FRAME_MS);
  }
}

describe('a live call through a step of the gateway host clock', () => {
  it('goes on when the clock steps a minute back mid-call', async () => {
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(callStart('step-back'));
    await streamLive(stream, 0, 50);
    wallClock.stepMs = -60_000;
    await streamLive(stream, 50, 150);
    const result = await Promise.race([stream.finish(), stream.result]);
    expect({ code: result.code, details: result.details }).toEqual({ code: grpc.status.OK, details: 'OK' });
    expect(result.acks.at(-1)).toMatchObject({ state: 'CALL_STATE_ENDED', framesAccepted: 150 });
  });

  it('goes on when the clock steps a minute forward while the call is silent', async () => {
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(callStart('step-forward'));
    await streamLive(stream, 0, 25);
    wallClock.stepMs = 60_000;
    // Shorter than IDLE_TIMEOUT_MS in real time, but the sweep runs meanwhile.
    await sleep(1_500);
    await streamLive(stream, 25, 50);
    const result = await Promise.race([stream.finish(), stream.result]);
    expect({ code: result.code, details: result.details }).toEqual({ code: grpc.status.OK, details: 'OK' });
    expect(result.acks.at(-1)).toMatchObject({ state: 'CALL_STATE_ENDED', framesAccepted: 50 });
  });
});
