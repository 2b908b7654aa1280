// What the call store ingests, as validated shapes independent of the wire format: call lifecycle,
// speaker windows, dynamics, emotion events, alerts and acknowledgements. Every event names its
// tenant: a call is (tenant, call id), since call ids come from clients. Pure (zod validation).
import { CUSTOMER_PSEUDONYM } from '../shared/customer-pseudonym.ts';
import { z } from 'zod';
import { EMOTION_LABELS } from '../../pipelines/emotion/types.ts';
import {
  BIDI_CONTROL,
  callMetadataProblem,
  canonicalName,
  CONTROL_CHARACTER,
  type CallMetadataField,
} from '../shared/call-metadata.ts';
import { CALL_ID_PATTERN, MAX_CHUNK_AUDIO_TIME_MS } from '../shared/audio-chunk-limits.ts';
import { MAX_ALERT_MESSAGE_CHARS } from '../shared/records.ts';
import { wallTimeProblem } from '../shared/wall-clock.ts';
import { StoreError, issueLines } from './errors.ts';
import { nulPath } from './nul-path.ts';

const channel = z.enum(['agent', 'customer']);
// No control characters: such an id was stored and listed, but every route of the call refused it
// ("path contains a control character"); the gateway's ids are [A-Za-z0-9._-] anyway.
const id = z
  .string()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'contains a control character');
/** Audio times and indices of a call: at most its bound (two days, the gateway's), so sums stay in range. */
const ms = z.number().int().min(0).max(MAX_CHUNK_AUDIO_TIME_MS);
/** NaN/Infinity cannot travel in JSON: the store keeps them as null. */
const num = z.number().nullable();
// Kept in UTC: ISO 8601 allows offsets to ±23:59, PostgreSQL only to ±15:59 (the batch failed).
const isoTime = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());
/** A CallStart field under the limits the gateway enforces too (one shared definition). */
const metadata = (field: CallMetadataField) =>
  z
    .string()
    .transform((value) => (field === 'customerRef' ? value : canonicalName(value)))
    .superRefine((value, ctx) => {
      const problem = callMetadataProblem(field, value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

export const callStartSchema = z.object({
  kind: z.literal('call-start'),
  callId: id,
  tenant: id,
  agentId: metadata('agentId'),
  queue: metadata('queue').default(''),
  /** The call's team (CallEvent `team`); '' = none (imported calls). Scopes supervisors' reads. */
  team: metadata('team').default(''),
  /**
   * The customer's keyed pseudonym (services/ingest-gateway/customer-ref.ts). Anything else — a raw
   * reference from a sender that bypassed the gateway — is dropped here, never stored (nor
   * dead-lettered, which would copy it to another topic): the call just has no customer.
   */
  customerRef: metadata('customerRef')
    .nullable()
    .default(null)
    .transform((ref) => (ref !== null && CUSTOMER_PSEUDONYM.test(ref) ? ref : null)),
  /**
   * During a key rotation, the customer's pseudonym under the tenant's previous key: its history
   * moves to customerRef (store/customer-relink.ts). Anything but a pseudonym is dropped as
   * customerRef is (the codec refuses one on the topic already).
   */
  previousCustomerRef: metadata('customerRef')
    .transform((ref) => (CUSTOMER_PSEUDONYM.test(ref) ? ref : undefined))
    .optional(),
  startedAt: isoTime,
  /**
   * When the gateway announced the start (the record's producedAtMs: the gateway's own clock, not
   * the client's `start_time_ms`, which may run up to a day ahead). What a customer erasure's time
   * is compared with (store/erased-customers.ts); absent (imports): startedAt.
   */
  announcedAt: isoTime.optional(),
  consent: z.object({
    analytics: z.boolean(),
    storeFeatures: z.boolean(),
    /** Keeps the call out of the customer's history (CallStart consent.history_opt_out). */
    historyOptOut: z.boolean().optional(),
  }),
  source: z.enum(['live', 'import']).default('live'),
  /**
   * Where this start's leg of the call starts, in audio time (CallEvent leg_start_audio_ms; a call
   * resumed after a transfer names its new agent there). null: not known (records from before
   * it, imports) or absent: store/legs.ts bounds it.
   */
  legStartMs: ms.nullable().optional(),
  /**
   * The call this one continues (CallEvent previous_call_id: a transfer the platform gave a new
   * call id). One that is not a call id is dropped, not the start with it (the gateway refuses it).
   */
  previousCallId: z
    .string()
    .transform((v) => (CALL_ID_PATTERN.test(v) ? v : undefined))
    .optional(),
  /**
   * A va.calls.v1 consent change read as a start (map-records.ts): it narrows the call's consent
   * but starts no leg (it has no leg position: placed by its wall clock it split another agent's leg).
   */
  consentChange: z.boolean().optional(),
  /**
   * Analytics withdrawn by this consent change from this audio time on (its consent_audio_ms):
   * analysis of audio at or after it is not kept (store/analytics-window.ts).
   */
  analyticsUntilMs: ms.optional(),
});

export const callEndSchema = z.object({
  kind: z.literal('call-end'),
  callId: id,
  tenant: id,
  endedAt: isoTime,
  durationMs: ms.nullable().default(null),
  /** CallEnd.reason as sent ("hangup", "transfer"), or the gateway's; '' when none was given. */
  // One the gateway would refuse (control characters, bidirectional overrides: it is shown on the
  // QA page) is dropped, not the call's end with it.
  endReason: z
    .string()
    .max(200)
    .default('')
    .transform((v) => (CONTROL_CHARACTER.test(v) || BIDI_CONTROL.test(v) ? '' : v)),
});

/** Which speaker window of which call an event describes (features and emotion events). */
const speakerWindow = { callId: id, tenant: id, channel, windowIndex: ms, startMs: ms, endMs: ms };

export const windowSchema = z.object({
  kind: z.literal('features'),
  ...speakerWindow,
  speechFraction: z.number().min(0).max(1),
  voicedFraction: z.number().min(0).max(1),
  pace: z.object({ syllableRate: num, articulationRate: num, pauseRatio: num, meanPauseMs: num }),
  pitch: z.object({ medianHz: num, medianSt: num, meanSt: num, stdSt: num, rangeSt: num, slopeStPerS: num }),
  loudness: z.object({ meanDbfs: num, stdDb: num, peakDbfs: num }),
  voiceQuality: z.record(z.string(), num),
  tensionIndex: num,
});

export const dynamicsSchema = z.object({
  kind: z.literal('dynamics'),
  callId: id,
  tenant: id,
  windowIndex: ms,
  startMs: ms,
  endMs: ms,
  overtalkCount: z.number().int().min(0),
  overtalkMs: z.number().min(0),
  mutualSilenceMs: z.number().min(0),
  longestMutualSilenceMs: z.number().min(0),
  /** Time of the window on hold (0 from producers before hold existed). */
  holdMs: z.number().min(0).optional(),
  /** Time of the window the customer's line was suspected one-way (0/absent: none). */
  customerLineFaultMs: z.number().min(0).optional(),
  talkRatioAgent: num,
  agentResponseLatencyMs: z.array(z.number()),
  customerResponseLatencyMs: z.array(z.number()),
});

const unit = z.number().min(0).max(1);
export const emotionSchema = z.object({
  kind: z.literal('emotion'),
  ...speakerWindow,
  state: z.enum([...EMOTION_LABELS, 'no-speech', 'uncertain']),
  rawLabel: z.enum(EMOTION_LABELS),
  probabilities: z.record(z.string(), z.number()),
  arousal: unit,
  valence: unit,
  /** Confidence of the arousal / valence decision (absent in analyses before model v2). */
  arousalConfidence: unit.optional(),
  valenceConfidence: unit.optional(),
  confidence: unit,
  evidence: z.array(z.string().max(500)).max(20),
});

export const alertSchema = z.object({
  kind: z.literal('alert'),
  alertId: id,
  callId: id,
  tenant: id,
  ruleId: id,
  severity: z.string().min(1).max(40),
  audience: z.string().min(1).max(40),
  channel: channel.nullable().default(null),
  /** Audio time (ms since call start) at which the condition held. */
  startMs: ms,
  firedAt: isoTime,
  message: z.string().max(MAX_ALERT_MESSAGE_CHARS),
  evidence: z.array(z.string().max(500)).max(20).default([]),
  /** An escalation's first alert (AlertEvent escalation_of, state ESCALATED); absent otherwise. */
  escalationOf: id.optional(),
  /**
   * A recovery: it ends the customer's earlier alerts (AlertEvent rule_role, field 28); absent on
   * a record without the field, read by the rule id (pipelines/alerts/recovery-rule.ts).
   */
  endsEarlierAlerts: z.boolean().optional(),
});

export const ackSchema = z.object({
  kind: z.literal('ack'),
  alertId: id,
  callId: id,
  tenant: id,
  ackedBy: id,
  ackedAt: isoTime,
});

/**
 * An alert closed before its call ended (a va.alerts.v1 resolution): the caller withdrew analytics
 * consent mid-call, or the live call's customer was erased.
 */
export const alertEndSchema = z.object({
  kind: z.literal('alert-end'),
  alertId: id,
  callId: id,
  tenant: id,
  endedAt: isoTime,
  reason: z.enum(['CONSENT_WITHDRAWN', 'ERASED']),
});

export const storeEventSchema = z.discriminatedUnion('kind', [
  callStartSchema,
  callEndSchema,
  windowSchema,
  dynamicsSchema,
  emotionSchema,
  alertSchema,
  ackSchema,
  alertEndSchema,
]);

export type CallStartEvent = z.infer<typeof callStartSchema>;
export type CallEndEvent = z.infer<typeof callEndSchema>;
export type WindowEvent = z.infer<typeof windowSchema>;
export type DynamicsEvent = z.infer<typeof dynamicsSchema>;
export type EmotionStoreEvent = z.infer<typeof emotionSchema>;
export type AlertStoreEvent = z.infer<typeof alertSchema>;
export type AckEvent = z.infer<typeof ackSchema>;
export type AlertEndEvent = z.infer<typeof alertEndSchema>;
export type StoreEvent = z.infer<typeof storeEventSchema>;

/** Replaces NaN/±Infinity anywhere in a plain object with null (JSON and zod both need that). */
export function finiteOrNull(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    return Array.from(value as ArrayLike<unknown>, finiteOrNull);
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = finiteOrNull(inner);
    return out;
  }
  return value;
}

/** The wall-clock fields of each event kind that has them. */
function wallTimesOf(event: StoreEvent): [string, string][] {
  switch (event.kind) {
    case 'call-start':
      return event.announcedAt === undefined
        ? [['startedAt', event.startedAt]]
        : [
            ['startedAt', event.startedAt],
            ['announcedAt', event.announcedAt],
          ];
    case 'call-end':
      return [['endedAt', event.endedAt]];
    case 'alert':
      return [['firedAt', event.firedAt]];
    case 'ack':
      return [['ackedAt', event.ackedAt]];
    case 'alert-end':
      return [['endedAt', event.endedAt]];
    default:
      return [];
  }
}

/**
 * Validates one event for the store. `nowMs` bounds its wall-clock time: a time before 2000 or
 * more than a day ahead is refused (INVALID_RECORD, dead-lettered), so retention always applies.
 */
export function parseStoreEvent(input: unknown, nowMs: number = Date.now()): StoreEvent {
  const parsed = storeEventSchema.safeParse(finiteOrNull(input));
  if (!parsed.success) {
    throw new StoreError('INVALID_RECORD', 'invalid store event', issueLines(parsed.error.issues));
  }
  // Refused here, one record, rather than by the database, which would fail the whole batch.
  const nul = nulPath(parsed.data, 'event');
  if (nul) throw new StoreError('INVALID_RECORD', 'invalid store event', [`${nul}: contains NUL`]);
  for (const [field, time] of wallTimesOf(parsed.data)) {
    const problem = wallTimeProblem(Date.parse(time), nowMs);
    if (problem)
      throw new StoreError('INVALID_RECORD', 'invalid store event', [`event.${field}: ${problem}`]);
  }
  return parsed.data;
}

/** Deterministic event id of a stored event, unique across tenants (see notes/apis.md). */
export function eventIdOf(event: StoreEvent): string {
  return `${event.tenant}/${callEventIdOf(event)}`;
}

function callEventIdOf(event: StoreEvent): string {
  switch (event.kind) {
    case 'call-start':
      return `${event.callId}:call:0:start`;
    case 'call-end':
      return `${event.callId}:call:0:end`;
    case 'features':
      return `${event.callId}:${event.channel}:${event.windowIndex}:features`;
    case 'dynamics':
      return `${event.callId}:call:${event.windowIndex}:dynamics`;
    case 'emotion':
      return `${event.callId}:${event.channel}:${event.windowIndex}:emotion`;
    case 'alert':
      return event.alertId;
    case 'ack':
      return `${event.alertId}:ack`;
    case 'alert-end':
      return `${event.alertId}:end`;
  }
}
