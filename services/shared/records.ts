// TypeScript shapes of every Kafka record (proto/va/events/v1) and their codecs. Field names are
// the proto names in camelCase; enums are the friendly names of codec.ts. Pure.
import { MAX_ALERT_MESSAGE_CHARS } from '../../pipelines/alerts/engine.ts';
import type { Channel, DynamicsWindow, WindowMeasures } from '../../pipelines/dsp/types.ts';
import { emotionEventProblem, featureWindowProblem, windowTimesProblem } from './window-bounds.ts';
import type { EmotionScores } from '../../pipelines/emotion/types.ts';
import { audioChunkProblem } from './audio-chunk-limits.ts';
import { createCodec, createMultiDecoder } from './codec.ts';
import { previousCustomerRefProblem } from './customer-pseudonym.ts';

/** Codecs accepted at the gRPC edge and carried on va.audio.v1 ('float32' is internal only). */
export type WireCodec = 'linear16' | 'pcmu' | 'pcma';
export type WireChannel = Channel | 'unspecified';

export interface Consent {
  analytics: boolean;
  storeFeatures: boolean;
  /** Keep the call out of the customer's history (Consent.history_opt_out; decodes as false when absent). */
  historyOptOut?: boolean;
}

export interface AudioChunk {
  callId: string;
  channel: WireChannel;
  codec: WireCodec | 'unspecified';
  sampleRateHz: number;
  firstSequence: number;
  lastSequence: number;
  audioStartMs: number;
  audioEndMs: number;
  payload: Uint8Array;
  firstReceivedAtMs: number;
  receivedAtMs: number;
  final: boolean;
  tenant: string;
  chunkIndex: number;
  /** The call was on hold for all of this chunk (va.ingest.v1.CallHold); false from older gateways. */
  onHold?: boolean;
  /** Digest of the leg's agent (proto AudioChunk.agent_leg, never the agent id); 0/absent = unknown. */
  agentLeg?: number;
}

export type CallEventType = 'started' | 'ended' | 'consent-changed' | 'unspecified';

export interface CallEvent {
  eventId: string;
  callId: string;
  type: CallEventType;
  tenant: string;
  agentId: string;
  queue: string;
  team: string;
  customerRef: string;
  /**
   * The customer's pseudonym under the tenant's previous key, on a start during a key rotation
   * (else absent, or '' decoded): the store moves that pseudonym's history to customerRef.
   */
  previousCustomerRef?: string;
  /** On a start: the audio time (ms since call start) where this stream's leg starts (proto). */
  legStartAudioMs?: number;
  /** legStartAudioMs was set; false (decoded) in records from before. */
  legStartKnown?: boolean;
  /** On a start: the call this one continues (a transfer given a new call id); '' or absent: none. */
  previousCallId?: string;
  startTimeMs: number;
  endTimeMs: number;
  codec: WireCodec | 'unspecified';
  sampleRateHz: number;
  channels: WireChannel[];
  consent: Consent;
  endReason: string;
  framesAccepted: number;
  gaps: number;
  audioDurationMs: number;
  producedAtMs: number;
  /** On 'consent-changed': the audio time (ms since call start) from which `consent` holds. */
  consentAudioMs?: number;
}

/** Fields of every per-speaker window event (features, emotions). */
export interface WindowEventBase {
  eventId: string;
  callId: string;
  channel: WireChannel;
  windowIndex: number;
  startMs: number;
  endMs: number;
}

/** Times for end-to-end latency (Unix ms) and the tenant, on every derived event. */
export interface EventTimes {
  producedAtMs: number;
  audioCompletedAtMs: number;
  tenant: string;
}

export interface FeatureWindowRecord extends WindowEventBase, EventTimes, WindowMeasures {
  functionals: number[];
  /** The speaker's last window of the call (absent from older producers: decodes as false). */
  final?: boolean;
  /** Some of the window was on hold (absent from older producers: false). */
  onHold?: boolean;
  /** The agent leg of the window's newest audio (proto FeatureWindow.agent_leg); 0/absent = unknown. */
  agentLeg?: number;
}

/** DynamicsWindow of pipelines/dsp/types.ts plus ids and times. */
export interface DynamicsWindowRecord extends DynamicsWindow, EventTimes {
  eventId: string;
  callId: string;
  /** holdMs > 0, for readers that only ask whether (absent from older producers: false). */
  onHold?: boolean;
}

/** The emotion event on the wire: labels as strings (a newer producer may know more of them). */
export interface EmotionEventRecord extends WindowEventBase, EventTimes, EmotionScores {
  state: string;
  changed: boolean;
  rawLabel: string;
  probabilities: Record<string, number>;
  /** The window was on hold: not judged, not learnt (absent from older producers: false). */
  onHold?: boolean;
}

export type AlertSeverity = 'info' | 'warning' | 'critical' | 'unspecified';
export type AlertState = 'fired' | 'escalated' | 'resolved' | 'acknowledged' | 'unspecified';

export interface AlertEventRecord {
  eventId: string;
  alertId: string;
  callId: string;
  ruleId: string;
  severity: AlertSeverity;
  audience: string[];
  message: string;
  evidence: string[];
  state: AlertState;
  channel: WireChannel;
  windowIndex: number;
  audioMs: number;
  firedAtMs: number;
  updatedAtMs: number;
  producedAtMs: number;
  audioCompletedAtMs: number;
  tenant: string;
  agentId: string;
  team: string;
  /**
   * On a resolution only (field 27): why the alert closed early, `CONSENT_WITHDRAWN` or `ERASED`
   * (alert-service withdrawn-alerts.ts); '' otherwise (absent when produced).
   */
  resolutionReason?: string;
  /**
   * Whether the alert's rule is a recovery, ending the customer's earlier alerts (field 28, from
   * the rule's `endsEarlierAlerts`); 'unspecified' (or absent) on records from before it.
   */
  ruleRole?: AlertRuleRole;
}

export type AlertRuleRole = 'condition' | 'recovery' | 'unspecified';

export interface AlertAckRecord {
  alertId: string;
  callId: string;
  acknowledgedBy: string;
  acknowledgedAtMs: number;
  tenant: string;
}

export interface DeadLetterRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Uint8Array;
  reasonCode: string;
  message: string;
  originalValue: Uint8Array;
  consumerGroup: string;
  service: string;
  failedAtMs: number;
  originalSchema: string;
}

const needsCallId = (value: { callId: string }): string | null => (value.callId ? null : 'callId is empty');
const needsIds = (value: { callId: string; eventId: string }): string | null =>
  needsCallId(value) ?? (value.eventId ? null : 'eventId is empty');
const needsChannel = (value: { channel: WireChannel }): string | null =>
  value.channel === 'unspecified' ? 'channel is unspecified' : null;

/** Every field within the gateway's bounds (a poison chunk is dead-lettered, not analysed). */
export const audioChunkCodec = createCodec<AudioChunk>('va.events.v1.AudioChunk', {
  check: audioChunkProblem,
});
/** A call whose customer the store erased (va.erasures.v1, proto/va/events/v1/call_erased.proto). */
export interface CallErased {
  tenant: string;
  callId: string;
  erasureId: string;
  erasedAtMs: number;
}

export const callErasedCodec = createCodec<CallErased>('va.events.v1.CallErased', { check: needsCallId });
/** A revoked sign-in token, or every token of a user (va.revocations.v1, proto/va/events/v1/token_revoked.proto). */
export interface TokenRevoked {
  tenant: string;
  userId: string;
  /** '' revokes every token of the user issued at or before revokedAtMs. */
  tokenId: string;
  revokedAtMs: number;
  expiresAtMs: number;
}

export const tokenRevokedCodec = createCodec<TokenRevoked>('va.events.v1.TokenRevoked', {
  check: (v) =>
    !v.userId || !v.tenant
      ? 'tenant and userId are required'
      : v.revokedAtMs <= 0
        ? 'revokedAtMs is not set'
        : null,
});
/** One password login at either endpoint (va.login-failures.v1, proto/va/events/v1/login_attempt.proto). */
export interface LoginAttempt {
  attemptId: string;
  outcome: 'failed' | 'succeeded' | 'unspecified';
  /** Keyed digests (login-digest.ts), never the username or the address themselves. */
  accountDigest: string;
  addressDigest: string;
  attemptedAtMs: number;
  writerId: string;
  /** The digest key's id (login-digest.ts digestKeyId); '' in records written before it. */
  keyId: string;
  /** The same attempt under the writer's JWT_PREVIOUS_SECRET during a rotation; '' otherwise. */
  otherKeyId: string;
  otherAccountDigest: string;
  otherAddressDigest: string;
}

const HEX_DIGEST = /^[0-9a-f]{64}$/;

export const loginAttemptCodec = createCodec<LoginAttempt>('va.events.v1.LoginAttempt', {
  check: (v) =>
    !v.attemptId || !v.writerId
      ? 'attemptId and writerId are required'
      : v.outcome === 'unspecified'
        ? 'outcome is unspecified'
        : !HEX_DIGEST.test(v.accountDigest)
          ? 'accountDigest is not a hex SHA-256 digest'
          : v.outcome === 'failed' && !HEX_DIGEST.test(v.addressDigest)
            ? 'addressDigest is not a hex SHA-256 digest'
            : v.attemptedAtMs <= 0
              ? 'attemptedAtMs is not set'
              : v.otherKeyId &&
                  (!HEX_DIGEST.test(v.otherAccountDigest) ||
                    (v.outcome === 'failed' && !HEX_DIGEST.test(v.otherAddressDigest)))
                ? 'otherAccountDigest/otherAddressDigest are not hex SHA-256 digests'
                : null,
});
export const callEventCodec = createCodec<CallEvent>('va.events.v1.CallEvent', {
  check: (v) =>
    needsIds(v) ?? (v.type === 'unspecified' ? 'type is unspecified' : previousCustomerRefProblem(v)),
});
export const featureWindowCodec = createCodec<FeatureWindowRecord>('va.events.v1.FeatureWindow', {
  check: (v) => needsIds(v) ?? needsChannel(v) ?? featureWindowProblem(v),
});
export const dynamicsWindowCodec = createCodec<DynamicsWindowRecord>('va.events.v1.DynamicsWindow', {
  check: (v) => needsIds(v) ?? windowTimesProblem(v),
});
export const emotionEventCodec = createCodec<EmotionEventRecord>('va.events.v1.EmotionEvent', {
  check: (v) => needsIds(v) ?? needsChannel(v) ?? emotionEventProblem(v),
});
/**
 * The alert engine cuts a message at MAX_ALERT_MESSAGE_CHARS (pipelines/alerts/engine.ts); a
 * longer one on the topic did not come from it, and every consumer refuses it alike: a 700 kB
 * message copied into a routing hint made it larger than the broker takes, and the hint's
 * partition replayed for ever.
 */
export { MAX_ALERT_MESSAGE_CHARS };
export const alertEventCodec = createCodec<AlertEventRecord>('va.events.v1.AlertEvent', {
  check: (v) =>
    needsIds(v) ??
    (v.message.length > MAX_ALERT_MESSAGE_CHARS
      ? `message is longer than ${MAX_ALERT_MESSAGE_CHARS} characters`
      : null),
});
export const alertAckCodec = createCodec<AlertAckRecord>('va.events.v1.AlertAck', {
  check: (v) => (v.alertId ? null : 'alertId is empty'),
});
export const deadLetterCodec = createCodec<DeadLetterRecord>('va.events.v1.DeadLetter');

/** va.features.v1 carries FeatureWindow and DynamicsWindow records. */
export const decodeFeaturesTopic = createMultiDecoder<{
  features: FeatureWindowRecord;
  dynamics: DynamicsWindowRecord;
}>({ features: featureWindowCodec, dynamics: dynamicsWindowCodec });

/** va.alerts.v1 carries AlertEvent and AlertAck records. */
export const decodeAlertsTopic = createMultiDecoder<{ alert: AlertEventRecord; ack: AlertAckRecord }>({
  alert: alertEventCodec,
  ack: alertAckCodec,
});
