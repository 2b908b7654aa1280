// End to end on real speech: shipped nEMO calls streamed over
// real gRPC into the ingest gateway, through Kafka, the dsp-worker and the emotion classifier
// (child processes) and the alert service (in-process, same broker) to a supervisor's WebSocket.
// The angry arc raises customer-frustration within 10 s of audio time after the anger starts; the
// calm call raises no alert at all. Reads only assets/ (no ../shared).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emotionEventCodec, type EmotionEventRecord } from '../../../services/shared/records.ts';
import { collectTopic, type Collected } from '../../../devkit/pipeline/harness.ts';
import { startPipeline, type RunningPipeline } from '../../../devkit/pipeline/pipeline-procs.ts';
import { streamTelephoneCall } from '../../../devkit/stream/stream-telephone-call.ts';
import type { DemoCall } from '../../../scripts/lib/demo-calls/calls-file.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { readShippedCall, segmentStartMs } from '../../support/nemo-calls.ts';
import type { TestClient } from '../alerts/harness.ts';
import { alertsOfCall, supervisorClient, type ReceivedAlert } from './supervisor-watch.ts';

/** Audio is streamed this many times faster than real time (the gateway takes it; so does the bench). */
const SPEED = 4;
const ALERT_WITHIN_MS = 10_000;

interface Streamed {
  callId: string;
  call: DemoCall;
  startedAtMs: number;
  alerts: ReceivedAlert[];
}

describe('shipped nEMO calls: gRPC → Kafka → dsp-worker → emotion-classifier → alert-service → WebSocket', () => {
  const kafka = testKafka('nemo-e2e');
  const suffix = uniqueName('nemo').replace('.', '-');
  let pipeline: RunningPipeline;
  let emotions: Collected<EmotionEventRecord>;

  beforeAll(async () => {
    pipeline = await startPipeline({ brokers: inject('kafkaBrokers'), suffix, dspWorkers: 1, partitions: 3 });
    emotions = await collectTopic(kafka, pipeline.topics.emotions, (v, h) => emotionEventCodec.decode(v, h));
  });
  afterAll(async () => {
    await emotions?.stop();
    await pipeline?.stop();
    await pipeline?.deleteTopics();
  });

  /** Streams a shipped call and waits until the supervisor has seen its last window, plus SETTLE_MS. */
  async function stream(supervisor: TestClient, id: string): Promise<Streamed> {
    const shipped = readShippedCall(id);
    const callId = uniqueName(id);
    const startedAtMs = Date.now();
    const result = await streamTelephoneCall(
      pipeline.gatewayAddress,
      pipeline.token,
      { callId, agent: shipped.agent, customer: shipped.customer },
      { speed: SPEED },
    );
    expect(result.code).toBe(0);
    const alerts = await alertsOfCall(supervisor, callId, shipped.call.durationMs);
    report(callId, shipped.call, startedAtMs, alerts);
    return { callId, call: shipped.call, startedAtMs, alerts };
  }

  /** What the model made of each span a listener hears, and the alerts: printed for the issue. */
  function report(callId: string, call: DemoCall, startedAtMs: number, alerts: Streamed['alerts']): void {
    const customer = emotions.records.map((r) => r.value).filter((e) => e.callId === callId);
    const spans = call.customerSegments.map((s) => {
      const states: Record<string, number> = {};
      for (const e of customer) {
        const centre = (e.startMs + e.endMs) / 2;
        if (e.channel === 'customer' && centre >= s.startMs && centre < s.endMs)
          states[e.state] = (states[e.state] ?? 0) + 1;
      }
      return { heard: `${s.label} ${s.startMs}-${s.endMs} ms`, customer_states: states };
    });
    const shown = alerts.map(({ alert, receivedAtMs }) => ({
      rule: alert.ruleId,
      subject: alert.subject,
      audio_ms: alert.audioMs,
      streamed_ms_on_arrival: Math.round((receivedAtMs - startedAtMs) * SPEED),
    }));
    console.log(JSON.stringify({ call: call.id, spans, alerts: shown }));
  }

  it('the angry arc raises customer-frustration on the supervisor socket within 10 s of the anger starting', async () => {
    const supervisor = await supervisorClient(pipeline, suffix);
    const { call, startedAtMs, alerts } = await stream(supervisor, 'call-2-angry-recovers');
    const angerStartMs = segmentStartMs(call, 'angry');
    const first = alerts.find((a) => a.alert.ruleId === 'customer-frustration');
    expect(first, 'a customer-frustration alert reached the supervisor').toBeDefined();
    if (!first) return;
    expect(first.alert.audioMs, 'not before the customer turns angry').toBeGreaterThanOrEqual(angerStartMs);
    // As a supervisor would wait at real time: audio from the anger's start to the window that
    // fired, plus the wall-clock delivery from when that audio was streamed to the socket.
    const sentAtMs = startedAtMs + first.alert.audioMs / SPEED;
    const latencyMs = first.alert.audioMs - angerStartMs + (first.receivedAtMs - sentAtMs);
    console.log(JSON.stringify({ anger_start_ms: angerStartMs, real_time_alert_latency_ms: latencyMs }));
    expect(latencyMs).toBeLessThanOrEqual(ALERT_WITHIN_MS);
  });

  it('the calm call raises no alert of any rule (customer, agent or call)', async () => {
    const supervisor = await supervisorClient(pipeline, suffix);
    const { alerts } = await stream(supervisor, 'call-1-calm');
    expect(alerts.map((a) => `${a.alert.subject}:${a.alert.ruleId}`)).toEqual([]);
  });
});
