// Migration 008 (the alert counts an agent may read): a call summarised before it gets its agent
// counts from its alert rows, so an agent listing its old calls sees the alerts directed at agents
// only, and staff still see every alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlBackend } from '../../../services/call-store/backend/backend.ts';
import { createCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { upgradeFrom } from './old-schema.ts';

const staff = { tenant: 'acme', agentId: null, teams: null };
const agent = { tenant: 'acme', agentId: 'agent-1', teams: null };

const alertRow = (n: number, audience: string) =>
  `INSERT INTO alerts (alert_id, call_id, tenant, rule_id, severity, audience, start_ms, fired_at, message, evidence)
   VALUES ('old-1:${n}', 'old-1', 'acme', 'rule-${n}', 'warning', '${audience}', ${n * 1000},
     '2026-11-20T09:00:0${n}Z', 'alert ${n}', '[]'::jsonb)`;

/** One call summarised before migration 008: three alerts, two of them directed at agents, one acknowledged. */
const OLD_ROWS = [
  `INSERT INTO calls (call_id, tenant, agent_id, started_at, ended_at, duration_ms, status, summary,
     alerts_count, unacked_alerts)
   VALUES ('old-1', 'acme', 'agent-1', '2026-11-20T09:00:00Z', '2026-11-20T09:01:00Z', 60000, 'ended',
     '{"alertsCount": 3}'::jsonb, 3, 2)`,
  alertRow(1, 'agent'),
  alertRow(2, 'supervisor'),
  alertRow(3, 'agent,supervisor'),
  `INSERT INTO alert_acks (alert_id, call_id, tenant, acked_by, acked_at)
   VALUES ('old-1:3', 'old-1', 'acme', 'agent-1', '2026-11-20T09:00:05Z')`,
];

describe('migration 008: alert counts an agent may read', () => {
  let backend: SqlBackend;
  let store: CallStore;
  beforeAll(async () => {
    const upgraded = await upgradeFrom(8, OLD_ROWS);
    backend = upgraded.backend;
    expect(upgraded.applied).toEqual([
      8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
    ]);
    store = createCallStore(backend);
  });
  afterAll(() => backend.close());

  it('fills the agent counts of a summarised call from its alert rows', async () => {
    const counts = (c: { alertsCount: number; unacknowledgedAlerts: number }) => [
      c.alertsCount,
      c.unacknowledgedAlerts,
    ];
    expect((await store.searchCalls(agent, { ...defaults })).calls.map(counts)).toEqual([[2, 1]]);
    expect((await store.searchCalls(staff, { ...defaults })).calls.map(counts)).toEqual([[3, 2]]);
    expect(counts(await store.getCall(agent, 'old-1'))).toEqual([2, 1]);
  });
});

const defaults = { sort: 'startedAt', order: 'desc', limit: 50 } as const;
