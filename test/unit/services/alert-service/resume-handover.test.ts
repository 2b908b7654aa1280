// The earlier alerts of calls handed over while a page was away, sent at its resume
// (hub-handover.ts resumedHandoverAlerts): what the new owner may see, nothing the page had.
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import {
  handoversOf,
  resumedHandoverAlerts,
  type Handover,
} from '../../../../services/alert-service/hub-handover.ts';
import type { AlertView } from '../../../../services/alert-service/protocol.ts';
import { agent, alert, start } from './transfer-fixtures.ts';

/** Numbered as fired (the tenant's replay log numbers alerts in the order they come). */
const alertAt = (alertId: string, audience: string, firedAtMs: number): AlertView => ({
  ...alert(alertId, audience),
  seq: firedAtMs,
  subject: 'customer',
  cue: null,
  firedAtMs,
});

/** agent-1's call with a customer alert, a second one and agent-1's own cue, then the pushes `moves` make. */
function transfers(...moves: [string, string][]) {
  const r = createCallRegistry();
  r.start(start('agent-1', 'billing'));
  r.addAlert(alertAt('first', 'both', 1));
  r.addAlert(alertAt('own-cue', 'agent', 2));
  r.addAlert(alertAt('second', 'both', 3));
  r.takeChanges(1);
  const missed: Handover[] = [];
  for (const [agentId, team] of moves) {
    r.start(start(agentId, team));
    missed.push(...handoversOf(r.takeChanges(2)));
  }
  return { r, missed };
}

describe('the alerts a page resuming after a transfer gets', () => {
  it("are the call's alerts the new agent may see, oldest first, up to the page's number", () => {
    const { r, missed } = transfers(['agent-3', 'support']);
    const ids = (lastSeq: number) =>
      resumedHandoverAlerts(r, agent('agent-3'), missed, lastSeq).map((a) => a.alertId);
    expect(ids(3)).toEqual(['first', 'second']); // not agent-1's own cue
    expect(ids(2)).toEqual(['first']); // the replay that follows sends 'second'
  });

  it('are none for the page that had the call when it went away, handed away and back meanwhile', () => {
    const { r, missed } = transfers(['agent-3', 'support'], ['agent-1', 'billing']);
    expect(resumedHandoverAlerts(r, agent('agent-1'), missed, 3)).toEqual([]);
    // Who had it in between and lost it again gets nothing either.
    expect(resumedHandoverAlerts(r, agent('agent-3'), missed, 3)).toEqual([]);
  });

  it("are the new owner's after a chain of transfers through a third agent", () => {
    const { r, missed } = transfers(['agent-3', 'support'], ['agent-2', 'billing']);
    expect(resumedHandoverAlerts(r, agent('agent-2'), missed, 3).map((a) => a.alertId)).toEqual([
      'first',
      'second',
    ]);
  });

  it('are none of a call erased since', () => {
    const { r, missed } = transfers(['agent-3', 'support']);
    r.erase('demo', 'c');
    expect(resumedHandoverAlerts(r, agent('agent-3'), missed, 3)).toEqual([]);
  });
});
