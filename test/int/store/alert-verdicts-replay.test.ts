// Review revverdict30: the precision report counts an alert episode once even when its cue has
// more than one escalation row (an alert engine that replayed its input after a rebalance escalates
// the same cue at another window: another escalation id, the same escalation_of; the QA figures
// already read that as one episode, pipelines/scorecard/alert-episodes.ts).
import { expect, it } from 'vitest';
import type { Scope } from '../../../services/shared/auth/call-access.ts';
import { describeEachBackend } from './backends.ts';
import { lifecycleCall } from './alert-lifecycle-call.ts';

const staff: Scope = { tenant: 'acme', agentId: null, teams: null };
const HOUR = 3_600_000;

describeEachBackend('alert precision under replayed escalations (%s)', (store) => {
  it('counts a cue with two escalation rows once, and its verdict once', async () => {
    const life = lifecycleCall({ callId: 'v-dup', tenant: 'acme', startedAt: new Date(Date.now() - HOUR) });
    // The replayed engine's escalation of the same cue, 5 s later: its own id, the same link.
    const again = {
      kind: 'alert' as const,
      alertId: life.ids.escalation.replace(':240:', ':250:'),
      callId: 'v-dup',
      tenant: 'acme',
      ruleId: 'agent-stress-rising',
      severity: 'warning',
      audience: 'supervisor',
      channel: 'agent' as const,
      startMs: 125_000,
      firedAt: new Date(life.startedAt.getTime() + 125_000).toISOString(),
      message: 'agent-stress-rising at 125 s',
      evidence: [],
      escalationOf: life.ids.stress,
    };
    expect(again.alertId).not.toBe(life.ids.escalation);
    await store().write([...life.live, again, life.events[life.events.length - 1]]);
    await store().finalizePending(0);
    // The call list counts the episode once.
    const call = await store().getCall(staff, 'v-dup');
    expect(call.alerts.filter((a) => a.ruleId === 'agent-stress-rising')).toHaveLength(3);
    await store().putVerdict(staff, 'v-dup', life.ids.stress, 'qa-1', { verdict: 'right' });
    const report = await store().alertPrecision(staff, {});
    const stress = report.rules.find((r) => r.ruleId === 'agent-stress-rising');
    expect(stress).toMatchObject({ raised: 1, judged: 1, right: 1 });
  });
});

describeEachBackend('alert precision report, one at a time (%s)', (store) => {
  it('answers a second report meanwhile DATABASE_BUSY, holding no connection ingest needs', async () => {
    const life = lifecycleCall({ callId: 'v-busy', tenant: 'acme', startedAt: new Date(Date.now() - HOUR) });
    await store().write(life.events);
    const both = await Promise.allSettled([
      store().alertPrecision(staff, {}),
      store().alertPrecision(staff, {}),
    ]);
    expect(both[0].status).toBe('fulfilled');
    expect(both[1]).toMatchObject({ status: 'rejected', reason: { code: 'DATABASE_BUSY' } });
    // Free again once the first one is done.
    expect((await store().alertPrecision(staff, {})).rules.length).toBeGreaterThan(0);
  });
});
