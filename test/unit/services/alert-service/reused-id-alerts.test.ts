// A call id reused for another customer's call (after the first call ended): the ended call's
// alerts are not the new call's, neither in a snapshot (seesAlert) nor at a later handover.
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { createHandoverAlerts } from '../../../../services/alert-service/hub-handover.ts';
import { seesAlert } from '../../../../services/alert-service/hub-visibility.ts';
import type { AlertView } from '../../../../services/alert-service/protocol.ts';
import { agent, alert, start } from './transfer-fixtures.ts';

const frustrated: AlertView = {
  ...alert('frustrated', 'both'),
  subject: 'customer',
  severity: 'warning',
  message: 'Customer frustration rising',
  cue: 'acknowledge the feeling',
  firedAtMs: 5_000,
};

describe('a call id reused for another call', () => {
  it("the ended call's alerts are not shown to the new call's agent in a snapshot", () => {
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing', 0));
    r.addAlert(frustrated);
    r.end('demo', 'c', 10_000);
    r.takeChanges(11_000);
    r.start(start('agent-3', 'support', 12_000)); // another customer's call, same id
    expect(seesAlert(r, agent('agent-3'), frustrated)).toBe(false);
    // The ended call left agent-1's page ('removed'); its team's supervisors keep the alert.
    expect(
      seesAlert(
        r,
        { userId: 's', role: 'supervisor', tenant: 'demo', agentId: null, teams: ['billing'] },
        frustrated,
      ),
    ).toBe(true);
  });

  it('nor handed to the agent the new call is transferred to', () => {
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing', 0));
    r.addAlert(frustrated);
    r.end('demo', 'c', 10_000);
    r.takeChanges(11_000);
    r.start(start('agent-3', 'support', 12_000));
    r.takeChanges(12_001);
    r.start(start('agent-4', 'support', 12_000)); // transfer of the new call
    expect(createHandoverAlerts(r, r.takeChanges(12_002))(agent('agent-4'))).toEqual([]);
  });
});

describe('a call id reused long after the first call was purged', () => {
  it("the old call's alerts are still not the new call's (snapshot, cue, handover)", () => {
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing', 0));
    r.addAlert(frustrated);
    r.end('demo', 'c', 10_000);
    r.takeChanges(11_000);
    r.takeChanges(3_600_000); // purged, and no longer remembered as ended
    r.start(start('agent-3', 'support', 3_700_000));
    expect(seesAlert(r, agent('agent-3'), frustrated)).toBe(false);
    r.takeChanges(3_700_001);
    r.start(start('agent-4', 'support', 3_700_000));
    expect(createHandoverAlerts(r, r.takeChanges(3_700_002))(agent('agent-4'))).toEqual([]);
  });

  it("an old alert re-read after the new call's start (a restart) is not its cue", () => {
    const r = createCallRegistry();
    r.start(start('agent-3', 'support', 3_700_000));
    r.addAlert(frustrated); // fired at 5 000, long before this call started
    expect(r.calls()[0].cue).toBeNull();
    expect(seesAlert(r, agent('agent-3'), frustrated)).toBe(false);
  });
});

describe('a call id reused for the same agent', () => {
  it("the agent's page does not list the ended call's alerts under the new call (snapshot)", () => {
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing', 0));
    r.addAlert(frustrated);
    r.end('demo', 'c', 10_000);
    r.takeChanges(11_000);
    r.start(start('agent-1', 'billing', 12_000)); // another customer, same agent, same id
    // The agent page lists the alerts of its call by (tenant, call id): the old customer's
    // "frustration rising" would head the new call's list.
    expect(seesAlert(r, agent('agent-1'), frustrated)).toBe(false);
    // A supervisor's wallboard keeps it (open alerts stay acknowledgeable).
    expect(
      seesAlert(r, { userId: 's', role: 'supervisor', tenant: 'demo', agentId: null, teams: [] }, frustrated),
    ).toBe(true);
  });
});
