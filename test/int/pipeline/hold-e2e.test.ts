// A call on hold end to end: a shipped nEMO call with 20 s of hold (both channels silent, as a
// platform playing its hold music to the customer alone sends it) streamed over real gRPC into the
// ingest gateway, through Kafka, the dsp-worker and the emotion classifier (child processes) and
// the alert service (in-process) to a supervisor's WebSocket. With CallHold around the 20 s: no
// long-silence alert, the wallboard's state says on hold, the windows in the hold are hold (emotion
// `uncertain`, on_hold). The same call without the hold message raises long-silence.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emotionEventCodec, type EmotionEventRecord } from '../../../services/shared/records.ts';
import { collectTopic, type Collected } from '../../../devkit/pipeline/harness.ts';
import { startPipeline, type RunningPipeline } from '../../../devkit/pipeline/pipeline-procs.ts';
import { streamTelephoneCall } from '../../../devkit/stream/stream-telephone-call.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { readShippedCall } from '../../support/nemo-calls.ts';
import type { TestClient } from '../alerts/harness.ts';
import { alertsOfCall, supervisorClient } from '../emotion/supervisor-watch.ts';

const SPEED = 4;
/** 8 s of the calm call, 20 s on hold (silence on both channels), the calm call's next 8 s. */
const HOLD = { fromMs: 8_000, toMs: 28_000 };
const DURATION_MS = 36_000;

function callWithHoldGap(): { agent: Uint8Array; customer: Uint8Array } {
  const shipped = readShippedCall('call-1-calm');
  const build = (channel: Uint8Array): Uint8Array => {
    const out = new Uint8Array(DURATION_MS * 8).fill(0xff); // µ-law silence
    out.set(channel.subarray(0, HOLD.fromMs * 8), 0);
    out.set(channel.subarray(HOLD.fromMs * 8, (HOLD.fromMs + DURATION_MS - HOLD.toMs) * 8), HOLD.toMs * 8);
    return out;
  };
  return { agent: build(shipped.agent), customer: build(shipped.customer) };
}

describe('a call on hold: gRPC → Kafka → dsp-worker → emotion-classifier → alert-service → WebSocket', () => {
  const kafka = testKafka('hold-e2e');
  const suffix = uniqueName('hold').replace('.', '-');
  let pipeline: RunningPipeline;
  let emotions: Collected<EmotionEventRecord>;

  beforeAll(async () => {
    pipeline = await startPipeline({ brokers: inject('kafkaBrokers'), suffix, dspWorkers: 1, partitions: 2 });
    emotions = await collectTopic(kafka, pipeline.topics.emotions, (v, h) => emotionEventCodec.decode(v, h));
  });
  afterAll(async () => {
    await emotions?.stop();
    await pipeline?.stop();
    await pipeline?.deleteTopics();
  });

  it('raises no long-silence alert during 20 s of hold; the same call without CallHold does', async () => {
    const supervisor: TestClient = await supervisorClient(pipeline, suffix);
    const audio = callWithHoldGap();
    const held = uniqueName('held');
    const plain = uniqueName('plain');
    const results = await Promise.all([
      streamTelephoneCall(
        pipeline.gatewayAddress,
        pipeline.token,
        { callId: held, ...audio },
        { speed: SPEED, holds: [HOLD] },
      ),
      streamTelephoneCall(
        pipeline.gatewayAddress,
        pipeline.token,
        { callId: plain, ...audio },
        { speed: SPEED },
      ),
    ]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    const [heldAlerts, plainAlerts] = await Promise.all([
      alertsOfCall(supervisor, held, DURATION_MS),
      alertsOfCall(supervisor, plain, DURATION_MS),
    ]);
    const rules = (alerts: typeof heldAlerts) => alerts.map((a) => a.alert.ruleId);
    console.log(JSON.stringify({ held: rules(heldAlerts), without_hold: rules(plainAlerts) }));
    expect(rules(plainAlerts)).toContain('long-silence');
    expect(rules(heldAlerts)).not.toContain('long-silence');

    // The wallboard was told the call was on hold, and the call without the message never was.
    const onHoldIn = (callId: string) =>
      supervisor.frames.some(
        (f) =>
          f.type === 'state' &&
          (f.calls as { callId: string; onHold: boolean }[]).some((c) => c.callId === callId && c.onHold),
      );
    expect([onHoldIn(held), onHoldIn(plain)]).toEqual([true, false]);

    // Inside the hold every customer window is hold: not judged, and said so.
    const inside = (callId: string) =>
      emotions.records
        .map((r) => r.value)
        .filter((e) => e.callId === callId && e.startMs >= HOLD.fromMs && e.endMs <= HOLD.toMs);
    expect(inside(held).length).toBeGreaterThan(30);
    expect(inside(held).every((e) => e.onHold === true && e.state === 'uncertain')).toBe(true);
    expect(inside(plain).some((e) => e.onHold === true)).toBe(false);
  });
});
