// The agent page's "too fast" note: only a pace while speaking that stays over the limit for
// PACE_NOTE_SUSTAIN_MS, not one fast window (4-13 % of calm speech windows are over 7 on their
// own: pipelines/alerts/agent-pace.ts). Windows with little speech neither hold nor break a run,
// as for the agent-too-fast rule; a judged window under the limit ends it. As for the rule, a run
// is broken when no window over the line was seen for its maxGapMs (10 s), and a transfer to
// another agent starts the new agent's run afresh (their pace is their own: review reva29).
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { visibleCalls } from '../../../../services/alert-service/hub-visibility.ts';

const admin = { userId: 'a', role: 'admin' as const, tenant: 'demo', agentId: null, teams: [] };

/** A window's pace while speaking, speech fraction, agent leg and hold. */
type W = { pace: number; speech?: number; leg?: number; onHold?: boolean };

/** One window per second (2 s long). */
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

const run = (n: number, pace: number, speech?: number) => Array.from({ length: n }, () => ({ pace, speech }));
const runOf = (n: number, w: W) => Array.from({ length: n }, () => ({ ...w }));

describe('agent page pace note', () => {
  it('is not raised by one fast window in calm speech', () => {
    expect(agentAfter([...run(5, 5), { pace: 9 }])).toMatchObject({ pace: 9, paceTooFast: false });
  });

  it('is raised once the pace has held over the limit for 5 s, and drops with a calm window', () => {
    expect(agentAfter([...run(3, 5), ...run(5, 8)]).paceTooFast).toBe(false);
    expect(agentAfter([...run(3, 5), ...run(6, 8)]).paceTooFast).toBe(true);
    expect(agentAfter([...run(3, 5), ...run(6, 8), { pace: 6 }])).toMatchObject({
      pace: 6,
      paceTooFast: false,
    });
  });

  it('is neither held nor broken by windows with little speech', () => {
    const pauses = [...run(3, 8), ...run(2, 3, 0.2), ...run(3, 8)];
    expect(agentAfter(pauses).paceTooFast).toBe(true);
  });
});

describe('agent page pace note: gaps and transfers', () => {
  it('two single fast windows a minute apart (the customer talking between) are not "too fast"', () => {
    const view = agentAfter([
      ...runOf(3, { pace: 5 }),
      { pace: 9 },
      ...runOf(60, { pace: 3, speech: 0.1 }),
      { pace: 9 },
    ]);
    expect(view).toMatchObject({ pace: 9, paceTooFast: false });
  });

  it('a fast window before a 2-minute hold and one after it are not "too fast"', () => {
    const view = agentAfter([{ pace: 9 }, ...runOf(120, { pace: 0, onHold: true }), { pace: 9 }]);
    expect(view).toMatchObject({ pace: 9, paceTooFast: false });
  });

  it("a transferred call: the new agent's first fast window does not inherit the previous agent's run", () => {
    const view = agentAfter([
      ...runOf(4, { pace: 9, leg: 1 }),
      ...runOf(2, { pace: 3, speech: 0.1, leg: 1 }),
      { pace: 9, leg: 2 },
    ]);
    expect(view).toMatchObject({ pace: 9, paceTooFast: false });
  });
});
