// A va.calls.v1 record applied to this instance's view of the call: a start registers (or moves)
// the call, an end ends it, analytics withdrawn mid-call takes it off every page as an erasure
// does (its pages told why: `CONSENT_WITHDRAWN`). The rule engine hears of ends and withdrawals
// through `onCallEnded`; the alerts it raised are closed by withdrawn-alert-closer.ts. Pure apart
// from what the registry and hub do.
import { callKey } from '../shared/call-key.ts';
import type { CallEvent } from '../shared/records.ts';
import type { CallRegistry } from './call-registry.ts';
import type { Hub } from './hub.ts';

export interface CallLifecycleTargets {
  registry: Pick<CallRegistry, 'start' | 'end'>;
  hub: Pick<Hub, 'eraseCall'>;
  onCallEnded: (key: string) => void;
}

export function applyCallEvent(e: CallEvent, targets: CallLifecycleTargets, nowMs: number): void {
  const { registry, hub, onCallEnded } = targets;
  if (e.type === 'started') {
    registry.start({
      callId: e.callId,
      tenant: e.tenant,
      agentId: e.agentId,
      team: e.team,
      queue: e.queue,
      startedAtMs: e.startTimeMs || nowMs,
    });
  } else if (e.type === 'ended') {
    registry.end(e.tenant, e.callId, e.endTimeMs || nowMs);
    onCallEnded(callKey(e.tenant, e.callId));
  } else if (e.type === 'consent-changed' && !e.consent.analytics) {
    // Analytics withdrawn mid-call: the call leaves every live page with its alerts, as an erased
    // call does (its pages get `erased`: nothing of it may stay on a screen), and whatever of it
    // still arrives is dropped and raises nothing (a late emotion of the audio before the change
    // included); its rule state is freed as at an end. Idempotent: an erased call stays erased.
    hub.eraseCall(e.tenant, e.callId, e.producedAtMs || nowMs, 'CONSENT_WITHDRAWN');
    onCallEnded(callKey(e.tenant, e.callId));
  }
}
