// Store events back to the Kafka records the live pipeline produces (services/shared codecs,
// schema header, key = `${tenant}/${callId}`): for the ingest tests, the benchmark and demo seeding.
// Pure.
import {
  alertAckCodec,
  alertEventCodec,
  callEventCodec,
  dynamicsWindowCodec,
  emotionEventCodec,
  featureWindowCodec,
  type AlertEventRecord,
  type CallEvent,
  type EmotionEventRecord,
  type EventTimes,
  type FeatureWindowRecord,
  type RecordCodec,
} from '../../services/shared/index.ts';
import { callKey } from '../../services/shared/call-key.ts';
import type {
  AlertEndEvent,
  AlertStoreEvent,
  CallEndEvent,
  CallStartEvent,
  EmotionStoreEvent,
  StoreEvent,
  WindowEvent,
} from '../../services/call-store/events.ts';
import { eventIdOf } from '../../services/call-store/events.ts';
import { callEventRecord } from './call-event.ts';
import type { StoreTopics } from '../../services/call-store/ingest/consumer.ts';

export interface TopicMessage {
  topic: string;
  messages: { key: string; value: Buffer; headers: Record<string, string> }[];
}

type Message = TopicMessage['messages'][number];

/** Which live topic carries each kind of store event. */
const TOPIC_OF: Record<StoreEvent['kind'], keyof StoreTopics> = {
  'call-start': 'calls',
  'call-end': 'calls',
  features: 'features',
  dynamics: 'features',
  emotion: 'emotions',
  alert: 'alerts',
  ack: 'alerts',
  'alert-end': 'alerts',
};

function record<T>(codec: RecordCodec<T>, key: string, value: T): Message {
  return { key, value: codec.encode(value), headers: codec.headers() };
}

export function toKafka(events: readonly StoreEvent[], topics: StoreTopics): TopicMessage[] {
  const by = new Map<string, Message[]>();
  const now = Date.now();
  for (const e of events) {
    const topic = topics[TOPIC_OF[e.kind]];
    let messages = by.get(topic);
    if (!messages) by.set(topic, (messages = []));
    messages.push(toMessage(e, now));
  }
  return [...by].map(([topic, messages]) => ({ topic, messages }));
}

function toMessage(e: StoreEvent, now: number): Message {
  const eventId = eventIdOf(e);
  const key = callKey(e.tenant, e.callId);
  // Every live record carries its production times (now, as if just produced) and tenant.
  const stamp: EventTimes = { producedAtMs: now, audioCompletedAtMs: now, tenant: e.tenant };
  switch (e.kind) {
    case 'call-start':
    case 'call-end':
      return record(callEventCodec, key, callRecord(e, eventId, now));
    case 'features':
      return record(featureWindowCodec, key, featuresRecord(e, eventId, stamp));
    case 'dynamics': {
      const { kind: _k, ...dyn } = e;
      const talkRatioAgent = dyn.talkRatioAgent ?? Number.NaN;
      return record(dynamicsWindowCodec, key, { ...dyn, talkRatioAgent, eventId, ...stamp });
    }
    case 'emotion':
      return record(emotionEventCodec, key, emotionRecord(e, eventId, stamp));
    case 'alert':
      return record(alertEventCodec, key, alertRecord(e, eventId, stamp));
    case 'ack':
      return record(alertAckCodec, key, {
        alertId: e.alertId,
        callId: e.callId,
        acknowledgedBy: e.ackedBy,
        acknowledgedAtMs: Date.parse(e.ackedAt),
        tenant: e.tenant,
      });
    case 'alert-end':
      return record(alertEventCodec, key, alertEndRecord(e, stamp));
  }
}

function callRecord(e: CallStartEvent | CallEndEvent, eventId: string, now: number): CallEvent {
  const started = e.kind === 'call-start';
  return callEventRecord(e.callId, {
    eventId,
    type: started ? 'started' : 'ended',
    tenant: e.tenant,
    agentId: started ? e.agentId : '',
    queue: started ? e.queue : '',
    team: started ? e.team : '',
    // The customer's pseudonym, as the gateway sends it (history, erasure by customer).
    customerRef: started ? (e.customerRef ?? '') : '',
    startTimeMs: started ? Date.parse(e.startedAt) : 0,
    endTimeMs: started ? 0 : Date.parse(e.endedAt),
    consent: started ? e.consent : { analytics: true, storeFeatures: true },
    audioDurationMs: started ? 0 : (e.durationMs ?? 0),
    endReason: started ? '' : e.endReason,
    producedAtMs: now,
  });
}

function featuresRecord(e: WindowEvent, eventId: string, stamp: EventTimes): FeatureWindowRecord {
  const { kind: _k, ...window } = e;
  return {
    ...window,
    eventId,
    pace: window.pace as never,
    pitch: window.pitch as never,
    loudness: window.loudness as never,
    voiceQuality: window.voiceQuality as never,
    tensionIndex: window.tensionIndex ?? Number.NaN,
    functionals: [],
    ...stamp,
  };
}

function emotionRecord(e: EmotionStoreEvent, eventId: string, stamp: EventTimes): EmotionEventRecord {
  const { kind: _k, ...emotion } = e;
  return {
    ...emotion,
    arousalConfidence: emotion.arousalConfidence ?? Math.max(emotion.arousal, 1 - emotion.arousal),
    valenceConfidence: emotion.valenceConfidence ?? Math.max(emotion.valence, 1 - emotion.valence),
    eventId,
    changed: false,
    ...stamp,
  };
}

/** The alert service's resolution of an alert closed early (alert-service withdrawn-alerts.ts). */
function alertEndRecord(e: AlertEndEvent, stamp: EventTimes): AlertEventRecord {
  const endedAtMs = Date.parse(e.endedAt);
  return {
    eventId: `${e.alertId}:resolved`,
    alertId: e.alertId,
    callId: e.callId,
    ruleId: '',
    severity: 'unspecified',
    audience: [],
    message: '',
    evidence: [],
    state: 'resolved',
    channel: 'unspecified',
    windowIndex: 0,
    audioMs: 0,
    firedAtMs: 0,
    ...stamp,
    updatedAtMs: endedAtMs,
    agentId: '',
    team: '',
    resolutionReason: e.reason,
  };
}

function alertRecord(e: AlertStoreEvent, eventId: string, stamp: EventTimes): AlertEventRecord {
  return {
    eventId,
    alertId: e.alertId,
    callId: e.callId,
    ruleId: e.ruleId,
    severity: 'warning',
    audience: [e.audience],
    message: e.message,
    evidence: e.evidence,
    state: 'fired',
    channel: e.channel ?? 'unspecified',
    windowIndex: 0,
    audioMs: e.startMs,
    firedAtMs: Date.parse(e.firedAt),
    updatedAtMs: Date.parse(e.firedAt),
    ...stamp,
    agentId: '',
    team: '',
    // Said only when the event says (an alert service before field 28 did not).
    ...(e.endsEarlierAlerts === undefined
      ? {}
      : { ruleRole: e.endsEarlierAlerts ? ('recovery' as const) : ('condition' as const) }),
  };
}
