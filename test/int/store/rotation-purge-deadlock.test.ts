// Review, 2026-12-07: a batch relinking two customers locks their old calls in two ascending runs (one per
// move); the retention purge locks the same expired calls in one ascending run: deadlock (40P01).
import { expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { aroundNextTransaction, rotationCall, untilWaiting } from './rotation-call.ts';
import { postgresStoreForFile } from './backends.ts';

const [K_OLD, K_NEW] = ['pd-old-key-0123456789abcdef01', 'pd-new-key-fedcba9876543210fe'];
const NOW = Date.now();
function callOf(callId: string, customerRef: string, minutesAgo: number, previous?: string) {
  return rotationCall('acme', callId, customerRef, new Date(NOW - minutesAgo * 60_000), previous);
}
const who = (phone: string) => ({
  old: pseudonymiseCustomerRef(K_OLD, 'acme', phone),
  cur: pseudonymiseCustomerRef(K_NEW, 'acme', phone),
});

let store: CallStore;
postgresStoreForFile((opened) => {
  store = opened;
});

it('a batch relinking two customers does not deadlock with the retention purge', async () => {
  // The customer moved first (lower old pseudonym) owns the later call id.
  const [x, y] = [who('+44 7700 960001'), who('+44 7700 960002')].sort((a, b) => (a.old < b.old ? -1 : 1));
  const DAY = 24 * 60;
  await store.write(callOf('p-9', x.old, 100 * DAY));
  await store.write(callOf('p-1', y.old, 100 * DAY));
  let purge: Promise<unknown> = Promise.resolve();
  let seen = 0;
  const restore = aroundNextTransaction(store, async (sql, run) => {
    const rows = await run();
    // After the first move locked x's old call: the purge starts (it takes p-1, waits for p-9).
    if (sql.includes('ORDER BY call_id FOR UPDATE') && ++seen === 1) {
      purge = store.purgeExpired({ defaultDays: 30, orphanGraceMs: 3_600_000 }).then(
        () => 'ok',
        (e) => e,
      );
      await untilWaiting(
        store,
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE OF c%'",
      );
    }
    return rows;
  });
  try {
    const batch = await store
      .write([...callOf('n-x', x.cur, 5, x.old), ...callOf('n-y', y.cur, 4, y.old)])
      .then(
        () => 'ok',
        (e) => e,
      );
    const purged = await purge;
    const codes = [batch, purged].map((r) =>
      r === 'ok' ? 'ok' : ((r as { code?: string }).code ?? String(r)),
    );
    expect(codes).toEqual(['ok', 'ok']);
  } finally {
    restore();
  }
});
