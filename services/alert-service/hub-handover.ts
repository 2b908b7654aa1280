// A call handed to another agent or team (a transfer on a resumed start) reaches its new owner's
// pages through the state push, which carries the call but not its alerts: the alerts fired before
// the transfer that the new owner may see (seesAlert: the customer's frustration, not the previous
// agent's own cues) came only with the next snapshot, so the list on the page differed live and
// after a reload. This gives each client the alert frames of the calls newly visible to it. Pure.
import { canSeeCall } from '../shared/auth/call-access.ts';
import type { Principal } from '../shared/auth/roles.ts';
import type { CallRegistry } from './call-registry.ts';
import { seesAlert } from './hub-visibility.ts';
import type { AlertView } from './protocol.ts';
import type { StateChanges } from './state-frames.ts';

/** For a client of principal `p`: the alerts of calls handed over in this push it now sees anew. */
export function createHandoverAlerts(
  registry: CallRegistry,
  { changed, removed }: StateChanges,
): (p: Principal) => AlertView[] {
  const handed = changed.flatMap((call) => {
    // Not an ended call whose id a new call took: its alerts are another call's.
    const before = removed.filter((r) => r.tenant === call.tenant && r.callId === call.callId && !r.ended);
    return before.length > 0 ? [{ call, before }] : [];
  });
  if (handed.length === 0) return () => [];
  const recent = registry.recentAlerts();
  return (p) =>
    handed
      .filter(({ call, before }) => canSeeCall(p, call) && !before.some((r) => canSeeCall(p, r)))
      .flatMap(
        ({ call }) =>
          recent
            .filter((a) => a.tenant === call.tenant && a.callId === call.callId && seesAlert(registry, p, a))
            .reverse(), // oldest first, as they fired
      );
}
