// End to end through the L16 WebSocket adapter (issue 15 "done when"): the shipped angry-arc call
// streamed as jambonz `listen` sends it (stereo 8 kHz L16, 20 ms frames paced at SPEED × real time)
// into the gateway process, through Kafka, the dsp-worker and the emotion classifier (child
// processes) and the alert service to a supervisor's WebSocket, which gets customer-frustration
// within 10 s of the anger starting, as the gRPC end-to-end test requires.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../deploy/kafka/local-broker.ts';
import { startPipeline, type RunningPipeline } from '../../../scripts/lib/pipeline/pipeline-procs.ts';
import { uniqueName } from '../../support/kafka.ts';
import { readShippedCall, segmentStartMs } from '../../support/nemo-calls.ts';
import { alertsOfCall, supervisorClient } from '../emotion/supervisor-watch.ts';
import { interleavedL16, openL16Socket, sendFrames } from './l16ws-client.ts';
import { jambonzAuth, jambonzMetadata, JAMBONZ_SECRET } from './l16ws-fixture.ts';

const SPEED = 4;
const ALERT_WITHIN_MS = 10_000;

describe('a shipped call: L16 WebSocket → Kafka → dsp-worker → emotion-classifier → alert-service → WebSocket', () => {
  const suffix = uniqueName('l16e2e').replace('.', '-');
  let pipeline: RunningPipeline;
  let l16Port: number;

  beforeAll(async () => {
    l16Port = await freePort();
    pipeline = await startPipeline({
      brokers: inject('kafkaBrokers'),
      suffix,
      dspWorkers: 1,
      partitions: 3,
      extraEnv: {
        'ingest-gateway': {
          L16WS_PORT: String(l16Port),
          L16WS_HOST: '127.0.0.1',
          L16WS_SOURCES: JSON.stringify({ 'jambonz-eu': { tenant: 'demo', secret: JAMBONZ_SECRET } }),
        },
      },
    });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await pipeline?.deleteTopics();
  });

  it('the angry arc raises customer-frustration on the supervisor socket within 10 s of the anger starting', async () => {
    const supervisor = await supervisorClient(pipeline, suffix);
    const shipped = readShippedCall('call-2-angry-recovers');
    const callId = uniqueName('l16-angry').replace('.', '-');
    const socket = await openL16Socket(l16Port, { authorization: jambonzAuth });
    expect(socket.status).toBe(101);
    const startedAtMs = Date.now();
    socket.ws.send(jambonzMetadata(callId, { team: undefined, consent: { analytics: true } }));
    // jambonz inbound: the caller (customer) on channel 0, the agent on channel 1.
    await sendFrames(socket.ws, interleavedL16(shipped.customer, shipped.agent), 640, 20 / SPEED);
    socket.ws.close(1000);
    expect((await socket.closed).code).toBe(1000);

    const alerts = await alertsOfCall(supervisor, callId, shipped.call.durationMs);
    const angerStartMs = segmentStartMs(shipped.call, 'angry');
    const first = alerts.find((a) => a.alert.ruleId === 'customer-frustration');
    expect(first, 'a customer-frustration alert reached the supervisor').toBeDefined();
    if (!first) return;
    expect(first.alert.audioMs).toBeGreaterThanOrEqual(angerStartMs);
    const sentAtMs = startedAtMs + first.alert.audioMs / SPEED;
    const latencyMs = first.alert.audioMs - angerStartMs + (first.receivedAtMs - sentAtMs);
    console.log(
      JSON.stringify({
        protocol: 'l16ws',
        anger_start_ms: angerStartMs,
        real_time_alert_latency_ms: latencyMs,
      }),
    );
    expect(latencyMs).toBeLessThanOrEqual(ALERT_WITHIN_MS);
  });
});
