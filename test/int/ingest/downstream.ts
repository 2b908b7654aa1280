// What the workers make of one call's audio records: the dsp-worker's feature processor and the
// emotion classifier's processor (their own code, their default configuration, the shipped model)
// run in-process over the AudioChunks in topic order, the way the services consume them. Each
// record is returned without what names the call or the wall clock, so two calls of the same audio
// sent through different adapters compare window by window. Sorted: how two channels' chunks
// interleave in the topic differs between adapters, and each speaker's windows and emotions depend
// only on its own channel's audio. Pure apart from reading the model.
import { createEmotionTracker, parseEmotionModel } from '../../../pipelines/emotion/index.ts';
import { createCallAnalyzer } from '../../../pipelines/dsp/index.ts';
import { CallStates } from '../../../services/dsp-worker/call-states.ts';
import { loadDspWorkerConfig } from '../../../services/dsp-worker/config.ts';
import { createFeatureProcessor } from '../../../services/dsp-worker/feature-processor.ts';
import { loadEmotionClassifierConfig } from '../../../services/emotion-classifier/config.ts';
import { createEmotionProcessor } from '../../../services/emotion-classifier/emotion-processor.ts';
import { SpeakerTrackers } from '../../../services/emotion-classifier/speaker-trackers.ts';
import { readConfigFile } from '../../../services/shared/config.ts';
import type { OutRecord } from '../../../services/shared/producer.ts';
import { decodeFeaturesTopic, emotionEventCodec, type AudioChunk } from '../../../services/shared/records.ts';

export interface Downstream {
  /** va.features.v1 records (speaker windows and dynamics), anonymous, sorted. */
  features: string[];
  /** va.emotions.v1 records, anonymous, sorted. */
  emotions: string[];
}

const ENV = { KAFKA_BROKERS: '127.0.0.1:9092' };
/**
 * Fields that name the call or its wall-clock times: everything else must match. `agentLeg` is a
 * digest of the tenant, call id and agent (services/ingest-gateway/agent-leg.ts): it names the call.
 */
const NAMING = new Set(['callId', 'eventId', 'producedAtMs', 'audioCompletedAtMs', 'agentLeg']);
const anonymous = (key: string, value: unknown): unknown => (NAMING.has(key) ? undefined : value);

const valueOf = (record: OutRecord): Buffer => record.message.value as Buffer;
const headersOf = (record: OutRecord) => record.message.headers as never;

/** Features and emotion events the workers produce from one call's chunks (topic order). */
export function downstreamOf(chunks: readonly AudioChunk[]): Downstream {
  const dsp = loadDspWorkerConfig(ENV);
  const states = new CallStates({
    createAnalyzer: (format) =>
      createCallAnalyzer({ format, windowMs: dsp.WINDOW_MS, windowHopMs: dsp.WINDOW_HOP_MS }),
    windowHopMs: dsp.WINDOW_HOP_MS,
    idleTimeoutMs: dsp.CALL_IDLE_TIMEOUT_MS,
    maxCalls: 10,
    maxGapMs: dsp.MAX_AUDIO_GAP_MS,
  });
  const featureProcessor = createFeatureProcessor({ states, featuresTopic: 'features', now: () => 0 });
  const emotion = loadEmotionClassifierConfig(ENV);
  const model = parseEmotionModel(
    JSON.parse(readConfigFile('EMOTION_MODEL_PATH', emotion.EMOTION_MODEL_PATH)),
  );
  const trackers = new SpeakerTrackers({
    createTracker: (callId, channel) => createEmotionTracker({ model, callId, channel }),
    idleTimeoutMs: emotion.SPEAKER_IDLE_TIMEOUT_MS,
    maxCalls: 10,
    maxHoldRecords: emotion.COMMIT_HOLD_MAX_RECORDS,
  });
  const emotionProcessor = createEmotionProcessor({ trackers, emotionsTopic: 'emotions', now: () => 0 });

  const features = chunks.flatMap((value, offset) =>
    featureProcessor.handle({
      topic: 'audio',
      partition: 0,
      offset: String(offset),
      key: `${value.tenant}/${value.callId}`,
      value,
      timestampMs: 0,
    }),
  );
  const emotions = features.flatMap((record, offset) =>
    emotionProcessor.handle({
      topic: 'features',
      partition: 0,
      offset: String(offset),
      key: record.message.key as string,
      value: decodeFeaturesTopic(valueOf(record), headersOf(record)),
      timestampMs: 0,
    }),
  );
  return {
    features: features
      .map((r) => JSON.stringify(decodeFeaturesTopic(valueOf(r), headersOf(r)), anonymous))
      .sort(),
    emotions: emotions
      .map((r) => JSON.stringify(emotionEventCodec.decode(valueOf(r), headersOf(r)), anonymous))
      .sort(),
  };
}
