// The call's va.calls.v1 CallEvent records (started / consent-changed / ended) built from the
// session's state: event ids that a repeat, a replay or a hand-over sends again unchanged, the
// start's leg and relink fields, the consent change's audio time. Pure apart from the clock.
import { callKey, tenantEventId } from '../shared/call-key.ts';
import { outRecord, type OutRecord } from '../shared/producer.ts';
import { callEventCodec, type CallEvent, type CallEventType } from '../shared/records.ts';
import { consentEventSuffix } from './consent-change.ts';
import type { CallSpec } from './validate.ts';

/** What the session knows of its call when an event leaves. */
export interface CallEventFacts {
  topic: string;
  spec: CallSpec;
  /** The customer's pseudonym under the tenant's previous key, while rotating (else ''). */
  previousCustomerRef: string;
  /** When CallStart came: the start's producedAtMs even though it leaves at the first frame. */
  announcedAtMs: number;
  framesAccepted: number;
  gaps: number;
  /** Audio time the call has reached (its longest channel). */
  reachedAudioMs: number;
  now: () => number;
}

/**
 * One call event. `legStartMs`: a start's leg position (leg-start.ts); `changeAudioMs`: where a
 * consent change takes effect (a resume's is where the dropped stream reached).
 */
export function callEventRecord(
  facts: CallEventFacts,
  type: CallEventType,
  endReason = '',
  at: { legStartMs?: number | null; changeAudioMs?: number } = {},
): OutRecord {
  const { spec: current, previousCustomerRef, now } = facts;
  const legStartMs = at.legStartMs ?? null;
  const changeAudioMs = at.changeAudioMs ?? facts.reachedAudioMs;
  const suffix = type === 'consent-changed' ? consentEventSuffix(current.consent) : `call:${type}`;
  const event: CallEvent = {
    eventId: tenantEventId(current.tenant, `${current.callId}:${suffix}`),
    callId: current.callId,
    type,
    tenant: current.tenant,
    agentId: current.agentId,
    queue: current.queue,
    team: current.team,
    customerRef: current.customerRef,
    // The start is what the store relinks on (and what a replay or a hand-over sends again).
    ...(type === 'started' && previousCustomerRef !== '' ? { previousCustomerRef } : {}),
    ...(type === 'started' && current.previousCallId !== ''
      ? { previousCallId: current.previousCallId }
      : {}),
    ...(type === 'started' && legStartMs !== null
      ? { legStartAudioMs: legStartMs, legStartKnown: true }
      : {}),
    startTimeMs: current.startTimeMs,
    endTimeMs: type === 'ended' ? now() : 0,
    codec: current.codec,
    sampleRateHz: current.sampleRateHz,
    channels: current.channels,
    consent: current.consent,
    endReason,
    framesAccepted: facts.framesAccepted,
    gaps: facts.gaps,
    audioDurationMs: facts.reachedAudioMs,
    producedAtMs: type === 'started' ? facts.announcedAtMs : now(),
    ...(type === 'consent-changed' ? { consentAudioMs: changeAudioMs } : {}),
  };
  return outRecord(facts.topic, callEventCodec, callKey(current.tenant, current.callId), event);
}
