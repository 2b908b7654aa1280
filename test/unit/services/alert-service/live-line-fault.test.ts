// The live call's talk ratio on a one-way customer line: while the dsp-worker marks the dynamics
// windows with customerLineFaultMs (and a NaN talk ratio), the call's talkRatioAgent is unknown
// (null), not the agent's last one-sided share; a window of both voices after it gives a share again.
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { visibleCalls } from '../../../../services/alert-service/hub-visibility.ts';

const admin = { userId: 'a', role: 'admin' as const, tenant: 'demo', agentId: null, teams: [] };
const dynamics = (index: number, talkRatioAgent: number, customerLineFaultMs = 0) => ({
  windowIndex: index,
  startMs: index * 1000,
  endMs: index * 1000 + 2000,
  talkRatioAgent,
  ...(customerLineFaultMs > 0 ? { customerLineFaultMs } : {}),
});

describe('live call on a one-way customer line', () => {
  it('shows no talk ratio while the line is faulty, and a share again once she is heard', () => {
    const r = createCallRegistry();
    r.start({ callId: 'c1', tenant: 'demo', agentId: 'agent-1', team: '', queue: 'q', startedAtMs: 0 });
    const ratio = () => visibleCalls(r, admin)[0].talkRatioAgent;
    r.dynamics('demo', 'c1', dynamics(0, 1), 0);
    expect(ratio()).toBe(1);
    r.dynamics('demo', 'c1', dynamics(1, Number.NaN, 1000), 1);
    expect(ratio()).toBeNull();
    // A window nobody spoke in (NaN, no fault) keeps what the call had.
    r.dynamics('demo', 'c1', dynamics(2, Number.NaN), 2);
    expect(ratio()).toBeNull();
    r.dynamics('demo', 'c1', dynamics(3, 0.6), 3);
    expect(ratio()).toBe(0.6);
  });
});
