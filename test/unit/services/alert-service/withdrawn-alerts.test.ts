// The open alerts of a call withdrawn or erased mid-call (withdrawn-alerts.ts): each is closed by
// one resolution record, with the reason and none of the alert's words; none twice (a resolution
// read back, produced, or in flight), none for an erasure after the call's end, none for an
// acknowledged-only or resolved alert, and calls with nothing left to close are forgotten.
import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../../services/alert-service/alert-records.ts';
import { createWithdrawnAlerts } from '../../../../services/alert-service/withdrawn-alerts.ts';

const T0 = 1_000_000;

function alert(callId: string, n: number, over: Partial<AlertRecord> = {}): AlertRecord {
  const alertId = `demo/${callId}:customer:${n}:customer-frustration`;
  return {
    eventId: alertId,
    alertId,
    callId,
    ruleId: 'customer-frustration',
    severity: 'critical',
    audience: ['agent', 'supervisor'],
    message: 'Customer frustrated',
    evidence: ['pitch +3.4 st over baseline'],
    state: 'fired',
    channel: 'customer',
    windowIndex: n,
    audioMs: n * 1000,
    firedAtMs: T0,
    updatedAtMs: T0,
    producedAtMs: T0,
    audioCompletedAtMs: T0,
    tenant: 'demo',
    agentId: 'agent-1',
    team: 'blue',
    ruleName: 'Customer frustration sustained',
    cue: 'Acknowledge the problem',
    heldMs: 8000,
    conditionStartMs: 1000,
    escalationOf: '',
    queue: 'billing',
    subject: 'customer',
    ...over,
  };
}

describe('withdrawn alerts', () => {
  it('closes each open alert of a withdrawn call once, with the reason and without its words', () => {
    const t = createWithdrawnAlerts(600_000);
    t.alertSeen(alert('c1', 5));
    t.alertSeen(alert('c1', 9, { state: 'escalated' }));
    t.alertSeen(alert('c2', 5));
    expect(t.due(T0 + 1)).toEqual([]);
    t.withdrawn('demo', 'c1', 'CONSENT_WITHDRAWN', T0 + 10);
    const due = t.due(T0 + 20);
    expect(due.map((r) => r.eventId)).toEqual([
      'demo/c1:customer:5:customer-frustration:resolved',
      'demo/c1:customer:9:customer-frustration:resolved',
    ]);
    expect(due[0]).toMatchObject({
      alertId: 'demo/c1:customer:5:customer-frustration',
      state: 'resolved',
      resolutionReason: 'CONSENT_WITHDRAWN',
      message: '',
      evidence: [],
      cue: '',
      firedAtMs: T0,
      // Ended at the withdrawal (the store's ended_at), produced now.
      updatedAtMs: T0 + 10,
      producedAtMs: T0 + 20,
      agentId: 'agent-1',
    });
    // In flight: not handed out again; failed: due again; produced: never again.
    expect(t.due(T0 + 30)).toEqual([]);
    t.failed([due[1]!]);
    expect(t.due(T0 + 40).map((r) => r.alertId)).toEqual([due[1]!.alertId]);
    t.produced(due);
    expect(t.due(T0 + 50)).toEqual([]);
  });

  it('produces nothing for an alert whose resolution a previous run wrote (read back at start)', () => {
    const t = createWithdrawnAlerts(600_000);
    t.alertSeen(alert('c1', 5));
    t.alertSeen({ ...alert('c1', 5), state: 'resolved', eventId: 'x:resolved' });
    t.withdrawn('demo', 'c1', 'ERASED', T0 + 10);
    expect(t.due(T0 + 20)).toEqual([]);
  });

  it('closes the alerts of a call erased while live, not of one erased after its end', () => {
    const t = createWithdrawnAlerts(600_000);
    t.alertSeen(alert('live', 1));
    t.alertSeen(alert('over', 1));
    t.ended('demo', 'over', T0 + 100);
    t.withdrawn('demo', 'over', 'ERASED', T0 + 5_000);
    t.withdrawn('demo', 'live', 'ERASED', T0 + 5_000);
    // A later consent change does not rename the reason of the first withdrawal.
    t.withdrawn('demo', 'live', 'CONSENT_WITHDRAWN', T0 + 6_000);
    const due = t.due(T0 + 6_000);
    expect(due.map((r) => [r.callId, r.resolutionReason])).toEqual([['live', 'ERASED']]);
    // The ended call with nothing to close is forgotten; so is the closed one once it ends.
    expect(t.size()).toBe(1);
    t.produced(due);
    t.ended('demo', 'live', T0 + 7_000);
    t.due(T0 + 7_000);
    expect(t.size()).toBe(0);
  });

  it('forgets the alerts of calls never withdrawn once nothing of them was seen for a while', () => {
    const t = createWithdrawnAlerts(60_000);
    t.alertSeen(alert('old', 1));
    t.due(T0 + 1_000);
    expect(t.size()).toBe(1);
    // A call still in progress keeps its alert however old: a withdrawal may come late in a call.
    t.due(T0 + 61_000, () => true);
    expect(t.size()).toBe(1);
    t.due(T0 + 61_000, () => false);
    expect(t.size()).toBe(0);
    // A resolution of a forgotten call brings nothing back.
    t.alertSeen({ ...alert('old', 1), state: 'resolved' });
    expect(t.size()).toBe(0);
  });

  it('closes an alert fired long before the withdrawal of a call still in progress', () => {
    const t = createWithdrawnAlerts(60_000);
    t.alertSeen(alert('long', 1));
    t.due(T0 + 30 * 60_000, () => true);
    t.withdrawn('demo', 'long', 'CONSENT_WITHDRAWN', T0 + 31 * 60_000);
    expect(t.due(T0 + 31 * 60_000, () => true).map((r) => r.callId)).toEqual(['long']);
  });
});

describe('withdrawn alerts: review revd28', () => {
  it('dates the end of an alert at the withdrawal, not at the moment the resolution is produced', () => {
    const t = createWithdrawnAlerts(600_000);
    t.alertSeen(alert('c1', 5));
    t.withdrawn('demo', 'c1', 'CONSENT_WITHDRAWN', T0 + 10);
    // Produced an hour later (the service was down, or first started after an upgrade).
    const due = t.due(T0 + 3_600_000);
    expect(due.map((r) => r.updatedAtMs)).toEqual([T0 + 10]);
    expect(due[0]!.producedAtMs).toBe(T0 + 3_600_000);
    // A withdrawal stamped ahead of now (a gateway's clock gone wrong) ends it now.
    t.alertSeen(alert('c2', 5));
    t.withdrawn('demo', 'c2', 'CONSENT_WITHDRAWN', T0 + 90_000_000);
    expect(t.due(T0 + 3_600_001).map((r) => r.updatedAtMs)).toEqual([T0 + 3_600_001]);
  });
});
