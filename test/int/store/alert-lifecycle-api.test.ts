// GET /calls/{id} over a real socket and a real (embedded) database: each alert's `lifecycle` as
// openapi.yaml documents it, for staff whole; an agent reading their own call learns nothing from
// alerts they were not shown (the supervisors' escalation of their cue is not named). GET /calls
// and the summary count an escalation as part of its alert's episode, not a second alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../services/shared/auth/roles.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { startQaServer, type QaServer } from '../../../services/call-store/http/server.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { expectDocumented } from './openapi.ts';
import { lifecycleCall, type LifecycleCall } from './alert-lifecycle-call.ts';

const tokens = {
  secret: new TextEncoder().encode('lifecycle-secret-of-at-least-32-bytes'),
  issuer: 'va-test',
  audience: 'va-test',
  tokenTtlS: 900,
};
const who: Record<string, Principal> = {
  qa: { userId: 'qa-1', role: 'qa_reviewer', tenant: 'acme', agentId: null, teams: [] },
  agent: { userId: 'u-agent-1', role: 'agent', tenant: 'acme', agentId: 'agent-1', teams: [] },
};
let store: CallStore;
let server: QaServer;
let call: LifecycleCall;

async function get(as: keyof typeof who, path: '/calls' | '/calls/{callId}') {
  const url = path === '/calls' ? '/calls' : '/calls/api-life';
  const response = await fetch(`http://127.0.0.1:${server.port}${url}`, {
    headers: { authorization: `Bearer ${await issueToken(tokens, who[as])}` },
  });
  const body: ReturnType<typeof JSON.parse> = await response.json();
  expect(response.status).toBe(200);
  expectDocumented(path, 'GET', 200, body);
  return body;
}

async function getCall(as: keyof typeof who) {
  return (await get(as, '/calls/{callId}')) as {
    alerts: { alertId: string; lifecycle: Record<string, unknown> }[];
    summary: { alertsCount: number; alertsAcknowledged: number };
  };
}

/** The call's list columns and summary figures: [alerts, unacked] and [alerts, acknowledged]. */
async function counts(as: keyof typeof who) {
  const list = (await get(as, '/calls')) as {
    calls: { callId: string; alertsCount: number; unacknowledgedAlerts: number }[];
  };
  const item = list.calls.find((c) => c.callId === 'api-life');
  const { summary } = await getCall(as);
  return {
    list: [item?.alertsCount, item?.unacknowledgedAlerts],
    summary: [summary.alertsCount, summary.alertsAcknowledged],
  };
}

beforeAll(async () => {
  store = await openCallStore({});
  call = lifecycleCall({ callId: 'api-life', tenant: 'acme', startedAt: new Date(Date.now() - 3_600_000) });
  await store.write(call.events);
  await store.finalizePending(0);
  server = await startQaServer({ store, tokens, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('GET /calls/{id}: what became of each alert', () => {
  it('gives a QA reviewer every alert with its escalation, acknowledgement and end', async () => {
    const body = await getCall('qa');
    const life = new Map(body.alerts.map((a) => [a.alertId, a.lifecycle]));
    expect(body.alerts).toHaveLength(5);
    expect(life.get(call.ids.frustration)).toMatchObject({
      raisedMs: 66_000,
      acknowledged: { by: 'supervisor-1', byErasedAgent: false, afterMs: 9_000 },
      ended: { audioMs: 161_000, reason: 'RECOVERED', alertId: call.ids.recovery },
    });
    expect(life.get(call.ids.stress)).toMatchObject({
      escalated: { alertId: call.ids.escalation, audioMs: 120_000 },
      acknowledged: null,
      ended: { audioMs: 240_000, reason: 'CALL_ENDED' },
    });
    expect(life.get(call.ids.escalation)).toMatchObject({ escalationOf: call.ids.stress });
  });

  it('counts the escalation as part of its alert in the list and the summary', async () => {
    // 5 records, 4 episodes: the stress cue's is handled by its escalation's acknowledgement.
    expect(await counts('qa')).toEqual({ list: [4, 2], summary: [4, 2] });
    // The agent was not shown the escalation: its acknowledgement does not show in their figures.
    expect(await counts('agent')).toEqual({ list: [4, 3], summary: [4, 1] });
  });

  it("does not tell an agent of the supervisors' escalation of their cue", async () => {
    const body = await getCall('agent');
    const ids = body.alerts.map((a) => a.alertId);
    expect(ids).not.toContain(call.ids.escalation);
    const stress = body.alerts.find((a) => a.alertId === call.ids.stress);
    expect(stress?.lifecycle).toMatchObject({ escalated: null, ended: { reason: 'CALL_ENDED' } });
    expect(JSON.stringify(body)).not.toContain('.escalated');
    // The recovery they were shown (audience both) still ends the frustration alert.
    const frustration = body.alerts.find((a) => a.alertId === call.ids.frustration);
    expect(frustration?.lifecycle).toMatchObject({ ended: { reason: 'RECOVERED' } });
  });
});
