// Which alerts and calls a principal sees, over the registry: the access rules of
// pipelines/alerts applied to the hub's live state. Pure reads of the registry.
import type { Audience } from '../../pipelines/alerts/index.ts';
import { audienceIncludes } from '../shared/auth/alert-audience.ts';
import { canSeeCall } from '../shared/auth/call-access.ts';
import type { Principal } from '../shared/auth/roles.ts';
import { callView, type CallRegistry } from './call-registry.ts';
import type { AlertView } from './protocol.ts';

/** Alerts carry their call's owner, so they are routed even before the call record arrived. */
export function seesAlert(registry: CallRegistry, p: Principal, alert: AlertView): boolean {
  return (
    canSeeCall(p, registry.owner(alert.tenant, alert.callId) ?? alert) &&
    audienceIncludes(p, alert.audience as Audience)
  );
}

export function visibleCalls(registry: CallRegistry, p: Principal) {
  return registry
    .calls()
    .filter((c) => canSeeCall(p, c))
    .map((c) => callView(c)); // not .map(callView): the index would be taken for trendTail (UX probe)
}

/** Who is told of an erased call: whoever could see the call (by its last owner). */
export function seesErasure(p: Principal, tenant: string, owner: { agentId: string; team: string }): boolean {
  return canSeeCall(p, { tenant, ...owner });
}
