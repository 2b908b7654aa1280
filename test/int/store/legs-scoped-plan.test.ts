// An agent-scoped list on PostgreSQL reads the agent's own index in order (leg-scope.ts, search.ts):
// with `agent_id = X OR leg_agents @> {X}` in one query the planner walked the tenant's time index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { postgresFixture } from './backends.ts';
import { searchCalls } from '../../../services/call-store/store/search.ts';

const agent = (agentId: string) => ({ tenant: 'acme', agentId, teams: null });

describe('agent-scoped list on PostgreSQL', () => {
  const fixture = postgresFixture();
  let store: CallStore;
  beforeAll(async () => {
    await fixture.setup();
    store = await fixture.open();
    // 240 000 calls of one tenant; agent 'gone' has 1 % of them, all the oldest (an agent who left,
    // or any agent searched over a past period).
    await store.backend.query(`INSERT INTO calls (call_id, tenant, agent_id, queue, team, started_at,
        store_features, source, in_history)
      SELECT 'c' || g, 'acme', CASE WHEN g > 237600 THEN 'gone' ELSE 'a' || (g % 2000) END, 'q', 't' || (g % 20),
        timestamptz '2026-12-01' - (g || ' minutes')::interval, true, 'live', true
      FROM generate_series(1, 240000) g`);
    await store.backend.query('VACUUM ANALYZE calls');
  }, 300_000);
  afterAll(() => fixture.teardown());

  it("reads an agent's newest calls from the agent's index, not the tenant's whole time index", async () => {
    // The list's own query, captured, then explained.
    let captured: { sql: string; params: unknown[] } | null = null;
    const db = {
      query: (sql: string, params: unknown[] = []) => {
        captured = { sql, params };
        return store.backend.query(sql, params);
      },
    } as unknown as Parameters<typeof searchCalls>[0];
    const found = await searchCalls(db, agent('gone'), {
      limit: 50,
      sort: 'startedAt',
      order: 'desc',
    } as never);
    expect(found.calls).toHaveLength(50);
    const { sql, params } = captured as unknown as { sql: string; params: unknown[] };
    const plan = await store.backend.query<{ 'QUERY PLAN': string }>(`EXPLAIN ANALYZE ${sql}`, params);
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    // On 3016044: Index Scan using calls_by_tenant_time, Rows Removed by Filter: 237600, ~40 ms
    // (0.06 ms with `c.agent_id = 'gone'` alone); linear in the tenant's calls.
    expect(text).not.toMatch(/Rows Removed by Filter: \d{5,}/);
    expect(text).toMatch(/calls_by_agent_time/);
  });
});
