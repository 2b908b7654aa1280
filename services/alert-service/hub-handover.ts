// A call handed to another agent or team (a transfer on a resumed start) reaches its new owner's
// pages through the state push, which carries the call but not its alerts: the alerts fired before
// the transfer that the new owner may see (seesAlert: the customer's frustration, not the previous
// agent's own cues) came only with the next snapshot, so the list on the page differed live and
// after a reload. This gives each client the alert frames of the calls newly visible to it, live
// and, for a page that was away when the call moved (laptop asleep, Wi-Fi gone), at its resume:
// the transfer is an entry of the tenant's replay log, and these alerts were numbered before the
// page's last number, so the replay of what came after it never had them. Pure.
import { canSeeCall, type CallOwner } from '../shared/auth/call-access.ts';
import type { Principal } from '../shared/auth/roles.ts';
import type { CallRegistry } from './call-registry.ts';
import { seesAlert } from './hub-visibility.ts';
import type { AlertView } from './protocol.ts';
import type { StateChanges } from './state-frames.ts';

/** A call a push handed over: the call (its owner now) and the owners it had before. */
export interface Handover {
  tenant: string;
  callId: string;
  before: CallOwner[];
}

/** The calls this push hands over: not an ended call whose id a new call took (another call's alerts). */
export function handoversOf({ changed, removed }: StateChanges): Handover[] {
  return changed.flatMap((call) => {
    const before = removed.filter((r) => r.tenant === call.tenant && r.callId === call.callId && !r.ended);
    return before.length > 0 ? [{ tenant: call.tenant, callId: call.callId, before }] : [];
  });
}

/** The alerts of the call `p` sees, oldest first (as they fired). */
function alertsOfCall(registry: CallRegistry, p: Principal, h: Handover, recent: AlertView[]): AlertView[] {
  return recent
    .filter((a) => a.tenant === h.tenant && a.callId === h.callId && seesAlert(registry, p, a))
    .reverse();
}

/** `p` sees the call now, and saw it under none of the owners it had before. */
function newlyVisible(registry: CallRegistry, p: Principal, h: Handover): boolean {
  const owner = registry.owner(h.tenant, h.callId);
  return owner !== undefined && canSeeCall(p, owner) && !h.before.some((r) => canSeeCall(p, r));
}

/** For a client of principal `p`: the alerts of calls handed over in this push it now sees anew. */
export function createHandoverAlerts(
  registry: CallRegistry,
  changes: StateChanges,
): (p: Principal) => AlertView[] {
  const handed = handoversOf(changes);
  if (handed.length === 0) return () => [];
  const recent = registry.recentAlerts();
  return (p) =>
    handed.filter((h) => newlyVisible(registry, p, h)).flatMap((h) => alertsOfCall(registry, p, h, recent));
}

/**
 * At a resume from `lastSeq`: the alerts of the calls handed over since (`missed`, oldest first,
 * from the log of `p`'s tenant) that `p` sees now and did not see before the first of them (a
 * call handed away and back while the page was away brings nothing it had), numbered up to
 * `lastSeq` (the replay that follows sends the later ones); oldest first.
 */
export function resumedHandoverAlerts(
  registry: CallRegistry,
  p: Principal,
  missed: Handover[],
  lastSeq: number,
): AlertView[] {
  const judged = new Set<string>();
  const wanted = new Set<string>();
  for (const h of missed) {
    if (h.tenant !== p.tenant || judged.has(h.callId)) continue; // the first transfer decides
    judged.add(h.callId);
    if (newlyVisible(registry, p, h)) wanted.add(h.callId);
  }
  if (wanted.size === 0) return [];
  // One pass over the recent alerts (newest first), not one per call.
  return registry
    .recentAlerts()
    .filter(
      (a) => a.tenant === p.tenant && a.seq <= lastSeq && wanted.has(a.callId) && seesAlert(registry, p, a),
    )
    .reverse();
}
