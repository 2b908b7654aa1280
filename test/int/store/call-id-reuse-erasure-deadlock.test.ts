// Review revreuse30: markReused takes the recycled id's call lock exclusive in a second lock pass,
// after the batch's shared pass (and out of key order: the later call's start is dropped before
// that pass, so its id's lock is not among them). An erasure of the first call's customer that
// took that id's lock and waits for one the batch holds deadlocks with it.
import { expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { callLockKey } from '../../../services/call-store/store/call-locks.ts';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { aroundNextTransaction, untilWaiting } from './rotation-call.ts';
import { postgresStoreForFile } from './backends.ts';

let store: CallStore;
postgresStoreForFile((opened) => {
  store = opened;
});

/** Two call ids whose locks differ, the recycled one's first (the erasure takes it first). */
function ids(): { reused: string; other: string } {
  for (let i = 0; ; i++) {
    const reused = `reuse-dl-${i}`;
    const other = `reuse-dl-other-${i}`;
    if (BigInt(callLockKey('acme', reused)) < BigInt(callLockKey('acme', other))) return { reused, other };
  }
}

it("an erasure of the first call's customer does not deadlock with a batch marking its id reused", async () => {
  const ann = pseudonymiseCustomerRef('dl-key-0123456789abcdef', 'acme', '+44 7700 900001');
  const bob = pseudonymiseCustomerRef('dl-key-0123456789abcdef', 'acme', '+44 7700 900002');
  const { reused, other } = ids();
  const now = Date.now();
  const first = syntheticStoreCall({
    callId: reused,
    agentId: 'ann',
    customerRef: ann,
    startedAt: new Date(now - 600_000),
    durationS: 20,
  });
  const live = syntheticStoreCall({
    callId: other,
    agentId: 'ann',
    customerRef: ann,
    startedAt: new Date(now - 300_000),
    durationS: 30,
  });
  const later = syntheticStoreCall({
    callId: reused,
    agentId: 'bob',
    customerRef: bob,
    startedAt: new Date(now - 60_000),
    durationS: 20,
  });
  await store.write([first.start, first.end, live.start]);

  let locked = false;
  let erasure: Promise<unknown> = Promise.resolve();
  const restore = aroundNextTransaction(store, async (sql, run) => {
    if (sql.includes('pg_advisory_xact_lock')) locked = true;
    else if (locked && !launched) {
      // After the batch's lock pass: the DPO's erasure of ann takes the locks of her calls.
      launched = true;
      erasure = store.eraseCustomer('acme', ann, 'dpo@acme').then(
        () => 'ok',
        (e) => (e as { code?: string }).code ?? String(e),
      );
      await untilWaiting(
        store,
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
      );
    }
    return run();
  });
  let launched = false;
  try {
    // The calls partition: bob's start under ann's ended call's id, and ann's other call's end.
    const batch = await store.write([later.start, live.end]).then(
      () => 'ok',
      (e) => (e as { code?: string }).code ?? String(e),
    );
    expect(launched).toBe(true);
    const [{ deadlocks }] = await store.backend.query<{ deadlocks: number }>(
      'SELECT deadlocks::int AS deadlocks FROM pg_stat_database WHERE datname = current_database()',
    );
    // PostgreSQL failed one of them after deadlock_timeout (the erasure or the batch then ran again).
    expect(deadlocks).toBe(0);
    expect([batch, await erasure]).toEqual(['ok', 'ok']);
  } finally {
    restore();
  }
}, 30_000);
