// The live pipeline end to end on the real broker: calls streamed over real gRPC into the ingest
// gateway, through the dsp-worker and the emotion classifier (child processes), out as emotion
// events: every expected window exactly once after dedupe, in order, with latency measured, and
// (with EmoDB beside the repo) the customer's anger detected.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCallAnalyzer } from '../../../pipelines/dsp/index.ts';
import { createEmotionTracker, parseEmotionModel } from '../../../pipelines/emotion/index.ts';
import { DEFAULT_MODEL_PATH } from '../../../services/emotion-classifier/config.ts';
import { fromFeatureWindowRecord } from '../../../services/shared/mapping.ts';
import { createEventDedupe } from '../../../services/emotion-classifier/event-dedupe.ts';
import {
  decodeFeaturesTopic,
  emotionEventCodec,
  type EmotionEventRecord,
  type FeatureWindowRecord,
} from '../../../services/shared/records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { emodbAvailable, emodbCall, syntheticCall } from '../../../devkit/audio/stereo-call.ts';
import {
  collectTopic,
  metricValue,
  scrape,
  toTelephoneCall,
  type Collected,
  type TelephoneCall,
} from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { startPipeline, type RunningPipeline } from '../../../devkit/pipeline/pipeline-procs.ts';
import { streamTelephoneCall } from '../../../devkit/stream/stream-telephone-call.ts';

/** Emotion event ids pipelines/dsp + one tracker per speaker give this call, in order per speaker. */
function expectedEventIds(call: TelephoneCall): string[] {
  const analyzer = createCallAnalyzer({ format: { codec: 'pcmu', sampleRateHz: 8000 } });
  const ids: string[] = [];
  const take = (out: ReturnType<typeof analyzer.push>): void => {
    for (const { channel, window } of out.windows)
      ids.push(`demo/${call.callId}:${channel}:${window.windowIndex}:emotion`);
  };
  for (let at = 0; at < call.agent.length; at += 800) {
    take(analyzer.push('agent', call.agent.subarray(at, at + 800)));
    take(analyzer.push('customer', call.customer.subarray(at, at + 800)));
  }
  take(analyzer.flush());
  return ids;
}

async function eventsOfCall(
  emotions: Collected<EmotionEventRecord>,
  call: TelephoneCall,
): Promise<{ unique: EmotionEventRecord[]; duplicates: number }> {
  const expected = expectedEventIds(call);
  await waitFor(
    `all ${expected.length} emotion events of ${call.callId}`,
    () => {
      const seen = new Set(emotions.records.map((r) => r.value.eventId));
      return expected.every((id) => seen.has(id));
    },
    90_000,
  );
  const dedupe = createEventDedupe();
  const unique: EmotionEventRecord[] = [];
  let duplicates = 0;
  for (const { value } of emotions.records) {
    if (value.callId !== call.callId) continue;
    if (dedupe.firstSeen(value.eventId)) unique.push(value);
    else duplicates += 1;
  }
  expect(unique.map((e) => e.eventId).sort()).toEqual([...expected].sort());
  for (const channel of ['agent', 'customer']) {
    const indices = unique.filter((e) => e.channel === channel).map((e) => e.windowIndex);
    expect(indices, `${channel} windows in order, no gap`).toEqual(indices.map((_, i) => i));
  }
  return { unique, duplicates };
}

describe('live pipeline over gRPC and Kafka', () => {
  const kafka = testKafka('live-pipeline');
  let pipeline: RunningPipeline;
  let emotions: Collected<EmotionEventRecord>;

  /** A refused call's reason and the gateway's last log lines (a CI run once saw UNAVAILABLE only). */
  const refusal = (details: string): string =>
    `${details}\n--- ingest-gateway log ---\n${pipeline.services['ingest-gateway']?.output().slice(-3000) ?? ''}`;

  beforeAll(async () => {
    pipeline = await startPipeline({
      brokers: inject('kafkaBrokers'),
      suffix: uniqueName('e2e').replace('.', '-'),
      dspWorkers: 1,
      partitions: 3,
    });
    emotions = await collectTopic(kafka, pipeline.topics.emotions, (v, h) => emotionEventCodec.decode(v, h));
  });
  afterAll(async () => {
    await emotions?.stop();
    await pipeline?.stop();
    if (pipeline) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: Object.values(pipeline.topics) }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('turns a streamed call into one emotion event per speaker window, in order, with latency measured', async () => {
    const call = toTelephoneCall(uniqueName('call'), syntheticCall(16, 21));
    const result = await streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, call, { speed: 4 });
    expect(result.code, refusal(result.details)).toBe(0);
    const { unique } = await eventsOfCall(emotions, call);
    expect(unique.every((e) => e.audioCompletedAtMs > 0 && e.producedAtMs >= e.audioCompletedAtMs)).toBe(
      true,
    );
    const metrics = await scrape(pipeline.ports['emotion-classifier']);
    expect(metricValue(metrics, 'va_e2e_latency_seconds_count', { kind: 'emotion' })).toBeGreaterThanOrEqual(
      unique.length,
    );
    const dsp = await scrape(pipeline.ports['dsp-worker-1']);
    expect(metricValue(dsp, 'va_e2e_latency_seconds_count', { kind: 'features' })).toBeGreaterThan(0);
  });

  it.skipIf(!emodbAvailable())(
    'detects the customer turning angry while the agent stays calm (EmoDB beside the repo; skipped without it)',
    async () => {
      const stereo = emodbCall({ neutralCount: 10, angryCount: 10 });
      const call = toTelephoneCall(uniqueName('emodb-call'), stereo);
      const result = await streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, call, { speed: 4 });
      expect(result.code, refusal(result.details)).toBe(0);
      const { unique } = await eventsOfCall(emotions, call);
      const angryFrom = stereo.angryFromMs ?? 0;
      const customerAngry = unique.filter((e) => e.channel === 'customer' && e.state === 'angry');
      const agentAngry = unique.filter((e) => e.channel === 'agent' && e.state === 'angry');
      expect(customerAngry.length, 'customer anger detected').toBeGreaterThan(0);
      expect(
        customerAngry.every((e) => e.endMs > angryFrom),
        'anger only after the customer turns angry',
      ).toBe(true);
      expect(agentAngry.length).toBeLessThan(customerAngry.length);
    },
  );

  it('a classifier killed mid-call is replaced and rebuilds the baselines by replay: events continue unchanged', async () => {
    const call = toTelephoneCall(uniqueName('restart'), syntheticCall(20, 33));
    const features = await collectTopic(kafka, pipeline.topics.features, (v, h) => {
      const decoded = decodeFeaturesTopic(v, h);
      return decoded.schema === 'features' && decoded.value.callId === call.callId ? decoded.value : null;
    });
    try {
      const streaming = streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, call, { speed: 2 });
      await waitFor(
        'the first events',
        () => emotions.records.filter((r) => r.value.callId === call.callId).length >= 10,
      );
      await pipeline.restart('emotion-classifier', 'SIGKILL');
      const streamed = await streaming;
      expect(streamed.code, refusal(streamed.details)).toBe(0);
      await eventsOfCall(emotions, call);

      // What one uninterrupted tracker per speaker makes of the same windows.
      const model = parseEmotionModel(JSON.parse(readFileSync(DEFAULT_MODEL_PATH, 'utf8')));
      const trackers = {
        agent: createEmotionTracker({ model, callId: call.callId, channel: 'agent' }),
        customer: createEmotionTracker({ model, callId: call.callId, channel: 'customer' }),
      };
      const expected = new Map<string, { state: string; confidence: number }>();
      const seen = new Set<string>();
      for (const { value } of features.records as { value: FeatureWindowRecord }[]) {
        if (seen.has(value.eventId)) continue;
        seen.add(value.eventId);
        const window = fromFeatureWindowRecord(value);
        const event = trackers[window.channel].push(window.window);
        // The pipeline's ids carry the tenant (the gateway's "demo").
        expected.set(`${pipeline.tenant}/${event.eventId}`, {
          state: event.state,
          confidence: event.confidence,
        });
      }
      const received = emotions.records.filter((r) => r.value.callId === call.callId);
      // The replacement replays from the held commit but emits only events past its predecessor's
      // replay mark: a SIGKILL may re-send those of the last commit interval (≤ 1 s), not the call.
      expect(received.length).toBeGreaterThanOrEqual(expected.size);
      expect(received.length - expected.size).toBeLessThan(expected.size / 2);
      for (const { value } of received) {
        const want = expected.get(value.eventId);
        expect(want, value.eventId).toBeDefined();
        expect(value.state, value.eventId).toBe(want?.state);
        expect(value.confidence, value.eventId).toBeCloseTo(want?.confidence ?? NaN, 9);
      }
    } finally {
      await features.stop();
    }
  });
});
