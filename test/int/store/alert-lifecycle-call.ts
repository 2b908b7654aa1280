// Test helper: a 4-minute call whose alerts had every kind of life, as the alert service's records
// make them: a customer frustration alert (1:06) acknowledged after 9 s and ended by a recovery
// (2:41); an agent-only tension cue (1:30) nobody acknowledged, escalated to supervisors (2:00:
// an alert of its own naming it) and that escalation acknowledged after 12 s; a mood-dropping
// alert (3:20) open until the call ended (4:00). Pure.
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';

export interface LifecycleCall {
  events: StoreEvent[];
  /** Every event but the call end (a call still live). */
  live: StoreEvent[];
  ids: { frustration: string; stress: string; escalation: string; recovery: string; moodDrop: string };
  startedAt: Date;
}

export function lifecycleCall(options: {
  callId: string;
  tenant: string;
  agentId?: string;
  startedAt: Date;
  /** Who acknowledged the frustration alert (default supervisor-1). */
  frustrationAckedBy?: string;
}): LifecycleCall {
  const { callId, tenant, startedAt } = options;
  const call = syntheticStoreCall({
    callId,
    tenant,
    agentId: options.agentId ?? 'agent-1',
    startedAt,
    durationS: 240,
    angryFromS: 60,
    angryToS: 130,
    alert: true,
    ackAfterS: 9,
    seed: 11,
  });
  const at = (ms: number) => new Date(startedAt.getTime() + ms).toISOString();
  const id = (channel: string, ms: number, rule: string) =>
    `${tenant}/${callId}:${channel}:${ms / 500}:${rule}`;
  const ids = {
    frustration: '',
    stress: id('agent', 90_000, 'agent-stress-rising'),
    escalation: id('agent', 120_000, 'agent-stress-rising.escalated'),
    recovery: id('customer', 161_000, 'customer-recovered'),
    moodDrop: id('customer', 200_000, 'customer-mood-dropping'),
  };
  const alert = (
    alertId: string,
    ruleId: string,
    channel: 'agent' | 'customer',
    startMs: number,
    audience: string,
    extra: object = {},
  ): StoreEvent => ({
    kind: 'alert',
    alertId,
    callId,
    tenant,
    ruleId,
    severity: 'warning',
    audience,
    channel,
    startMs,
    firedAt: at(startMs),
    message: `${ruleId} at ${startMs / 1000} s`,
    evidence: [],
    ...extra,
  });
  // The frustration alert of the synthetic call, shown to the agent too (audience both).
  const alerts = call.alerts.map((e) => {
    if (e.kind === 'alert') ids.frustration = e.alertId;
    if (e.kind === 'ack' && options.frustrationAckedBy) return { ...e, ackedBy: options.frustrationAckedBy };
    return e.kind === 'alert' ? { ...e, audience: 'agent,supervisor' } : e;
  });
  const extra: StoreEvent[] = [
    alert(ids.stress, 'agent-stress-rising', 'agent', 90_000, 'agent'),
    alert(ids.escalation, 'agent-stress-rising', 'agent', 120_000, 'supervisor', {
      escalationOf: ids.stress,
    }),
    { kind: 'ack', alertId: ids.escalation, callId, tenant, ackedBy: 'supervisor-1', ackedAt: at(132_000) },
    alert(ids.recovery, 'customer-recovered', 'customer', 161_000, 'agent,supervisor'),
    alert(ids.moodDrop, 'customer-mood-dropping', 'customer', 200_000, 'agent,supervisor'),
  ];
  const live = [call.start, ...call.body, ...alerts, ...extra];
  return { events: [...live, call.end], live, ids, startedAt };
}
