// reva29: the pace note's run must follow the agent-too-fast rule's semantics: a run is broken when
// no window over the line was seen for the rule's maxGapMs (10 s), and a transfer to another agent
// starts the new agent's run afresh (their pace is their own).
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { visibleCalls } from '../../../../services/alert-service/hub-visibility.ts';

const admin = { userId: 'a', role: 'admin' as const, tenant: 'demo', agentId: null, teams: [] };

type W = { pace: number; speech?: number; leg?: number; onHold?: boolean };
function agentAfter(windows: W[]) {
  const r = createCallRegistry();
  r.start({ callId: 'c1', tenant: 'demo', agentId: 'agent-1', team: '', queue: 'q', startedAtMs: 0 });
  windows.forEach((w, index) =>
    r.features(
      'demo',
      'c1',
      {
        channel: 'agent',
        windowIndex: index,
        articulationRate: w.pace,
        tensionIndex: 0.4,
        speechFraction: w.speech ?? 0.9,
        endMs: index * 1000 + 2000,
        agentLeg: w.leg,
        onHold: w.onHold,
      },
      index,
    ),
  );
  return visibleCalls(r, admin)[0].agent;
}
const run = (n: number, w: W) => Array.from({ length: n }, () => ({ ...w }));

describe('agent page pace note: gaps and transfers', () => {
  it('two single fast windows a minute apart (the customer talking between) are not "too fast"', () => {
    const view = agentAfter([
      ...run(3, { pace: 5 }),
      { pace: 9 },
      ...run(60, { pace: 3, speech: 0.1 }),
      { pace: 9 },
    ]);
    expect(view).toMatchObject({ pace: 9, paceTooFast: false });
  });

  it('a fast window before a 2-minute hold and one after it are not "too fast"', () => {
    const view = agentAfter([{ pace: 9 }, ...run(120, { pace: 0, onHold: true }), { pace: 9 }]);
    expect(view).toMatchObject({ pace: 9, paceTooFast: false });
  });

  it("a transferred call: the new agent's first fast window does not inherit the previous agent's run", () => {
    const view = agentAfter([
      ...run(4, { pace: 9, leg: 1 }),
      ...run(2, { pace: 3, speech: 0.1, leg: 1 }),
      { pace: 9, leg: 2 },
    ]);
    expect(view).toMatchObject({ pace: 9, paceTooFast: false });
  });
});
