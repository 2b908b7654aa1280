// Who each live call is, for every instance: the routing group splits va.calls.v1 among its
// instances, so the one that judges a call's emotions or alerts may not hold its start, nor may a
// successor after a restart (its commit is past the start). Each instance therefore also reads
// the whole of va.calls.v1 in a group of its own, from the beginning and without commits (as the
// alert service's fan-out does), and keeps the live calls here, bounded; an end forgets the call
// and is passed on, so the state and held commits of calls ended elsewhere are freed. Pure.
import { pseudonymOrNone } from '../shared/customer-pseudonym.ts';
import type { CallStartInput } from '../../pipelines/routing/index.ts';
import { callKey } from '../shared/call-key.ts';
import type { CallEvent } from '../shared/records.ts';

export interface CallDirectory {
  apply(event: CallEvent): void;
  callOf(tenant: string, callId: string): CallStartInput | undefined;
  readonly size: number;
}

export function createCallDirectory(
  maxCalls: number,
  onEnded: (tenant: string, callId: string) => void,
): CallDirectory {
  const live = new Map<string, CallStartInput>();
  return {
    apply(event) {
      const key = callKey(event.tenant, event.callId);
      // Analytics withdrawn mid-call ends the call here as its end does: no more hints for it.
      if (event.type === 'ended' || (event.type === 'consent-changed' && !event.consent.analytics)) {
        live.delete(key);
        onEnded(event.tenant, event.callId);
        return;
      }
      // No analytics, no hints: such a call needs no entry.
      if (event.type !== 'started' || !event.consent.analytics) return;
      live.delete(key); // a start again (a resumed stream) is the newest entry
      if (live.size >= maxCalls) live.delete(live.keys().next().value as string);
      live.set(key, {
        tenant: event.tenant,
        callId: event.callId,
        customerRef: pseudonymOrNone(event.customerRef),
        agentId: event.agentId,
        queue: event.queue,
        startedAtMs: event.startTimeMs,
      });
    },
    callOf: (tenant, callId) => live.get(callKey(tenant, callId)),
    get size() {
      return live.size;
    },
  };
}
