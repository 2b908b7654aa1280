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
  type RecordCodec,
} from '../../services/shared/index.ts';
import { callKey } from '../../services/shared/call-key.ts';
import type { StoreEvent } from '../../services/call-store/events.ts';
import { eventIdOf } from '../../services/call-store/events.ts';
import { callEventRecord } from './call-event.ts';
import type { StoreTopics } from '../../services/call-store/ingest/consumer.ts';

export interface TopicMessage {
  topic: string;
  messages: { key: string; value: Buffer; headers: Record<string, string> }[];
}

function record<T>(codec: RecordCodec<T>, key: string, value: T) {
  return { key, value: codec.encode(value), headers: codec.headers() };
}

export function toKafka(events: readonly StoreEvent[], topics: StoreTopics): TopicMessage[] {
  const by = new Map<string, TopicMessage['messages']>();
  const push = (topic: string, message: TopicMessage['messages'][number]) => {
    if (!by.has(topic)) by.set(topic, []);
    by.get(topic)?.push(message);
  };
  const now = Date.now();
  for (const e of events) {
    const eventId = eventIdOf(e);
    const key = callKey(e.tenant, e.callId);
    const times = { producedAtMs: now, audioCompletedAtMs: now, tenant: e.tenant };
    switch (e.kind) {
      case 'call-start':
      case 'call-end': {
        const started = e.kind === 'call-start';
        push(
          topics.calls,
          record(
            callEventCodec,
            key,
            callEventRecord(e.callId, {
              eventId,
              type: started ? 'started' : 'ended',
              tenant: e.tenant,
              agentId: started ? e.agentId : '',
              queue: started ? e.queue : '',
              team: started ? e.team : '',
              startTimeMs: started ? Date.parse(e.startedAt) : 0,
              endTimeMs: started ? 0 : Date.parse(e.endedAt),
              consent: started ? e.consent : { analytics: true, storeFeatures: true },
              audioDurationMs: started ? 0 : (e.durationMs ?? 0),
              producedAtMs: now,
            }),
          ),
        );
        break;
      }
      case 'features': {
        const { kind: _k, ...window } = e;
        push(
          topics.features,
          record(featureWindowCodec, key, {
            ...window,
            eventId,
            pace: window.pace as never,
            pitch: window.pitch as never,
            loudness: window.loudness as never,
            voiceQuality: window.voiceQuality as never,
            tensionIndex: window.tensionIndex ?? Number.NaN,
            functionals: [],
            ...times,
          }),
        );
        break;
      }
      case 'dynamics': {
        const { kind: _k, ...dyn } = e;
        push(
          topics.features,
          record(dynamicsWindowCodec, key, {
            ...dyn,
            talkRatioAgent: dyn.talkRatioAgent ?? Number.NaN,
            eventId,
            ...times,
          }),
        );
        break;
      }
      case 'emotion': {
        const { kind: _k, ...emotion } = e;
        push(
          topics.emotions,
          record(emotionEventCodec, key, {
            ...emotion,
            arousalConfidence: emotion.arousalConfidence ?? Math.max(emotion.arousal, 1 - emotion.arousal),
            valenceConfidence: emotion.valenceConfidence ?? Math.max(emotion.valence, 1 - emotion.valence),
            eventId,
            changed: false,
            ...times,
          }),
        );
        break;
      }
      case 'alert':
        push(
          topics.alerts,
          record(alertEventCodec, key, {
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
            ...times,
            agentId: '',
            team: '',
          }),
        );
        break;
      case 'ack':
        push(
          topics.alerts,
          record(alertAckCodec, key, {
            alertId: e.alertId,
            callId: e.callId,
            acknowledgedBy: e.ackedBy,
            acknowledgedAtMs: Date.parse(e.ackedAt),
            tenant: e.tenant,
          }),
        );
        break;
    }
  }
  return [...by].map(([topic, messages]) => ({ topic, messages }));
}
