// What became of each alert of a call, for the QA review (GET /calls/{id} `lifecycle`): raised,
// escalated to supervisors (the escalation is an alert of its own naming this one), acknowledged
// (by whom, how long after it was raised), ended and why. Derived when read from the stored rows
// (alerts, alert_acks, the call's end), so a replay, which changes no row, changes nothing, and a
// reader who may not see an alert gets no fact taken from it (audience.ts derives again over the
// alerts the reader sees). Pure.
import { isRecoveryByName } from '../../../pipelines/alerts/recovery-rule.ts';
import { escalationCues } from '../../../pipelines/scorecard/index.ts';
import { TOMBSTONE_PREFIX } from './erased-agents.ts';

/**
 * Why an alert ended, as the API names it. RECOVERED: a recovery alert on the customer's channel
 * fired after it; CALL_ENDED: nothing ended it sooner than its call; CONSENT_WITHDRAWN and ERASED:
 * the alert service's resolution on va.alerts.v1 (migration 021).
 */
export type AlertEndReason = 'RECOVERED' | 'CALL_ENDED' | 'CONSENT_WITHDRAWN' | 'ERASED';

/** An alert as listAlerts (calls.ts) reads it: the stored facts. */
export interface StoredAlert {
  alertId: string;
  ruleId: string;
  channel: 'agent' | 'customer' | null;
  startMs: number;
  firedAt: string;
  acknowledgement: { by: string; at: string } | null;
  /** The alert service's early closure (migration 021), null otherwise. */
  end: { at: string; reason: string } | null;
  /** The alert this one escalated (migration 023); null or absent otherwise. */
  escalationOf?: string | null;
  /** A recovery, as its record said (migration 025); null or absent: not said, read by its rule id. */
  endsEarlierAlerts?: boolean | null;
}

/** What of the call's own end the lifecycle needs (a call list item has it). */
export interface CallEndFacts {
  status: 'live' | 'ended';
  endedAt: string | null;
  durationMs: number | null;
}

export interface AlertLifecycle {
  raisedAt: string;
  /** Audio time (ms since the call's start) it was raised at. */
  raisedMs: number;
  /**
   * On an escalation: the alert it escalated (its stored link, or for one stored before migration
   * 023 the alert its id and rule name: pipelines/scorecard/alert-episodes.ts).
   */
  escalationOf: string | null;
  /** Its escalation to supervisors, when one was raised. */
  escalated: { alertId: string; at: string; audioMs: number } | null;
  /** `by` null: an agent since erased (their id is not kept); `afterMs`: from raised to acknowledged. */
  acknowledged: { by: string | null; byErasedAgent: boolean; at: string; afterMs: number } | null;
  /** `audioMs` null where the record gives only a wall-clock time; `alertId`: the recovery's. */
  ended: { at: string; audioMs: number | null; reason: AlertEndReason; alertId: string | null } | null;
}

/**
 * A recovery ("customer-recovered", config/alert-rules.yaml: calm after anger) ends the customer's
 * alerts raised before it. Its rule says so (endsEarlierAlerts, on the record); an alert whose
 * record did not say is read by its rule id as before (pipelines/alerts/recovery-rule.ts).
 */
const isRecovery = (a: StoredAlert) =>
  a.channel === 'customer' && (a.endsEarlierAlerts ?? isRecoveryByName(a.channel, a.ruleId));

type Ended = NonNullable<AlertLifecycle['ended']>;

/**
 * The recovery that ended a customer alert: the first after it, unless the same rule fired again
 * before that recovery. The rules engine raises one alert per episode (a run of the condition), so
 * a later alert of the rule is a later episode, and the recovery followed that one, not this.
 */
function recoveryOf(
  alert: StoredAlert,
  recoveries: readonly StoredAlert[],
  alerts: readonly StoredAlert[],
  cueOfEscalation: ReadonlyMap<string, StoredAlert>,
): StoredAlert | undefined {
  const recovery = recoveries.find((r) => r.startMs > alert.startMs);
  if (!recovery) return undefined;
  const laterEpisode = alerts.some(
    (other) =>
      other.ruleId === alert.ruleId &&
      other.channel === alert.channel &&
      !cueOfEscalation.has(other.alertId) &&
      other.startMs > alert.startMs &&
      other.startMs < recovery.startMs,
  );
  return laterEpisode ? undefined : recovery;
}

function endOf(
  alert: StoredAlert,
  recoveries: readonly StoredAlert[],
  alerts: readonly StoredAlert[],
  cueOfEscalation: ReadonlyMap<string, StoredAlert>,
  call: CallEndFacts,
): Ended | null {
  const candidates: Ended[] = [];
  if (alert.end)
    candidates.push({
      at: alert.end.at,
      audioMs: null,
      reason: alert.end.reason as AlertEndReason,
      alertId: null,
    });
  if (alert.channel === 'customer' && !isRecovery(alert)) {
    const recovery = recoveryOf(alert, recoveries, alerts, cueOfEscalation);
    if (recovery)
      candidates.push({
        at: recovery.firedAt,
        audioMs: recovery.startMs,
        reason: 'RECOVERED',
        alertId: recovery.alertId,
      });
  }
  // The first that happened (a recovery before a later withdrawal was the alert's end).
  candidates.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (candidates.length > 0) return candidates[0];
  if (call.status !== 'ended' || call.endedAt === null) return null;
  return { at: call.endedAt, audioMs: call.durationMs, reason: 'CALL_ENDED', alertId: null };
}

function acknowledgedOf(alert: StoredAlert): AlertLifecycle['acknowledged'] {
  const ack = alert.acknowledgement;
  if (!ack) return null;
  // An erased agent's acknowledgement carries a random tombstone (agent-erasure.ts): said as such.
  const erased = ack.by.startsWith(TOMBSTONE_PREFIX);
  return {
    by: erased ? null : ack.by,
    byErasedAgent: erased,
    at: ack.at,
    afterMs: Math.max(0, Date.parse(ack.at) - Date.parse(alert.firedAt)),
  };
}

/** Each alert with its lifecycle, derived from `alerts` alone (and the call's end). */
export function withLifecycles<A extends StoredAlert>(
  alerts: readonly A[],
  call: CallEndFacts,
): (A & { lifecycle: AlertLifecycle })[] {
  const recoveries = alerts.filter(isRecovery).sort((a, b) => a.startMs - b.startMs);
  // By escalation id, the cue it escalated; by cue id, its first escalation.
  const cues = escalationCues(alerts);
  const escalations = new Map<string, A>();
  for (const a of [...alerts].sort((x, y) => x.startMs - y.startMs)) {
    const cue = cues.get(a.alertId);
    if (cue && !escalations.has(cue.alertId)) escalations.set(cue.alertId, a);
  }
  return alerts.map((alert) => {
    const escalation = escalations.get(alert.alertId);
    return {
      ...alert,
      lifecycle: {
        raisedAt: alert.firedAt,
        raisedMs: alert.startMs,
        escalationOf: cues.get(alert.alertId)?.alertId ?? alert.escalationOf ?? null,
        escalated: escalation
          ? { alertId: escalation.alertId, at: escalation.firedAt, audioMs: escalation.startMs }
          : null,
        acknowledged: acknowledgedOf(alert),
        ended: endOf(alert, recoveries, alerts, cues, call),
      },
    };
  });
}
