// Migration 013 (DBA review, 2026-12-07): the statements the store runs for live calls (the
// abandoned-call sweep, `status=live`) and for `sort=durationMs` can use an index. Each statement
// is captured from the store function itself and explained with sequential scans priced out: a
// plan without the index means the statement cannot use it (on a large table it was a sequential
// scan of every call, every minute for the sweep).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlBackend } from '../../../services/call-store/backend/backend.ts';
import { createCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { parseSearchQuery } from '../../../services/call-store/store/search.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { BACKENDS } from './backends.ts';

const staff = { tenant: 'acme', agentId: null, teams: null };

describe.each(BACKENDS.map((make) => [make().name, make] as const))('call indexes on %s', (_name, make) => {
  const fixture = make();
  let captured: { sql: string; params: unknown[] }[] = [];
  let backend: SqlBackend;
  let store: CallStore;

  beforeAll(async () => {
    await fixture.setup();
    const opened = await fixture.open();
    backend = opened.backend;
    const capturing: SqlBackend = {
      ...backend,
      kind: backend.kind,
      query: async <R>(sql: string, params: unknown[] = []) => {
        captured.push({ sql, params });
        return backend.query<R>(sql, params);
      },
      exec: (sql) => backend.exec(sql),
      transaction: (work) => backend.transaction(work),
      close: () => backend.close(),
    };
    store = createCallStore(capturing);
    for (let i = 0; i < 4; i++) {
      const call = syntheticStoreCall({ callId: `c-${i}`, durationS: 10 });
      await store.write(i % 2 === 0 ? syntheticEvents(call) : [call.start]);
    }
  });
  afterAll(() => fixture.teardown());

  /** The plan of the last statement `run` sent, sequential scans priced out. */
  async function planOf(run: () => Promise<unknown>): Promise<string> {
    captured = [];
    await run();
    const { sql, params } = captured[captured.length - 1];
    return backend.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  }

  it('the abandoned-call sweep reads the live calls through calls_live', async () => {
    expect(await planOf(() => store.closeAbandoned(3_600_000))).toContain('calls_live');
  });

  it('GET /calls?status=live reads calls_live', async () => {
    expect(await planOf(() => store.searchCalls(staff, parseSearchQuery({ status: 'live' })))).toContain(
      'calls_live',
    );
  });

  it('GET /calls?sort=durationMs walks calls_by_tenant_duration, both orders', async () => {
    for (const order of ['desc', 'asc']) {
      const plan = await planOf(() =>
        store.searchCalls(staff, parseSearchQuery({ sort: 'durationMs', order })),
      );
      expect(plan).toContain('calls_by_tenant_duration');
      expect(plan).not.toMatch(/^\s*(->\s*)?Sort\b/m);
    }
  });
});
