// Which alerts and calls a principal sees, over the registry: the access rules of
// pipelines/alerts applied to the hub's live state. Pure reads of the registry.
import type { Audience } from '../../pipelines/alerts/index.ts';
import { audienceIncludes } from '../shared/auth/alert-audience.ts';
import { canSeeCall, type CallOwner } from '../shared/auth/call-access.ts';
import type { Principal } from '../shared/auth/roles.ts';
import { callView, type CallRegistry, type ErasedCall, type RemovedCall } from './call-registry.ts';
import type { AlertView, ErasedView } from './protocol.ts';

/**
 * Alerts carry their call's owner, so they are routed even before the call record arrived. A cue
 * for the agent alone ("Slow down") stays with the agent it was fired to when the call moves to
 * another agent (a transfer on a resumed start): it is that agent's coaching, not the new one's.
 */
export function seesAlert(registry: CallRegistry, p: Principal, alert: AlertView): boolean {
  if (!audienceIncludes(p, alert.audience as Audience)) return false;
  // An agent's page lists its call's alerts by call id: an ended call's, whose id a new call took,
  // would be listed as the new call's (another customer's), so agents no longer get them.
  if (p.role === 'agent' && registry.ofEarlierCall(alert.alertId)) return false;
  // Whoever it was fired to keeps it (a transfer moved the call on: the previous agent's cues, the
  // previous team's open alerts stay theirs in a snapshot, a replay and an acknowledgement).
  if (canSeeCall(p, alert)) return true;
  if (p.role === 'agent' && alert.audience === 'agent' && alert.agentId !== '') return false;
  // An ended call's alerts do not follow its id to the new call that took it (another customer).
  if (registry.ofEarlierCall(alert.alertId)) return false;
  return canSeeCall(p, registry.owner(alert.tenant, alert.callId) ?? alert);
}

/**
 * Whether `p` was sent `alert` of a call that ended under `lastOwner` (its id since taken by a new
 * call): fired to an owner `p` sees, or handed to `p` with the call (a transfer to `p`'s agent or
 * team; not the previous agent's own cues), as seesAlert gave it before the reuse.
 */
export function hadEndedCallAlert(p: Principal, alert: AlertView, lastOwner: CallOwner): boolean {
  if (!audienceIncludes(p, alert.audience as Audience)) return false;
  if (canSeeCall(p, alert)) return true;
  if (p.role === 'agent' && alert.audience === 'agent' && alert.agentId !== '') return false;
  return canSeeCall(p, lastOwner);
}

/**
 * An ended call whose id a new call took (a replay log entry): its last owner and its own alerts,
 * not those of calls before it under the id (their owners were told at their own reuse).
 */
export interface ReusedCall extends CallOwner {
  kind: 'reused';
  callId: string;
  alertIds: readonly string[];
}

export const reusedEntry = (r: RemovedCall): ReusedCall => ({
  kind: 'reused',
  tenant: r.tenant,
  callId: r.callId,
  agentId: r.agentId,
  team: r.team,
  alertIds: r.endedCallAlertIds ?? [],
});

/** The ended call's own alerts still listed (an erasure since forgot them). */
export function endedCallAlerts(registry: CallRegistry, r: ReusedCall): AlertView[] {
  return r.alertIds.flatMap((id) => {
    const a = registry.findAlert(id);
    return a && a.tenant === r.tenant && registry.ofEarlierCall(id) ? [a] : [];
  });
}

export function visibleCalls(registry: CallRegistry, p: Principal) {
  return registry
    .calls()
    .filter((c) => canSeeCall(p, c))
    .map((c) => callView(c)); // not .map(callView): the index would be taken for trendTail (UX probe)
}

/**
 * What `p` is told of an erased call: null when it could not see the call (by its last owner),
 * else the frame naming the alerts of it `p` could see (an agent never learns of a supervisor-only
 * alert).
 */
export function erasedViewFor(p: Principal, view: ErasedView, erased: ErasedCall): ErasedView | null {
  // The call's owner when erased, or the owner an alert was fired to (a transfer moved the call
  // on, and the previous agent's page still holds that agent's cues).
  const sawCall = canSeeCall(p, { tenant: view.tenant, ...erased.owner });
  const sawAlert = (a: ErasedCall['alerts'][number]) =>
    sawCall || canSeeCall(p, { tenant: view.tenant, agentId: a.agentId ?? '', team: a.team ?? '' });
  if (!sawCall && !erased.alerts.some(sawAlert)) return null;
  const alertIds = erased.alerts
    .filter((a) => audienceIncludes(p, a.audience as Audience) && sawAlert(a))
    .map((a) => a.alertId);
  return { ...view, alertIds };
}
