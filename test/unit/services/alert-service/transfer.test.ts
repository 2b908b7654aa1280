// A transfer on a resumed CallStart (same call id, another agent or team): who keeps seeing the
// call, its cues and its alerts, and who is told it is gone (transfer probe and review, 2026-12-07).
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { createStateFrames } from '../../../../services/alert-service/state-frames.ts';
import { createHandoverAlerts } from '../../../../services/alert-service/hub-handover.ts';
import { erasedViewFor, seesAlert, visibleCalls } from '../../../../services/alert-service/hub-visibility.ts';
import type { Principal } from '../../../../services/shared/auth/roles.ts';
import { agent, alert, start, sup } from './transfer-fixtures.ts';

describe('a transfer on a resumed start (same call id, another agent)', () => {
  it('the previous agent cue is not shown to the new agent through the call view (cue field)', () => {
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing'));
    r.addAlert(alert('cue', 'agent'));
    r.takeChanges(10);
    r.start(start('agent-3', 'support'));
    expect(seesAlert(r, agent('agent-3'), alert('cue', 'agent'))).toBe(false);
    // snapshot
    expect(visibleCalls(r, agent('agent-3'))[0].cue).toBeNull();
    // live state frame
    const f = createStateFrames(r.takeChanges(20))(agent('agent-3'))!;
    expect(JSON.parse(f.toString()).calls[0].cue).toBeNull();
  });

  it('an erasure after a transfer reaches the previous agent that still holds the cue', () => {
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing'));
    r.addAlert(alert('cue', 'agent'));
    r.start(start('agent-3', 'support'));
    expect(seesAlert(r, agent('agent-1'), alert('cue', 'agent'))).toBe(true);
    const erased = r.erase('demo', 'c')!;
    const view = { seq: 1, tenant: 'demo', callId: 'c', alertIds: [], reason: 'ERASED' as const };
    expect(erasedViewFor(agent('agent-1'), view, erased)).not.toBeNull();
  });

  it('handed back and forth: removed names the call once per frame', () => {
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing'));
    r.takeChanges(10);
    for (let i = 0; i < 5; i++) {
      r.start(start('agent-3', 'support'));
      r.start(start('agent-2', 'x'));
    }
    const { removed } = r.takeChanges(20);
    const f = createStateFrames({ changed: [], removed })(agent('agent-3'))!;
    expect(removed.length).toBeLessThanOrEqual(3);
    expect(JSON.parse(f.toString()).removed.length).toBe(1);
  });

  it('previous team supervisor can still acknowledge/see the open alert of the team it saw', () => {
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing'));
    const a = alert('crit', 'supervisor');
    r.addAlert(a);
    r.start(start('agent-3', 'support'));
    expect(seesAlert(r, sup(['billing']), a)).toBe(true);
  });

  it('whole-tenant supervisor and every-tenant admin keep the call', () => {
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing'));
    r.takeChanges(10);
    r.start(start('agent-3', 'support'));
    const ff = createStateFrames(r.takeChanges(20));
    const admin: Principal = { userId: 'a', role: 'admin', tenant: '*', agentId: null, teams: [] };
    for (const p of [sup(), sup(['billing', 'support']), admin]) {
      const j = JSON.parse(ff(p)!.toString());
      expect(j.removed).toEqual([]);
      expect(j.calls.length).toBe(1);
    }
  });

  it("keeps an agent's own cues with that agent, and the call's alerts with its new owner", () => {
    // Transfer probe: the call moved to agent-3, and a reconnecting page of agent-3 got agent-1's
    // coaching cue ("Slow down") for agent-1's leg, while agent-1's page lost it.
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing'));
    const cue = alert('cue', 'agent');
    const both = alert('both', 'both');
    r.addAlert(cue);
    r.addAlert(both);
    r.start(start('agent-3', 'support'));
    expect(seesAlert(r, agent('agent-1'), cue)).toBe(true);
    expect(seesAlert(r, agent('agent-3'), cue)).toBe(false);
    // What the customer went through is the new agent's business (and the call's team's).
    expect(seesAlert(r, agent('agent-3'), both)).toBe(true);
    expect(seesAlert(r, sup(['support']), both)).toBe(true);
    // An agent cue fired before the start record named the agent (agentId '') follows the call.
    expect(seesAlert(r, agent('agent-3'), { ...cue, agentId: '' })).toBe(true);
  });

  it("tells the previous agent an ended call is gone from its page when its id starts another agent's call", () => {
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing'));
    r.end('demo', 'c', 10_000);
    r.takeChanges(11_000);
    // Within the ended call's retention, the id starts a new call for agent-3.
    r.start(start('agent-3', 'support', 12_000));
    const frame = createStateFrames(r.takeChanges(12_001))(agent('agent-1'));
    // Without it, agent-1's page kept the ended call (no purge names it later: the new call has
    // another owner) and showed it, "ended", whenever agent-1 had no live call, until a reload.
    expect(frame && JSON.parse(frame.toString()).removed).toEqual([{ tenant: 'demo', callId: 'c' }]);
    const forNew = JSON.parse(createStateFrames(r.takeChanges(12_002))(agent('agent-3'))?.toString() ?? '{}');
    expect(forNew.removed ?? []).toEqual([]);
  });

  it("gives the new owner the call's earlier alerts it may see, never those of an ended call whose id was reused", () => {
    const both = { ...alert('frustrated', 'both'), agentId: 'agent-1' };
    const r = createCallRegistry();
    r.start(start('agent-1', 'billing'));
    r.addAlert(both);
    r.addAlert(alert('own-cue', 'agent'));
    r.takeChanges(1);
    r.start(start('agent-3', 'support'));
    const handed = createHandoverAlerts(r, r.takeChanges(2));
    expect(handed(agent('agent-3')).map((a) => a.alertId)).toEqual(['frustrated']);
    expect(handed(agent('agent-1'))).toEqual([]); // had them already

    const reused = createCallRegistry();
    reused.start(start('agent-1', 'billing'));
    reused.addAlert(both);
    reused.end('demo', 'c', 10_000);
    reused.takeChanges(11_000);
    reused.start(start('agent-3', 'support', 12_000));
    expect(createHandoverAlerts(reused, reused.takeChanges(12_001))(agent('agent-3'))).toEqual([]);
  });
});
