// The agent's current cue when alerts follow each other within a cue's hold: a minor cue about
// something else ("Slow down", "Long silence") does not hide a critical one about the customer
// for the rest of its hold, while a cue about the same subject (the customer recovered) does
// replace it. The wallboard's tiles rank the same way (wallboard.ts offerTileAlert).
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import type { AlertView } from '../../../../services/alert-service/protocol.ts';

const view = (
  alertId: string,
  audioMs: number,
  over: Pick<AlertView, 'severity' | 'subject' | 'audience' | 'cue'>,
): AlertView => ({
  seq: 0,
  alertId,
  callId: 'c',
  ruleId: alertId,
  ruleName: alertId,
  kind: 'fired',
  message: 'm',
  evidence: [],
  audioMs,
  firedAtMs: audioMs,
  tenant: 'demo',
  agentId: 'agent-1',
  team: '',
  queue: 'q',
  acknowledgedBy: null,
  acknowledgedAtMs: null,
  ...over,
});

const FRUSTRATION = 'Customer frustration rising: acknowledge the feeling before the fix';

function angryCall() {
  const r = createCallRegistry();
  r.start({ callId: 'c', tenant: 'demo', agentId: 'agent-1', team: '', queue: 'q', startedAtMs: 0 });
  r.dynamics('demo', 'c', { talkRatioAgent: 0.5, endMs: 53_000 }, 1);
  r.addAlert(
    view('frustration', 53_000, {
      severity: 'critical',
      subject: 'customer',
      audience: 'both',
      cue: FRUSTRATION,
    }),
  );
  return r;
}
const cue = (r: ReturnType<typeof createCallRegistry>) => r.calls().find((c) => c.callId === 'c')!.cue;

describe("the agent's current cue", () => {
  it('keeps a critical cue about the customer when a minor one about something else follows', () => {
    const r = angryCall();
    r.addAlert(
      view('pace', 55_000, { severity: 'info', subject: 'agent', audience: 'agent', cue: 'Slow down' }),
    );
    expect(cue(r)).toBe(FRUSTRATION);
    // Once the critical cue's hold is over, the next cue shows.
    r.dynamics('demo', 'c', { talkRatioAgent: 0.5, endMs: 84_000 }, 2);
    r.addAlert(
      view('pace2', 84_000, { severity: 'info', subject: 'agent', audience: 'agent', cue: 'Slow down' }),
    );
    expect(cue(r)).toBe('Slow down');
  });

  it('replaces it with news of the same subject (the customer recovered)', () => {
    const r = angryCall();
    const calmer = 'It worked: the customer sounds calmer now';
    r.addAlert(
      view('recovered', 60_000, { severity: 'info', subject: 'customer', audience: 'both', cue: calmer }),
    );
    expect(cue(r)).toBe(calmer);
  });

  it("shows a minor cue that comes after the critical cue's hold, though the call's windows have not reached it yet", () => {
    // The pace alert goes engine → va.alerts.v1 → fan-out; its features window comes on another
    // topic and may be applied after it. At 84 s the critical cue of 53 s is over (31 s old).
    const r = angryCall();
    r.dynamics('demo', 'c', { talkRatioAgent: 0.5, endMs: 82_000 }, 2);
    r.addAlert(
      view('pace', 84_000, { severity: 'info', subject: 'agent', audience: 'agent', cue: 'Slow down' }),
    );
    r.dynamics('demo', 'c', { talkRatioAgent: 0.5, endMs: 84_000 }, 3);
    expect(cue(r)).toBe('Slow down');
  });
});
