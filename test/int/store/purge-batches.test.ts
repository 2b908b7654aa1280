// The retention purge in bounded steps, on both backends: expired calls in batches of their own
// transactions until none is left (the rest untouched), and the orphan check over the rows
// received since its previous check only, remembered across a restart (PGlite in a folder).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlBackend } from '../../../services/call-store/backend/backend.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { ORPHAN_OVERLAP_MS } from '../../../services/call-store/store/orphans.ts';
import { CHILD_TABLES, purgeExpired } from '../../../services/call-store/store/retention.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { BACKENDS } from './backends.ts';

const DAY = 86_400_000;
const policy = { defaultDays: 90, orphanGraceMs: DAY };

function callEvents(callId: string, startedAt: Date, seed = 1, durationS = 6): StoreEvent[] {
  return syntheticEvents(syntheticStoreCall({ callId, startedAt, durationS, seed }));
}

/** The call's child events without its start and end: what arrives when the start is lost. */
function orphanEvents(callId: string): StoreEvent[] {
  return callEvents(callId, new Date()).filter((e) => e.kind !== 'call-start' && e.kind !== 'call-end');
}

async function rowsOf(db: SqlBackend, callId: string): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM calls WHERE call_id = $1) + (SELECT count(*) FROM speaker_windows WHERE call_id = $1)
       + (SELECT count(*) FROM emotion_events WHERE call_id = $1)
       + (SELECT count(*) FROM dynamics_windows WHERE call_id = $1))::int AS n`,
    [callId],
  );
  return n;
}

/** The backend, counting its transactions. */
function counting(db: SqlBackend): { db: SqlBackend; transactions: () => number } {
  let transactions = 0;
  return {
    db: {
      kind: db.kind,
      query: (sql, params) => db.query(sql, params),
      exec: (sql) => db.exec(sql),
      transaction: (work) => {
        transactions++;
        return db.transaction(work);
      },
      close: () => db.close(),
    },
    transactions: () => transactions,
  };
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'retention purge on %s',
  (_name, make) => {
    const fixture = make();
    let store: CallStore;
    beforeAll(async () => {
      await fixture.setup();
      store = await fixture.open();
    });
    afterAll(() => fixture.teardown());

    it('purges more than one batch of expired calls, each in its own transaction, and leaves the rest', async () => {
      const old = new Date(Date.now() - 120 * DAY);
      const expired = Array.from({ length: 7 }, (_, i) => `old-${i}`);
      for (const [i, callId] of expired.entries()) await store.write(callEvents(callId, old, i + 1));
      // Another tenant's call of the same id and a recent call: not expired.
      await store.write(
        syntheticEvents(
          syntheticStoreCall({ callId: 'old-0', tenant: 'beta', startedAt: new Date(), durationS: 6 }),
        ),
      );
      await store.write(callEvents('fresh-1', new Date(Date.now() - 10 * DAY)));

      const { db, transactions } = counting(store.backend);
      const purged = await purgeExpired(db, policy, new Date(), { batchCalls: 3 });
      expect(purged.calls).toEqual({ acme: 7 });
      // 3 + 3 + 1 calls, and the one that found none left.
      expect(transactions()).toBe(4);
      for (const callId of expired) {
        const [{ n }] = await store.backend.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM calls WHERE tenant = 'acme' AND call_id = $1`,
          [callId],
        );
        expect(n).toBe(0);
      }
      const [{ n: speakerRows }] = await store.backend.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM speaker_windows WHERE tenant = 'acme' AND call_id LIKE 'old-%'`,
      );
      expect(speakerRows).toBe(0);
      expect(await rowsOf(store.backend, 'fresh-1')).toBeGreaterThan(1);
      const [{ n: beta }] = await store.backend.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM calls WHERE tenant = 'beta' AND call_id = 'old-0'`,
      );
      expect(beta).toBe(1);
    });

    it('deletes the orphans received after the previous check, and never the rows of a stored call', async () => {
      // The first check after migration 015 (the purge above made one: forgotten here) passes over
      // every table, in small page ranges here, to the last page (the old orphan written last is
      // there), and sets the horizon.
      await store.write(callEvents('kept-1', new Date(Date.now() - 2 * DAY), 1, 240));
      await store.backend.query('DELETE FROM orphan_checks');
      await store.backend.query(
        `INSERT INTO speaker_windows (tenant, call_id, channel, window_index, start_ms, end_ms, speech_fraction,
           voiced_fraction, received_at)
         VALUES ('', 'legacy-orphan', 'customer', 0, 0, 2000, 0.9, 0.7, now() - interval '400 days')`,
      );
      const [{ pages }] = await store.backend.query<{ pages: number }>(
        `SELECT (pg_relation_size('speaker_windows') / 8192)::int AS pages`,
      );
      expect(pages).toBeGreaterThan(4);
      const first = await purgeExpired(store.backend, policy, new Date(), { firstPassBlocks: 2 });
      expect(first.orphanRows).toEqual({ speaker_windows: 1 });
      expect(await rowsOf(store.backend, 'legacy-orphan')).toBe(0);
      const [{ n: tables }] = await store.backend.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM orphan_checks',
      );
      expect(tables).toBe(CHILD_TABLES.length);

      await store.write(orphanEvents('ghost-1'));
      const ghost = await rowsOf(store.backend, 'ghost-1');
      const kept = await rowsOf(store.backend, 'kept-1');
      expect(ghost).toBeGreaterThan(0);

      // Within the grace: kept (the call start may still come).
      await purgeExpired(store.backend, policy, new Date());
      expect(await rowsOf(store.backend, 'ghost-1')).toBe(ghost);

      const later = await purgeExpired(store.backend, policy, new Date(Date.now() + DAY + 60_000));
      expect(Object.values(later.orphanRows).reduce((a, b) => a + b, 0)).toBe(ghost);
      expect(await rowsOf(store.backend, 'ghost-1')).toBe(0);
      expect(await rowsOf(store.backend, 'kept-1')).toBe(kept);
    });

    it('reads only the rows received since the previous check, less the overlap', async () => {
      // A row received long before the horizon cannot become an orphan later (store/orphans.ts): the
      // check no longer reads that far back. Written here by hand to see where the check reads.
      const insert = (callId: string, ago: number) =>
        store.backend.query(
          `INSERT INTO speaker_windows (tenant, call_id, channel, window_index, start_ms, end_ms, speech_fraction,
           voiced_fraction, received_at)
         VALUES ('acme', $1, 'customer', 0, 0, 2000, 0.9, 0.7, now() - $2::int * interval '1 millisecond')`,
          [callId, ago],
        );
      await insert('before-window', 3 * DAY);
      await insert('in-overlap', DAY + ORPHAN_OVERLAP_MS / 2);
      await purgeExpired(store.backend, policy, new Date());
      expect(await rowsOf(store.backend, 'before-window')).toBe(1);
      expect(await rowsOf(store.backend, 'in-overlap')).toBe(0);
    });
  },
);

describe('the orphan check across a restart (PGlite in a folder)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'va-orphans-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('goes on from the horizon it saved instead of reading every table again', async () => {
    let store = await openCallStore({ dataDir: dir });
    try {
      await purgeExpired(store.backend, policy, new Date());
    } finally {
      await store.close();
    }
    store = await openCallStore({ dataDir: dir });
    try {
      const [{ n: saved }] = await store.backend.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM orphan_checks',
      );
      expect(saved).toBe(CHILD_TABLES.length);
      // An orphan older than the saved horizon: a full pass (a lost horizon) would delete it.
      await store.backend.query(
        `INSERT INTO speaker_windows (tenant, call_id, channel, window_index, start_ms, end_ms, speech_fraction,
           voiced_fraction, received_at)
         VALUES ('acme', 'old-orphan', 'customer', 0, 0, 2000, 0.9, 0.7, now() - interval '30 days')`,
      );
      await store.write(orphanEvents('new-orphan'));
      const purged = await purgeExpired(store.backend, policy, new Date(Date.now() + DAY + 60_000));
      expect(await rowsOf(store.backend, 'old-orphan')).toBe(1);
      expect(await rowsOf(store.backend, 'new-orphan')).toBe(0);
      expect(purged.orphanRows.speaker_windows).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
