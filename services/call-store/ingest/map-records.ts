// Kafka records (services/shared codecs) → the store's events: one decode per topic, then a plain
// mapping that keeps every record's tenant (a call is (tenant, call id)). A record the store cannot
// use throws a typed error and is dead-lettered. Pure.
import {
  DecodeError,
  callEventCodec,
  decodeAlertsTopic,
  decodeFeaturesTopic,
  emotionEventCodec,
  type AlertEventRecord,
  type CallEvent,
  type RecordHeaders,
} from '../../shared/index.ts';

/**
 * Unix ms as ISO text. int64 fields can carry more than a Date holds (±8.64e15 ms), where
 * toISOString threw an untyped RangeError (found by test/unit/services/shared/records-fuzz.test.ts).
 */
function isoOf(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) throw new DecodeError('DECODE_FAILED', `time ${ms} ms is out of range`);
  return date.toISOString();
}

/**
 * Where a consent change ends the call's analytics, in whole audio ms (rounded down: a window
 * starting in the withdrawn millisecond is not kept). None when analytics stays, or no time was sent.
 */
function analyticsUntil(value: CallEvent): { analyticsUntilMs?: number } {
  const at = value.consentAudioMs;
  if (value.consent?.analytics !== false || at === undefined || !Number.isFinite(at)) return {};
  return { analyticsUntilMs: Math.max(0, Math.floor(at)) };
}

function callEvent(value: CallEvent): unknown | null {
  // A consent narrowed mid-call is the call's start again with the narrower consent: the store
  // keeps the narrowest consent it saw (writes.ts), so the call is treated from then on as one
  // that started so (store_features=false: details deleted at its summary, alerts and summary
  // kept; history_opt_out or analytics withdrawn: out of the customer's history).
  if (value.type === 'started' || value.type === 'consent-changed') {
    return {
      kind: 'call-start',
      callId: value.callId,
      tenant: value.tenant,
      agentId: value.agentId,
      queue: value.queue,
      team: value.team,
      customerRef: value.customerRef || null,
      previousCustomerRef: value.previousCustomerRef || undefined,
      startedAt: isoOf(value.startTimeMs),
      announcedAt: isoOf(value.producedAtMs || value.startTimeMs),
      consent: value.consent ?? { analytics: true, storeFeatures: true },
      source: 'live',
      legStartMs: value.legStartKnown ? value.legStartAudioMs : null,
      ...(value.type === 'started' && value.previousCallId ? { previousCallId: value.previousCallId } : {}),
      ...(value.type === 'consent-changed' ? { consentChange: true, ...analyticsUntil(value) } : {}),
    };
  }
  if (value.type === 'ended') {
    return {
      kind: 'call-end',
      callId: value.callId,
      tenant: value.tenant,
      endedAt: isoOf(value.endTimeMs || value.producedAtMs),
      durationMs: value.audioDurationMs > 0 ? Math.round(value.audioDurationMs) : null,
      endReason: value.endReason,
    };
  }
  return null;
}

/**
 * The alert an escalation escalated (AlertEvent field 24, which the alert service fills and the
 * shared record type leaves out): kept so the QA page can say when an alert went to supervisors.
 */
function escalationOf(alert: AlertEventRecord & { escalationOf?: string }): { escalationOf?: string } {
  return alert.state === 'escalated' && alert.escalationOf ? { escalationOf: alert.escalationOf } : {};
}

/** Whether the alert is a recovery, as its record says (field 28); nothing when it does not say. */
function endsEarlierAlerts(alert: AlertEventRecord): { endsEarlierAlerts?: boolean } {
  if (alert.ruleRole === 'recovery') return { endsEarlierAlerts: true };
  return alert.ruleRole === 'condition' ? { endsEarlierAlerts: false } : {};
}

/**
 * Decodes one record of a consumed topic into an unvalidated store event (validated later in the
 * batch), or null for record types the store ignores (an alert's later states but its end).
 */
export type StoreTopic = 'calls' | 'features' | 'emotions' | 'alerts';

export function decodeStoreRecord(
  topic: StoreTopic,
  value: Buffer | null,
  headers: RecordHeaders | undefined,
): unknown | null {
  switch (topic) {
    case 'calls':
      return callEvent(callEventCodec.decode(value, headers));
    case 'features': {
      const record = decodeFeaturesTopic(value, headers);
      if (record.schema === 'features') {
        const {
          eventId: _e,
          functionals: _f,
          producedAtMs: _p,
          audioCompletedAtMs: _a,
          ...window
        } = record.value;
        return { kind: 'features', ...window };
      }
      const { eventId: _e, producedAtMs: _p, audioCompletedAtMs: _a, ...dynamics } = record.value;
      return { kind: 'dynamics', ...dynamics };
    }
    case 'emotions': {
      const {
        eventId: _e,
        changed: _c,
        producedAtMs: _p,
        audioCompletedAtMs: _a,
        ...event
      } = emotionEventCodec.decode(value, headers);
      return { kind: 'emotion', ...event };
    }
    case 'alerts': {
      const record = decodeAlertsTopic(value, headers);
      if (record.schema === 'ack') {
        const ack = record.value;
        return {
          kind: 'ack',
          alertId: ack.alertId,
          callId: ack.callId,
          tenant: ack.tenant,
          ackedBy: ack.acknowledgedBy,
          ackedAt: isoOf(ack.acknowledgedAtMs),
        };
      }
      const alert = record.value;
      // An alert closed early (alert-service withdrawn-alerts.ts) gets its end; a resolution with
      // another reason is refused by the schema (dead-lettered), not taken for one of these.
      if (alert.state === 'resolved')
        return {
          kind: 'alert-end',
          alertId: alert.alertId,
          callId: alert.callId,
          tenant: alert.tenant,
          endedAt: isoOf(alert.updatedAtMs || alert.producedAtMs),
          reason: alert.resolutionReason,
        };
      // One alert row per alert id, from its first record; later state updates add nothing here.
      if (alert.state !== 'fired' && alert.state !== 'escalated') return null;
      return {
        kind: 'alert',
        alertId: alert.alertId,
        callId: alert.callId,
        tenant: alert.tenant,
        ruleId: alert.ruleId,
        severity: alert.severity,
        audience: alert.audience.join(',') || 'supervisor',
        channel: alert.channel === 'unspecified' ? null : alert.channel,
        startMs: Math.max(0, Math.round(alert.audioMs)),
        firedAt: isoOf(alert.firedAtMs || alert.producedAtMs),
        message: alert.message,
        evidence: alert.evidence,
        ...escalationOf(alert),
        ...endsEarlierAlerts(alert),
      };
    }
  }
}
