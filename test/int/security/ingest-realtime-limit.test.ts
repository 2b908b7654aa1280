// Over real gRPC and the real broker: nothing stopped a suite.client from streaming
// a call many times faster than real time (a bulk upload through the live path, starving other
// tenants through the shared backpressure). Now a call whose audio runs ahead of its age by more
// than MAX_STREAM_SPEED × plus STREAM_BURST_MS is ended with RESOURCE_EXHAUSTED
// (FASTER_THAN_REAL_TIME), also when the audio is silence the gateway fills into sequence gaps;
// the simulator at 2× real time still streams whole calls.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { callEventCodec } from '../../../services/shared/records.ts';
import { openCallStream } from '../../../services/simulator/ingest-client.ts';
import { prepareAudio, runSimulation } from '../../../services/simulator/simulate.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { collectUntil, gatewayForFile } from '../ingest/helpers.ts';
import { agentFrame, callStart } from './ingest-fixture.ts';

const TOKEN = 'pace-token-0123456789';
const topics = { audio: uniqueName('t.audio'), calls: uniqueName('t.calls') };

const suite = gatewayForFile(topics, {
  TENANT_TOKENS: `acme=${TOKEN}`,
  TOPIC_PARTITIONS: '1',
  MAX_STREAM_SPEED: '2',
  STREAM_BURST_MS: '1000',
});

describe('the real-time rate limit', () => {
  it('ends a call streamed as fast as the network allows', async () => {
    const start = callStart('fast');
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(start);
    // 10 s of audio, written without pacing (about 0.1 s of wall time).
    for (let seq = 0; seq < 500; seq += 1) await stream.write(agentFrame(seq));
    const result = await Promise.race([stream.finish(), stream.result]);
    expect(result).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
      details: expect.stringMatching(/^FASTER_THAN_REAL_TIME: .*MAX_STREAM_SPEED/),
    });
    const callId = 'start' in start ? start.start.callId : '';
    const events = await collectUntil(
      testKafka(),
      topics.calls,
      (m) => callEventCodec.decode(m.value, m.headers),
      (all) => all.some((e) => e.callId === callId && e.type === 'ended'),
    );
    expect(events.find((e) => e.callId === callId && e.type === 'ended')?.endReason).toBe(
      'faster_than_real_time',
    );
  });

  it('counts the silence filled into sequence gaps', async () => {
    const stream = openCallStream(suite.client, TOKEN);
    await stream.write(callStart('gaps'));
    // One frame every 20 ms, each 5 s of sequence ahead: real-time bytes, 250× real-time audio.
    for (let k = 0; k < 10; k += 1) {
      await stream.write(agentFrame(k * 250));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await Promise.race([stream.finish(), stream.result]);
    expect(result).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
      details: expect.stringMatching(/^FASTER_THAN_REAL_TIME/),
    });
  });

  it('lets the simulator stream whole calls at 2× real time', async () => {
    const options = {
      calls: 2,
      seconds: 3,
      speed: 2,
      target: `127.0.0.1:${suite.gateway.grpc.port}`,
      token: TOKEN,
      codec: 'pcmu' as const,
      sampleRateHz: 8000 as const,
      staggerMs: 0,
      seed: 5,
      analytics: true,
    };
    const summary = await runSimulation(options, prepareAudio(options));
    expect(summary).toMatchObject({ calls: 2, ok: 2, failed: 0 });
  });
});
