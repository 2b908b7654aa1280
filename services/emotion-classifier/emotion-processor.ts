// Turns va.features.v1 records into va.emotions.v1 records: each speaker window goes to that
// speaker's tracker (speaker-trackers.ts); dynamics records are not the classifier's business.
// Speakers are tracked under the call's key (`${tenant}/${callId}`, call-key.ts), so one call id in
// two tenants is two calls. Pure apart from the clock; producing is the caller's job.
import type { ConsumedRecord } from '../shared/consumer-runner.ts';
import type { Decoded } from '../shared/codec.ts';
import { DecodeError } from '../shared/codec.ts';
import { callKey, keyMatches, tenantEventId } from '../shared/call-key.ts';
import { eventId, fromFeatureWindowRecord, toEmotionEventRecord } from '../shared/mapping.ts';
import { outRecord, type OutRecord } from '../shared/producer.ts';
import { emotionEventCodec, type DynamicsWindowRecord, type FeatureWindowRecord } from '../shared/records.ts';
import type { SpeakerTrackers } from './speaker-trackers.ts';

export type FeaturesTopicRecord = Decoded<{ features: FeatureWindowRecord; dynamics: DynamicsWindowRecord }>;

export interface EmotionProcessorOptions {
  trackers: SpeakerTrackers;
  emotionsTopic: string;
  /** The wall clock (default Date.now): events' produced times, the gateway clock's bounds. */
  now?: () => number;
  /**
   * A monotonic clock in ms (default performance.now): a speaker's last window, for the idle
   * sweep (SPEAKER_IDLE_TIMEOUT_MS). On the wall clock a host stepped forward past the timeout
   * freed every live call's baselines, which then were learnt again mid-call.
   */
  monotonicNow?: () => number;
  /** Called per event produced (latency metric), and per duplicate window dropped. */
  onEvent?: (audioCompletedAtMs: number, producedAtMs: number) => void;
  onDuplicate?: () => void;
}

export function createEmotionProcessor(options: EmotionProcessorOptions) {
  const now = options.now ?? Date.now;
  const monotonicNow = options.monotonicNow ?? (() => performance.now());
  return {
    handle(record: ConsumedRecord<FeaturesTopicRecord>): OutRecord[] {
      if (record.value.schema !== 'features') return [];
      const features = fromFeatureWindowRecord(record.value.value);
      if (!keyMatches(record.key, features.tenant, features.callId))
        throw new DecodeError('DECODE_FAILED', 'record key is not the window call');
      const key = callKey(features.tenant, features.callId);
      const tracked = options.trackers.push(
        {
          partition: record.partition,
          offset: Number(record.offset),
          callId: key,
          channel: features.channel,
          window: features.window,
          arrivalMs: features.audioCompletedAtMs,
          final: features.final,
          agentLeg: features.agentLeg,
        },
        now(),
        monotonicNow(),
      );
      if (tracked === null) {
        options.onDuplicate?.();
        return [];
      }
      if (tracked.replayed) return [];
      const producedAtMs = now();
      options.onEvent?.(features.audioCompletedAtMs, producedAtMs);
      const value = toEmotionEventRecord(tracked.event, {
        tenant: features.tenant,
        producedAtMs,
        audioCompletedAtMs: features.audioCompletedAtMs,
      });
      // The tracker only knows the call's key: the record names the client's call id, and its id
      // carries the tenant (two tenants' windows of one call id are two events).
      value.callId = features.callId;
      value.eventId = tenantEventId(
        features.tenant,
        eventId(features.callId, features.channel, features.window.windowIndex, 'emotion'),
      );
      return [outRecord(options.emotionsTopic, emotionEventCodec, key, value)];
    },
  };
}
