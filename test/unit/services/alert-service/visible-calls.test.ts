// What a page gets when it opens or reconnects (the snapshot): every call it may see, each with
// its whole mood trend. `.map(callView)` once passed each call's index as the trend's tail, so the
// second call came with 1 point, the third with 2 (UX probe: wallboard tiles showed a stub).
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { erasedViewFor, visibleCalls } from '../../../../services/alert-service/hub-visibility.ts';
import type { Principal } from '../../../../services/shared/auth/roles.ts';

describe('visible calls (snapshot)', () => {
  it('carries the whole mood trend of every call', () => {
    const r = createCallRegistry();
    for (const callId of ['c1', 'c2', 'c3', 'c4']) {
      r.start({ callId, tenant: 'demo', agentId: `agent-${callId}`, team: '', queue: 'q', startedAtMs: 0 });
      for (let i = 1; i <= 6; i++)
        r.emotion(
          'demo',
          callId,
          {
            channel: 'customer',
            windowIndex: i,
            state: 'neutral',
            arousal: 0.4,
            valence: 0.5,
            confidence: 0.7,
            endMs: i * 1000,
          },
          i,
        );
    }
    const supervisor = {
      userId: 'sup',
      role: 'supervisor' as const,
      tenant: 'demo',
      agentId: null,
      teams: [],
    };
    expect(visibleCalls(r, supervisor).map((c) => [c.callId, c.moodTrend.length, c.moodPoints])).toEqual([
      ['c1', 6, 6],
      ['c2', 6, 6],
      ['c3', 6, 6],
      ['c4', 6, 6],
    ]);
  });
});

describe('who is told of an erased call', () => {
  const erased = {
    owner: { agentId: 'agent-1', team: 'north' },
    alerts: [
      { alertId: 'a-both', audience: 'both' },
      { alertId: 'a-sup', audience: 'supervisor' },
    ],
  };
  const view = { seq: 7, tenant: 'demo', callId: 'c1', alertIds: [], reason: 'ERASED' as const };
  const who = (role: string, extra: Record<string, unknown> = {}) =>
    ({ userId: role, role, tenant: 'demo', agentId: null, teams: [], ...extra }) as unknown as Principal;

  it('names to each only the alerts it could see, and tells no one who could not see the call', () => {
    expect(erasedViewFor(who('supervisor'), view, erased)?.alertIds).toEqual(['a-both', 'a-sup']);
    // The call's agent learns of its own alert, not of the supervisor-only one.
    expect(erasedViewFor(who('agent', { agentId: 'agent-1' }), view, erased)?.alertIds).toEqual(['a-both']);
    expect(erasedViewFor(who('agent', { agentId: 'agent-2' }), view, erased)).toBeNull();
    expect(erasedViewFor(who('supervisor', { tenant: 'other' }), view, erased)).toBeNull();
  });
});
