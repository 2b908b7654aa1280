// Mapping between the rules engine's alerts, the va.alerts.v1 records (AlertEvent, AlertAck) and
// the views pushed to the pages. Pure.
import { MAX_ALERT_MESSAGE_CHARS } from '../../pipelines/alerts/engine.ts';
import type { AlertEvent } from '../../pipelines/alerts/index.ts';
import { audienceOf } from '../shared/auth/alert-audience.ts';
import type { CallOwner } from '../shared/auth/call-access.ts';
import { createCodec } from '../shared/codec.ts';
import type { AlertAckRecord, AlertEventRecord, WireChannel } from '../shared/records.ts';
import type { AckView, AlertView } from './protocol.ts';

/** AlertEvent with the fields the alert-service added to the proto (numbers 20-26; 27-28 are in AlertEventRecord). */
export interface AlertRecord extends AlertEventRecord {
  ruleName: string;
  cue: string;
  heldMs: number;
  conditionStartMs: number;
  escalationOf: string;
  queue: string;
  subject: string;
}

// The same bound as every other consumer's (shared/records.ts): the wallboard does not show an
// alert the store and the routing service refuse.
export const alertRecordCodec = createCodec<AlertRecord>('va.events.v1.AlertEvent', {
  check: (v) =>
    !(v.callId && v.eventId && v.alertId)
      ? 'callId, eventId and alertId are required'
      : v.message.length > MAX_ALERT_MESSAGE_CHARS
        ? `message is longer than ${MAX_ALERT_MESSAGE_CHARS} characters`
        : null,
});

export interface AlertOwner extends CallOwner {
  queue: string;
}

export function toAlertRecord(
  alert: AlertEvent,
  owner: AlertOwner,
  times: { firedAtMs: number; audioCompletedAtMs: number },
): AlertRecord {
  const audience = alert.audience === 'both' ? ['agent', 'supervisor'] : [alert.audience];
  const channel: WireChannel = alert.subject === 'call' ? 'unspecified' : alert.subject;
  return {
    eventId: alert.alertId,
    alertId: alert.alertId,
    callId: alert.callId,
    ruleId: alert.ruleId,
    severity: alert.severity,
    audience,
    message: alert.message,
    evidence: alert.evidence,
    state: alert.kind === 'escalated' ? 'escalated' : 'fired',
    channel,
    windowIndex: alert.windowIndex,
    audioMs: alert.audioMs,
    firedAtMs: times.firedAtMs,
    updatedAtMs: times.firedAtMs,
    producedAtMs: times.firedAtMs,
    audioCompletedAtMs: times.audioCompletedAtMs,
    tenant: owner.tenant,
    agentId: owner.agentId,
    team: owner.team,
    ruleName: alert.ruleName,
    cue: alert.cue ?? '',
    heldMs: alert.heldMs,
    conditionStartMs: alert.conditionStartMs,
    escalationOf: alert.escalationOf ?? '',
    queue: owner.queue,
    subject: alert.subject,
    ruleRole: alert.endsEarlierAlerts ? 'recovery' : 'condition',
  };
}

export function alertViewOf(r: AlertRecord): Omit<AlertView, 'seq'> {
  const audience = audienceOf(r.audience);
  return {
    alertId: r.alertId,
    callId: r.callId,
    ruleId: r.ruleId,
    ruleName: r.ruleName || r.ruleId,
    kind: r.state === 'escalated' ? 'escalated' : 'raised',
    subject: r.subject || (r.channel === 'unspecified' ? 'call' : r.channel),
    severity: r.severity,
    audience,
    message: r.message,
    cue: r.cue || null,
    evidence: r.evidence,
    audioMs: r.audioMs,
    firedAtMs: r.firedAtMs,
    tenant: r.tenant,
    agentId: r.agentId,
    team: r.team,
    queue: r.queue,
    acknowledgedBy: null,
    acknowledgedAtMs: null,
  };
}

export function toAckRecord(ack: Omit<AckView, 'seq'>, tenant: string): AlertAckRecord {
  return {
    alertId: ack.alertId,
    callId: ack.callId,
    acknowledgedBy: ack.acknowledgedBy,
    acknowledgedAtMs: ack.acknowledgedAtMs,
    tenant,
  };
}
