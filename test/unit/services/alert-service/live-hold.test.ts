// The pages' "On hold": a call whose newest windows overlap a hold says onHold (the wallboard tile
// and the agent view show it) and is off hold again with the first window after it; an emotion
// window on hold adds no mood point and does not count as the customer speaking.
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { visibleCalls } from '../../../../services/alert-service/hub-visibility.ts';

const admin = { userId: 'a', role: 'admin' as const, tenant: 'demo', agentId: null, teams: [] };

function started() {
  const r = createCallRegistry();
  r.start({ callId: 'c1', tenant: 'demo', agentId: 'agent-1', team: '', queue: 'q', startedAtMs: 0 });
  return r;
}
const dynamics = (index: number, holdMs: number) => ({
  windowIndex: index,
  startMs: index * 1000,
  endMs: index * 1000 + 2000,
  talkRatioAgent: 0.5,
  holdMs,
});
const emotion = (index: number, onHold: boolean) => ({
  channel: 'customer' as const,
  windowIndex: index,
  state: onHold ? 'uncertain' : 'neutral',
  arousal: 0.5,
  valence: 0.6,
  confidence: onHold ? 0 : 0.7,
  endMs: index * 1000 + 2000,
  onHold,
});

describe('live call on hold', () => {
  it('says on hold while the newest dynamics window overlaps a hold, and not after it', () => {
    const r = started();
    r.dynamics('demo', 'c1', dynamics(0, 0), 0);
    expect(visibleCalls(r, admin)[0].onHold).toBe(false);
    r.dynamics('demo', 'c1', dynamics(1, 1000), 1);
    expect(visibleCalls(r, admin)[0].onHold).toBe(true);
    r.dynamics('demo', 'c1', dynamics(2, 0), 2);
    expect(visibleCalls(r, admin)[0].onHold).toBe(false);
  });

  it('adds no mood point for an emotion window on hold', () => {
    const r = started();
    r.emotion('demo', 'c1', emotion(0, false), 0);
    r.emotion('demo', 'c1', emotion(1, true), 1);
    const view = visibleCalls(r, admin)[0];
    expect([view.onHold, view.moodPoints, view.customer.speaking]).toEqual([true, 1, false]);
  });

  it('is not put back on hold by a window of another stream older than the newest one (review)', () => {
    // Dynamics, features and emotions arrive on three topics, each at its own lag: the emotion
    // windows of the hold's end come after the dynamics past it.
    const r = started();
    r.dynamics('demo', 'c1', dynamics(10, 2000), 0);
    r.dynamics('demo', 'c1', dynamics(30, 0), 1);
    expect(visibleCalls(r, admin)[0].onHold).toBe(false);
    r.emotion('demo', 'c1', emotion(20, true), 2);
    expect(visibleCalls(r, admin)[0].onHold).toBe(false);
    r.emotion('demo', 'c1', emotion(31, true), 3);
    expect(visibleCalls(r, admin)[0].onHold).toBe(true);
  });

  it('is not on hold once the call ended, also when it ended on hold (review)', () => {
    const r = started();
    r.dynamics('demo', 'c1', dynamics(5, 2000), 0);
    expect(visibleCalls(r, admin)[0].onHold).toBe(true);
    r.end('demo', 'c1', 10_000);
    const view = visibleCalls(r, admin).find((c) => c.callId === 'c1');
    expect([view?.endedAtMs, view?.onHold]).toEqual([10_000, false]);
  });
});
