// The agent report a supervisor reads counts an agent's alert episodes as the call list, the
// summary and the legs table do (pipelines/scorecard/alert-episodes.ts): the escalation of the
// agent's cue to supervisors is not a second alert the agent received, and the cue's episode is
// handled when the supervisor acknowledged the escalation.
import { beforeAll, expect, it } from 'vitest';
import type { Scope } from '../../../services/shared/auth/call-access.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import { parseSearchQuery } from '../../../services/call-store/store/search.ts';
import { describeEachBackend } from './backends.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { lifecycleCall } from './alert-lifecycle-call.ts';

/** The records as a release before migration 023 stored them: the escalation without its link. */
const unlinked = (events: StoreEvent[]) =>
  events.map((e) => {
    if (e.kind !== 'alert' || !('escalationOf' in e)) return e;
    const { escalationOf: _dropped, ...rest } = e;
    return rest as StoreEvent;
  });

const staff: Scope = { tenant: 'acme', agentId: null, teams: null };
const startedAt = new Date(Date.now() - 3_600_000);

describeEachBackend('agent report episodes on %s', (opened) => {
  let store: CallStore;
  beforeAll(() => {
    store = opened();
  });

  it.each([
    ['rep-1', 'linked', false, false],
    ['rep-2', 'linked, cue acknowledged too', false, true],
    ['rep-3', 'unlinked (before 023)', true, false],
    ['rep-4', 'unlinked, cue acknowledged too', true, true],
  ])("counts the agent's episodes as the call list does: %s %s", async (callId, _what, legacy, cueAcked) => {
    const agentId = `agent-${callId}`;
    const call = lifecycleCall({ callId, tenant: 'acme', agentId, startedAt });
    const events = legacy ? unlinked(call.events) : call.events;
    const extra: StoreEvent[] = cueAcked
      ? [
          {
            kind: 'ack',
            alertId: call.ids.stress,
            callId,
            tenant: 'acme',
            ackedBy: 'supervisor-2',
            ackedAt: new Date(startedAt.getTime() + 140_000).toISOString(),
          } as StoreEvent,
        ]
      : [];
    await store.write([...events, ...extra]);
    await store.finalizePending(0);
    const { calls } = await store.searchCalls(staff, parseSearchQuery({}));
    const listed = calls.find((c) => c.callId === callId)!;
    expect([listed.alertsCount, listed.unacknowledgedAlerts]).toEqual([4, 2]);
    const from = new Date(startedAt.getTime() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const report = await store.agentSummary(staff, agentId, from, to);
    expect([report.alertsReceived, report.alertsAcknowledged]).toEqual([
      listed.alertsCount,
      listed.alertsCount - listed.unacknowledgedAlerts,
    ]);
  });
});
