// Customer history on every backend (PGlite and a real PostgreSQL): a customer's calls linked by
// their pseudonym with mood at start and end, opted-out calls left out, the live summary line
// (also for a previous call that ended seconds ago and is not summarised yet), erasure of every
// row in every table with nothing left behind, and per-tenant retention from the configuration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { createCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { writeEvents } from '../../../services/call-store/store/writes.ts';
import type { SqlExecutor } from '../../../services/call-store/backend/backend.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { BACKENDS } from './backends.ts';

const KEY = 'history-test-key-0123456789abcdef';
const ALICE = pseudonymiseCustomerRef(KEY, 'acme', '+44 7700 900001');
const BOB = pseudonymiseCustomerRef(KEY, 'acme', '+44 7700 900002');
const acme = { tenant: 'acme', agentId: null, teams: null };
const NOW = new Date();
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

/** A customer's pseudonym and their call that started 6 minutes ago. */
const liveCall = (callId: string, phone: string, durationS: number) => {
  const ref = pseudonymiseCustomerRef(KEY, 'acme', phone);
  return [
    ref,
    syntheticStoreCall({ callId, customerRef: ref, startedAt: hoursAgo(0.1), durationS }),
  ] as const;
};

/** Every table the store has, with its row count for (tenant, call ids) and rows holding `text`. */
async function leftovers(store: CallStore, tenant: string, callIds: string[], text: string) {
  const tables = await store.backend.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const found: Record<string, number> = {};
  for (const { table_name: table } of tables) {
    const columns = await store.backend.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
      [table],
    );
    const names = new Set(columns.map((c) => c.column_name));
    const byCall = names.has('call_id') && names.has('tenant');
    const [{ n }] = await store.backend.query<{ n: number }>(
      byCall
        ? `SELECT count(*)::int AS n FROM ${table} t
           WHERE (tenant = $2 AND call_id = ANY($3::text[])) OR strpos(t::text, $1) > 0`
        : `SELECT count(*)::int AS n FROM ${table} t WHERE strpos(t::text, $1) > 0`,
      byCall ? [text, tenant, callIds] : [text],
    );
    if (n > 0) found[table] = n;
  }
  return { tables: tables.map((t) => t.table_name), found };
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'customer history on %s',
  (_name, make) => {
    const fixture = make();
    let store: CallStore;
    const aliceCalls = ['alice-1', 'alice-2', 'alice-3'];
    beforeAll(async () => {
      await fixture.setup();
      store = await fixture.open();
      // Alice: a calm call two days ago, an angry one (alert, ends angry) 3 hours ago, and an
      // opted-out call in between; Bob: one calm call; and the same pseudonym text in tenant beta.
      const calls = [
        syntheticStoreCall({ callId: 'alice-1', customerRef: ALICE, startedAt: hoursAgo(48), durationS: 60 }),
        syntheticStoreCall({
          callId: 'alice-2',
          customerRef: ALICE,
          startedAt: hoursAgo(3),
          durationS: 120,
          angryFromS: 60,
          angryToS: 120,
          alert: true,
          ackAfterS: 5,
          queue: 'cancellations',
        }),
        syntheticStoreCall({
          callId: 'alice-3',
          customerRef: ALICE,
          startedAt: hoursAgo(24),
          historyOptOut: true,
          durationS: 30,
        }),
        syntheticStoreCall({ callId: 'bob-1', customerRef: BOB, startedAt: hoursAgo(5), durationS: 30 }),
        syntheticStoreCall({
          callId: 'alice-1',
          tenant: 'beta',
          customerRef: ALICE,
          startedAt: hoursAgo(5),
          durationS: 30,
        }),
      ];
      for (const call of calls) expect((await store.write(syntheticEvents(call))).rejected).toEqual([]);
    });
    afterAll(() => fixture.teardown());

    /** Transactions that hold their locks on another connection until commit() (the races below). */
    const held = (work: (tx: SqlExecutor) => Promise<unknown>) => {
      let ready!: () => void;
      let commit!: (last?: (tx: SqlExecutor) => Promise<unknown>) => void;
      const readyP = new Promise<void>((resolve) => (ready = resolve));
      const go = new Promise<((tx: SqlExecutor) => Promise<unknown>) | undefined>(
        (resolve) => (commit = resolve),
      );
      const done = store.backend.transaction(async (tx) => {
        await work(tx);
        ready();
        await (
          await go
        )?.(tx);
      });
      return {
        ready: readyP,
        commit: async (last?: (tx: SqlExecutor) => Promise<unknown>) => {
          commit(last);
          await done;
        },
      };
    };
    /** Lock requests waiting in the database (a statement blocked by one of the held transactions). */
    const waitingLocks = async () =>
      (
        await store.backend.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE NOT l.granted AND a.datname = current_database()`,
        )
      )[0].n;

    it('knows that the last call ended angry before it is summarised, and never counts opted-out calls', async () => {
      const summary = await store.historySummary('acme', ALICE, {
        windowDays: 7,
        excludeCallId: 'alice-new',
      });
      expect(summary.recentCalls).toBe(2);
      expect(summary.lastEndState).toBe('angry');
      expect(summary.frustrationEpisodes).toBe(1);
      expect(summary.line).toBe('3rd call in 7 days · last call ended angry · 1 frustration episode');
    });

    it("lists the customer's calls newest first with mood at start and end, from the summaries", async () => {
      expect(await store.finalizePending(0)).toBe(5);
      const history = await store.customerCalls(acme, ALICE);
      expect(history.calls.map((c) => c.callId)).toEqual(['alice-2', 'alice-1']);
      const [angry, calm] = history.calls;
      expect(angry).toMatchObject({
        queue: 'cancellations',
        durationMs: 120_000,
        frustrationEpisodes: 1,
        alertsCount: 1,
      });
      expect(angry.moodAtStart.state).toBe('neutral');
      expect(angry.moodAtEnd.state).toBe('angry');
      expect(angry.moodAtEnd.valence!).toBeLessThan(angry.moodAtStart.valence!);
      expect(calm.moodAtEnd.state).toBe('neutral');
      expect(angry.score).not.toBeNull();
      // The summary line says the same once summarised; another window leaves the old call out.
      const summary = await store.historySummary('acme', ALICE, { windowDays: 1 });
      expect(summary.line).toBe('2nd call in 1 day · last call ended angry · 1 frustration episode');
    });

    it('scopes a customer timeline like every read and refuses anything but a pseudonym', async () => {
      await expect(
        store.customerCalls({ tenant: 'acme', agentId: 'agent-9', teams: null }, ALICE),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(store.customerCalls(acme, '+44 7700 900001')).rejects.toMatchObject({
        code: 'INVALID_QUERY',
      });
      const beta = await store.customerCalls({ tenant: 'beta', agentId: null, teams: null }, ALICE);
      expect(beta.calls.map((c) => `${c.tenant}/${c.callId}`)).toEqual(['beta/alice-1']);
      // An admin of every tenant names the tenant: two tenants' calls are never one history.
      await expect(
        store.customerCalls({ tenant: null, agentId: null, teams: null }, ALICE),
      ).rejects.toMatchObject({
        code: 'AMBIGUOUS_CUSTOMER',
      });
    });

    it('never stores a raw customer reference sent past the gateway', async () => {
      const call = syntheticStoreCall({ callId: 'raw-ref', customerRef: '+44 7700 900003', durationS: 5 });
      expect((await store.write([call.start])).rejected).toEqual([]);
      const [row] = await store.backend.query<{ customer_ref: string | null }>(
        `SELECT customer_ref FROM calls WHERE tenant = 'acme' AND call_id = 'raw-ref'`,
      );
      expect(row.customer_ref).toBeNull();
    });

    it("erases every row of the customer's calls in every table, notes included, and audits without the reference", async () => {
      await store.addReview(acme, 'alice-2', 'qa-1', {
        notes: 'Customer furious about the fee',
        scoreOverride: 40,
      });
      const before = await leftovers(store, 'acme', [...aliceCalls], ALICE);
      expect(before.found.calls).toBe(4); // with tenant beta's call of the same pseudonym text
      expect(before.found.reviews).toBe(1);
      expect(before.found.emotion_events).toBeGreaterThan(0);
      expect(before.found.call_timelines).toBe(3); // the opted-out call is erased too

      const result = await store.eraseCustomer('acme', ALICE, 'admin-1');
      expect(result.calls).toBe(3);
      expect(result.rows.reviews).toBe(1);

      const after = await leftovers(store, 'acme', [...aliceCalls], ALICE);
      // Nothing of Alice in tenant acme, in any table (the audit row names no reference) …
      expect(
        Object.keys(after.found).filter(
          (table) => (table !== 'calls' || after.found.calls !== 1) && table !== 'erased_calls',
        ),
      ).toEqual([]);
      // … except tenant beta's own call, which carries the same text and must stay, and the erased
      // calls' ids (tenant and call id only), remembered so that what is still on its way is dropped.
      expect(after.found).toEqual({ calls: 1, erased_calls: 3 });
      const erased = await store.backend.query<Record<string, unknown>>(
        'SELECT tenant, call_id FROM erased_calls',
      );
      expect(erased.map((r) => r.call_id).sort()).toEqual(aliceCalls);
      const [audit] = await store.backend.query<Record<string, unknown>>('SELECT * FROM customer_erasures');
      expect(audit).toMatchObject({ tenant: 'acme', requested_by: 'admin-1', calls: 3 });
      expect(JSON.stringify(audit)).not.toContain(ALICE);
      // The search path and the index over the pseudonym find nothing either.
      const search = await store.searchCalls(acme, { sort: 'startedAt', order: 'desc', limit: 50 });
      expect(search.calls.map((c) => c.callId).filter((id) => id.startsWith('alice'))).toEqual([]);
      const indexed = await store.backend.transaction(async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        return tx.query(`SELECT call_id FROM calls WHERE tenant = 'acme' AND customer_ref = $1`, [ALICE]);
      });
      expect(indexed).toEqual([]);
      await expect(store.customerCalls(acme, ALICE)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // Bob is untouched.
      expect((await store.customerCalls(acme, BOB)).calls).toHaveLength(1);
    });

    it('tells the live services which calls it erased, and erases nothing when it cannot tell them', async () => {
      const IVY = pseudonymiseCustomerRef(KEY, 'acme', '+44 7700 900020');
      const ivyCalls = ['ivy-1', 'ivy-2'];
      for (const callId of ivyCalls) {
        const call = syntheticStoreCall({ callId, customerRef: IVY, startedAt: hoursAgo(2), durationS: 30 });
        expect((await store.write(syntheticEvents(call))).rejected).toEqual([]);
      }
      // Kafka unreachable: the erasure is refused as a whole (503, retry), not half done.
      const down = createCallStore(store.backend, {
        announceErasure: () => Promise.reject(new Error('KafkaJSConnectionError')),
      });
      await expect(down.eraseCustomer('acme', IVY, 'admin-1')).rejects.toMatchObject({
        code: 'ERASURE_NOT_ANNOUNCED',
        retriable: true,
      });
      expect((await store.customerCalls(acme, IVY)).calls).toHaveLength(2);
      const told: unknown[] = [];
      const up = createCallStore(store.backend, {
        announceErasure: async (erasure) => void told.push(erasure),
      });
      const result = await up.eraseCustomer('acme', IVY, 'admin-1');
      expect(told).toEqual([{ erasureId: result.erasureId, tenant: 'acme', callIds: expect.any(Array) }]);
      expect([...(told[0] as { callIds: string[] }).callIds].sort()).toEqual(ivyCalls);
      await expect(store.customerCalls(acme, IVY)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // A customer with no calls left: nothing to tell.
      await up.eraseCustomer('acme', IVY, 'admin-1');
      expect(told).toHaveLength(1);
      // A call whose start reaches the store only after the erasure (consumer lag) is dropped,
      // and told too: the alert service read its start and alerts from the topics itself.
      const [IRA, lagging] = liveCall('ira-lag', '+44 7700 900021', 20);
      await up.eraseCustomer('acme', IRA, 'admin-1');
      expect(told).toHaveLength(1);
      await up.write([lagging.start, ...lagging.body]);
      expect(told[1]).toEqual({ erasureId: '', tenant: 'acme', callIds: ['ira-lag'] });
      // A replay of that start (redelivery, rebalance) announces nothing again, and needs no Kafka.
      expect((await down.write([lagging.start])).rejected).toEqual([]);
      expect(told).toHaveLength(2);
      // Kafka unreachable when a late start is first read: the batch fails as a whole (fetched again).
      const [IDA, other] = liveCall('ida-lag', '+44 7700 900022', 20);
      await up.eraseCustomer('acme', IDA, 'admin-1');
      await expect(down.write([other.start])).rejects.toMatchObject({ code: 'ERASURE_NOT_ANNOUNCED' });
      await up.write([other.start]);
      expect(told[2]).toEqual({ erasureId: '', tenant: 'acme', callIds: ['ida-lag'] });
    });

    it('drops what a call live at the erasure still sends, and a replay of an erased call', async () => {
      const [CAROL, live] = liveCall('carol-live', '+44 7700 900003', 40);
      const half = Math.floor(live.body.length / 2);
      await store.write([live.start, ...live.body.slice(0, half)]);
      expect((await store.eraseCustomer('acme', CAROL, 'admin-1')).calls).toBe(1);
      // The rest of the call, then the whole of it again (a consumer group reset replays the topics).
      const rest = [...live.body.slice(half), ...live.alerts, live.end];
      // Counted as erased, not as duplicates (va_store_rows_total{result="erased"}).
      expect(await store.write(rest)).toMatchObject({ inserted: 0, duplicates: 0, erased: rest.length });
      const replay = syntheticEvents(live);
      expect(await store.write(replay)).toMatchObject({ inserted: 0, duplicates: 0, erased: replay.length });
      // Mixed with a live call's records, some new, some already stored: each counted as what it is.
      const [, other] = liveCall('carol-other', '+44 7700 900013', 20);
      const stored = [other.start, ...other.body.slice(0, 4)];
      await store.write(stored);
      const fresh = other.body.slice(4, 8);
      expect(await store.write([...stored, ...replay.slice(0, 3), ...fresh])).toMatchObject({
        inserted: fresh.length,
        duplicates: stored.length,
        erased: 3,
      });
      const after = await leftovers(store, 'acme', ['carol-live'], CAROL);
      expect(after.found).toEqual({ erased_calls: 1 });
    });

    it("drops a call that started before its customer's erasure but reached the store after it", async () => {
      const [GINA, lagging] = liveCall('gina-lag', '+44 7700 900007', 30);
      // Windows on one topic came in; the start, on another, is still in the topic (consumer lag).
      await store.write(lagging.body.slice(0, 6));
      expect((await store.eraseCustomer('acme', GINA, 'admin-1')).calls).toBe(0);
      await store.write([lagging.start, ...lagging.body.slice(6), ...lagging.alerts, lagging.end]);
      await store.write(syntheticEvents(lagging)); // a replay
      // Nothing of the call, and the customer remembered as a digest only (no table holds GINA).
      expect((await leftovers(store, 'acme', ['gina-lag'], GINA)).found).toEqual({ erased_calls: 1 });
      expect(
        await store.backend.query('SELECT tenant FROM erased_customers WHERE tenant = $1', ['acme']),
      ).not.toEqual([]);
      // The customer calling again after the erasure is stored as any call.
      const next = syntheticStoreCall({
        callId: 'gina-next',
        customerRef: GINA,
        startedAt: new Date(Date.now() + 1_000),
        durationS: 10,
      });
      expect((await store.write(syntheticEvents(next))).rejected).toEqual([]);
      expect((await store.customerCalls(acme, GINA)).calls.map((c) => c.callId)).toEqual(['gina-next']);
    });

    it("compares the erasure with when the gateway announced a start, not the client's clock", async () => {
      const [LEO, ahead] = liveCall('leo-ahead', '+44 7700 900012', 10);
      const announcedAt = new Date().toISOString();
      await store.eraseCustomer('acme', LEO, 'admin-1');
      // The client's clock runs 10 minutes ahead: its start time is after the erasure, the call is not.
      const start = { ...ahead.start, startedAt: new Date(Date.now() + 600_000).toISOString(), announcedAt };
      await store.write([start as StoreEvent, ...ahead.body]);
      expect((await leftovers(store, 'acme', ['leo-ahead'], LEO)).found).toEqual({ erased_calls: 1 });
    });

    it.runIf(fixture.name === 'postgres')(
      'stores nothing of an ingest batch in flight at the erasure (two connections, READ COMMITTED)',
      async () => {
        const [DAVE, live] = liveCall('dave-live', '+44 7700 900004', 20);
        await store.write([live.start]);
        // A batch that checked erased_calls and wrote its rows, not yet committed.
        const batch = held((tx) => writeEvents(tx, live.body.slice(0, 10)));
        await batch.ready;
        const erasing = store.eraseCustomer('acme', DAVE, 'admin-1');
        await expect.poll(waitingLocks).toBeGreaterThan(0);
        // The erasure waits for that batch; another call's ingest does not wait for either.
        const other = syntheticStoreCall({
          callId: 'eve-1',
          tenant: 'beta',
          startedAt: hoursAgo(0.1),
          durationS: 5,
        });
        const written = await Promise.race([
          store.write([other.start]).then(() => 'written'),
          new Promise((resolve) => setTimeout(() => resolve('blocked'), 2_000)),
        ]);
        expect(written).toBe('written');
        await batch.commit();
        expect((await erasing).calls).toBe(1);
        expect((await leftovers(store, 'acme', ['dave-live'], DAVE)).found).toEqual({ erased_calls: 1 });
      },
    );

    it.runIf(fixture.name === 'postgres')(
      "erases a call whose start is in flight at its customer's erasure (two connections)",
      async () => {
        const [HENRY, live] = liveCall('henry-live', '+44 7700 900008', 10);
        // A batch with the call's start, written and not yet committed: the erasure cannot see it.
        const batch = held((tx) => writeEvents(tx, [live.start]));
        await batch.ready;
        const erasing = store.eraseCustomer('acme', HENRY, 'admin-1');
        // It waits for the batch (the customer's lock), so it finds the call and erases it.
        await expect.poll(waitingLocks).toBeGreaterThan(0);
        await batch.commit();
        expect((await erasing).calls).toBe(1);
        await store.write([...live.body, live.end]);
        expect((await leftovers(store, 'acme', ['henry-live'], HENRY)).found).toEqual({ erased_calls: 1 });
      },
    );

    it.runIf(fixture.name === 'postgres')(
      "deletes a late start's call with the records of it written at the same moment (two connections)",
      async () => {
        const [JACK, lagging] = liveCall('jack-lag', '+44 7700 900010', 20);
        // Windows of the call in flight on another partition, not yet committed …
        const windows = held((tx) => writeEvents(tx, lagging.body.slice(0, 8)));
        await windows.ready;
        expect((await store.eraseCustomer('acme', JACK, 'admin-1')).calls).toBe(0);
        // … when the start, announced before the erasure, arrives: it waits for them, then deletes them.
        const start = store.write([lagging.start]);
        await expect.poll(waitingLocks).toBeGreaterThan(0);
        await windows.commit();
        await start;
        await store.write(lagging.body.slice(8));
        expect((await leftovers(store, 'acme', ['jack-lag'], JACK)).found).toEqual({ erased_calls: 1 });
      },
    );

    it.runIf(fixture.name === 'postgres')(
      'erases a call whose summary is being written, without a deadlock or a timeline left behind',
      async () => {
        const [FRANK, call] = liveCall('frank-1', '+44 7700 900005', 20);
        await store.write([call.start, ...call.body, call.end]);
        await store.finalizeCall('acme', 'frank-1');
        // As finalize.ts does: the call's row locked, then (after the erasure queued) its timeline written.
        const summary = held(async (tx) => {
          await tx.query(`SELECT 1 FROM calls WHERE tenant = 'acme' AND call_id = 'frank-1' FOR UPDATE`);
        });
        await summary.ready;
        const erasing = store.eraseCustomer('acme', FRANK, 'admin-1');
        await expect.poll(waitingLocks).toBeGreaterThan(0);
        await summary.commit((tx) =>
          tx.query(
            `INSERT INTO call_timelines (tenant, call_id, body) VALUES ('acme', 'frank-1', '{}')
             ON CONFLICT (tenant, call_id) DO UPDATE SET body = excluded.body`,
          ),
        );
        expect((await erasing).calls).toBe(1);
        expect((await leftovers(store, 'acme', ['frank-1'], FRANK)).found).toEqual({ erased_calls: 1 });
      },
    );

    it.runIf(fixture.name === 'postgres')(
      'refuses a review or a survey of a call erased while it was being added (two connections)',
      async () => {
        const [IRIS, call] = liveCall('iris-1', '+44 7700 900009', 10);
        await store.write([call.start, ...call.body, call.end]);
        // An erasure that holds the call's row and has deleted it, not yet committed.
        const erasure = held(async (tx) => {
          await tx.query(`SELECT 1 FROM calls WHERE tenant = 'acme' AND call_id = 'iris-1' FOR UPDATE`);
          await tx.query(`DELETE FROM calls WHERE tenant = 'acme' AND call_id = 'iris-1'`);
        });
        await erasure.ready;
        // Both still see the call (the delete is not committed) and then wait for its row.
        const review = store.addReview(acme, 'iris-1', 'qa-1', { notes: 'rude agent' }).then(
          () => 'stored',
          (error: { code?: string }) => error.code,
        );
        const survey = store.importSurveys(
          acme,
          [{ at: { index: 0 }, raw: { callId: 'iris-1', csat: 2 } }],
          'api',
        );
        await expect.poll(waitingLocks).toBe(2);
        await erasure.commit();
        expect(await review).toBe('NOT_FOUND');
        expect(await survey).toMatchObject({ inserted: 0, updated: 0 });
        const { found } = await leftovers(store, 'acme', ['iris-1'], IRIS);
        expect([found.reviews, found.surveys]).toEqual([undefined, undefined]);
      },
    );

    it.runIf(fixture.name === 'postgres')(
      'takes a survey of a call that ingest is updating without waiting for it (two connections)',
      async () => {
        const [, call] = liveCall('kate-1', '+44 7700 900011', 10);
        await store.write([call.start, ...call.body, call.end]);
        // A batch marking the call for a new summary (a late record), not yet committed.
        const batch = held((tx) =>
          tx.query(`UPDATE calls SET needs_summary = true WHERE call_id = 'kate-1'`),
        );
        await batch.ready;
        const survey = store.importSurveys(
          acme,
          [{ at: { index: 0 }, raw: { callId: 'kate-1', csat: 4 } }],
          'api',
        );
        const outcome = await Promise.race([
          survey.then(() => 'stored'),
          new Promise((resolve) => setTimeout(() => resolve('blocked'), 2_000)),
        ]);
        await batch.commit();
        expect(outcome).toBe('stored');
        expect(await survey).toMatchObject({ inserted: 1 });
      },
    );

    it("purges by the tenant's retention days from the configuration, an API setting winning", async () => {
      const policy = { defaultDays: 365, orphanGraceMs: 3_600_000, tenantDays: { acme: 1, beta: 1 } };
      await store.setRetention('beta', 30);
      const purged = await store.purgeExpired(policy, new Date(NOW.getTime() + 2 * 86_400_000));
      expect(purged.calls.acme).toBeGreaterThanOrEqual(1);
      expect(purged.calls.beta).toBeUndefined();
      await expect(store.customerCalls(acme, BOB)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  },
);
