// An escalation is not a second alert (pipelines/scorecard/alert-episodes.ts), on both backends:
// a call with an agent-only cue nobody acknowledged and its escalation a supervisor acknowledged
// (alert-lifecycle-call.ts: 5 alert records, 4 episodes) lists 4 alerts, 2 of them unacknowledged,
// while live and once summarised; its summary and scorecard count 4 episodes, 2 handled; the
// escalation stays in the detail list as its cue's lifecycle. An agent's counts do not move with
// the escalation's acknowledgement (they were not shown it). An escalation stored before migration
// 023 (no link) is recognised by its id; a summary made before this release is recounted when the
// call is queued for a new summary (README, upgrade notes).
import { beforeAll, expect, it } from 'vitest';
import type { Scope } from '../../../services/shared/auth/call-access.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { parseSearchQuery } from '../../../services/call-store/store/search.ts';
import { describeEachBackend } from './backends.ts';
import { lifecycleCall } from './alert-lifecycle-call.ts';

const staff: Scope = { tenant: 'acme', agentId: null, teams: null };
const agent: Scope = { tenant: 'acme', agentId: 'agent-1', teams: null };
const startedAt = new Date(Date.now() - 3_600_000);

async function listed(store: CallStore, scope: Scope, callId: string) {
  const { calls } = await store.searchCalls(scope, parseSearchQuery({}));
  const call = calls.find((c) => c.callId === callId);
  return call && [call.alertsCount, call.unacknowledgedAlerts];
}

async function figures(store: CallStore, callId: string) {
  const call = await store.getCall(staff, callId);
  const summary = call.summary as { alertsCount: number; alertsAcknowledged: number; ackDelaysS: number[] };
  const parts = (call.scorecard as { parts: { name: string; value: number; measure: number }[] }).parts;
  const handling = parts.find((p) => p.name === 'alertHandling');
  return {
    summary: [summary.alertsCount, summary.alertsAcknowledged, summary.ackDelaysS],
    handling: [handling?.value, handling?.measure],
  };
}

/** The call's records with the escalation as a release before migration 023 stored it: no link. */
const unlinked = (events: StoreEvent[]) =>
  events.map((e) => {
    if (e.kind !== 'alert' || !('escalationOf' in e)) return e;
    const { escalationOf: _dropped, ...rest } = e;
    return rest as StoreEvent;
  });

describeEachBackend('alert episodes on %s', (opened) => {
  let store: CallStore;
  beforeAll(() => {
    store = opened();
  });

  it('counts a cue and its escalation as one alert, handled by either acknowledgement', async () => {
    const call = lifecycleCall({ callId: 'ep-1', tenant: 'acme', startedAt });
    await store.write(call.live);
    expect(await listed(store, staff, 'ep-1')).toEqual([4, 2]);
    await store.write(call.events);
    await store.finalizePending(0);
    expect(await listed(store, staff, 'ep-1')).toEqual([4, 2]);
    // Frustration acknowledged after 9 s; the stress cue's episode by its escalation, 42 s after the cue.
    expect(await figures(store, 'ep-1')).toEqual({ summary: [4, 2, [9, 42]], handling: [0.5, 0.5] });
    // The agent was not shown the escalation: their cue stays unacknowledged to them.
    expect(await listed(store, agent, 'ep-1')).toEqual([4, 3]);
    const detail = await store.getCall(staff, 'ep-1');
    expect(detail.alerts).toHaveLength(5);
    const stress = detail.alerts.find((a) => a.alertId === call.ids.stress);
    expect(stress?.lifecycle.escalated).toMatchObject({ alertId: call.ids.escalation });
  });

  it('recognises an escalation stored without its link (before migration 023) by its id', async () => {
    const call = lifecycleCall({ callId: 'ep-2', tenant: 'acme', startedAt });
    await store.write(unlinked(call.events));
    await store.finalizePending(0);
    expect(await listed(store, staff, 'ep-2')).toEqual([4, 2]);
    expect(await figures(store, 'ep-2')).toEqual({ summary: [4, 2, [9, 42]], handling: [0.5, 0.5] });
    const lives = new Map((await store.getCall(staff, 'ep-2')).alerts.map((a) => [a.alertId, a.lifecycle]));
    expect(lives.get(call.ids.stress)?.escalated).toMatchObject({ alertId: call.ids.escalation });
    expect(lives.get(call.ids.escalation)?.escalationOf).toBe(call.ids.stress);
  });

  it('recounts a summary made before this release once the call is queued for a new summary', async () => {
    const call = lifecycleCall({ callId: 'ep-3', tenant: 'acme', startedAt });
    await store.write(call.events);
    await store.finalizePending(0);
    // The figures the release before stored: every record an alert.
    await store.backend.query(
      `UPDATE calls SET alerts_count = 5, unacked_alerts = 3,
         summary = summary || '{"alertsCount": 5, "alertsAcknowledged": 2}'::jsonb
       WHERE tenant = 'acme' AND call_id = 'ep-3'`,
    );
    expect(await listed(store, staff, 'ep-3')).toEqual([5, 3]);
    await store.backend.query(QUEUE_ESCALATED_CALLS);
    await store.finalizePending(0);
    expect(await listed(store, staff, 'ep-3')).toEqual([4, 2]);
    expect((await figures(store, 'ep-3')).summary).toEqual([4, 2, [9, 42]]);
  });
});

/** The statement README's upgrade note gives operators (kept the same: this test runs it). */
const QUEUE_ESCALATED_CALLS = `UPDATE calls c SET needs_summary = true
  WHERE c.status = 'ended' AND EXISTS (SELECT 1 FROM alerts a WHERE a.tenant = c.tenant
    AND a.call_id = c.call_id AND (a.escalation_of IS NOT NULL OR a.alert_id LIKE '%.escalated'))`;
