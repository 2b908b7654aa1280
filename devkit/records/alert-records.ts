// Kafka records of a synthetic call for the alert-service tests and benchmark: call started,
// emotion events (angry = high arousal, low valence, with evidence), and agent feature windows
// with a given pace and tension; all as OutRecords built with the shared codecs. Pure.
import { EMOTION_LABELS } from '../../pipelines/emotion/types.ts';
import { toFeatureWindowRecord } from '../../services/shared/mapping.ts';
import { outRecord, type OutRecord } from '../../services/shared/producer.ts';
import { callEventRecord } from './call-event.ts';
import { emotionOnGrid, speakerWindow } from './speaker-window.ts';
import { syntheticAffect, type SyntheticAnger } from './synthetic-affect.ts';
import {
  callEventCodec,
  emotionEventCodec,
  featureWindowCodec,
  type EmotionEventRecord,
} from '../../services/shared/records.ts';

export function callStarted(
  topic: string,
  callId: string,
  agentId: string,
  queue: string,
  team = '',
  customerRef = '',
): OutRecord {
  return outRecord(
    topic,
    callEventCodec,
    callId,
    callEventRecord(callId, { agentId, queue, team, customerRef }),
  );
}

export function callEnded(topic: string, callId: string, endTimeMs = Date.now()): OutRecord {
  return outRecord(
    topic,
    callEventCodec,
    callId,
    callEventRecord(callId, {
      eventId: `${callId}:both:0:ended`,
      type: 'ended',
      endTimeMs,
      endReason: 'hangup',
    }),
  );
}

const ALERT_ANGER: SyntheticAnger = {
  arousal: 0.85,
  valence: 0.15,
  evidence: ['pitch +3.4 st over baseline', 'loudness +6 dB'],
};

/** Window i covers [i, i + 2] s (2 s window, 1 s hop). */
export function emotionRecord(
  callId: string,
  channel: 'agent' | 'customer',
  i: number,
  state: string,
  nowMs = Date.now(),
): EmotionEventRecord {
  const angry = state === 'angry';
  return {
    ...emotionOnGrid(callId, channel, i),
    state,
    changed: false,
    rawLabel: state === 'no-speech' ? 'neutral' : state,
    probabilities: Object.fromEntries(EMOTION_LABELS.map((l) => [l, l === state ? 0.7 : 0.05])),
    ...syntheticAffect(angry, ALERT_ANGER),
    producedAtMs: nowMs,
    audioCompletedAtMs: nowMs,
    tenant: 'demo',
  };
}

export function emotionOut(topic: string, record: EmotionEventRecord): OutRecord {
  return outRecord(topic, emotionEventCodec, record.callId, record);
}

export function featuresOut(
  topic: string,
  callId: string,
  channel: 'agent' | 'customer',
  i: number,
  values: { tension: number; rate: number },
  nowMs = Date.now(),
): OutRecord {
  const window = speakerWindow(i, { ...values, speech: 0.7 });
  const record = toFeatureWindowRecord(window, {
    callId,
    channel,
    tenant: 'demo',
    producedAtMs: nowMs,
    audioCompletedAtMs: nowMs,
  });
  return outRecord(topic, featureWindowCodec, callId, record);
}
