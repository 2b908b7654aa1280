// Analytics withdrawn mid-call (va.calls.v1 consent-changed) through the call lifecycle: the call
// leaves the registry's live calls with its alerts, its rule state is freed, a late emotion of it
// opens nothing; a narrower storage or history consent leaves the live call as it is.
import { describe, expect, it } from 'vitest';
import { applyCallEvent } from '../../../../services/alert-service/call-lifecycle.ts';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import type { AlertView } from '../../../../services/alert-service/protocol.ts';
import { callEventRecord } from '../../../../devkit/records/call-event.ts';

function setup() {
  const registry = createCallRegistry({});
  const ended: string[] = [];
  const reasons: string[] = [];
  // The hub's erasure is the registry's (hub-broadcaster.ts), which then tells the pages why.
  const targets = {
    registry,
    hub: {
      eraseCall: (tenant: string, callId: string, at: number | undefined, reason: string) => {
        reasons.push(reason);
        return registry.erase(tenant, callId, at) !== null;
      },
    },
    onCallEnded: (key: string) => ended.push(key),
  };
  const apply = (callId: string, over: Parameters<typeof callEventRecord>[1] = {}) =>
    applyCallEvent(
      callEventRecord(callId, { agentId: 'agent-1', team: 'blue', ...over }),
      targets,
      Date.now(),
    );
  const live = () => registry.calls().map((c) => c.callId);
  return { registry, ended, reasons, apply, live };
}

const consent = (over: object) => ({ analytics: true, storeFeatures: true, historyOptOut: false, ...over });

describe('alert service: consent withdrawn mid-call', () => {
  it('takes the call and its alerts off the live view and frees its rule state', () => {
    const { registry, ended, reasons, apply, live } = setup();
    apply('c-1');
    registry.addAlert({ alertId: 'demo/c-1:a', callId: 'c-1', tenant: 'demo' } as AlertView);
    expect(live()).toEqual(['c-1']);
    apply('c-1', { type: 'consent-changed', consent: consent({ analytics: false }) });
    expect(live()).toEqual([]);
    expect(registry.findAlert('demo/c-1:a')).toBeUndefined();
    expect(ended).toEqual(['demo/c-1']);
    expect(reasons).toEqual(['CONSENT_WITHDRAWN']);
    // A late emotion (audio before the change, still in flight) brings nothing back.
    registry.emotion('demo', 'c-1', { channel: 'customer', state: 'angry' } as never, Date.now());
    expect(live()).toEqual([]);
    // Replayed (a restart re-reads the topic): still gone, the start does not bring it back.
    apply('c-1');
    apply('c-1', { type: 'consent-changed', consent: consent({ analytics: false }) });
    expect(live()).toEqual([]);
  });

  it('keeps a call whose consent narrowed only what is kept', () => {
    const { ended, apply, live } = setup();
    apply('c-2');
    apply('c-2', {
      type: 'consent-changed',
      consent: consent({ storeFeatures: false, historyOptOut: true }),
    });
    expect(live()).toEqual(['c-2']);
    expect(ended).toEqual([]);
  });
});
