// Review, 2026-12-07: purgeUnusedLinks deletes a link while a batch that resolved a previous-only start
// through it is in flight: the call is stored under the current pseudonym with no link left, the
// customer's next previous-only start is stored under the old one, and an erasure by the current
// pseudonym leaves that call.
import { expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { purgeUnusedLinks } from '../../../services/call-store/store/retention.ts';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { aroundNextTransaction, rotationCall } from './rotation-call.ts';
import { postgresStoreForFile } from './backends.ts';

const [K_OLD, K_NEW] = ['lp-old-key-0123456789abcdef01', 'lp-new-key-fedcba9876543210fe'];
const NOW = Date.now();
const DAY = 86_400_000;
function callOf(callId: string, customerRef: string, at: number, previous?: string) {
  return rotationCall('brief', callId, customerRef, new Date(at), previous);
}
let store: CallStore;
postgresStoreForFile((opened) => {
  store = opened;
});

it('a link purge racing a previous-only start leaves the customer under one pseudonym for an erasure', async () => {
  await store.setRetention('brief', 1);
  const [A, C] = [K_OLD, K_NEW].map((k) => pseudonymiseCustomerRef(k, 'brief', '+44 7700 970001'));
  const policy = { defaultDays: 90, orphanGraceMs: DAY };
  await store.write(callOf('r-1', C, NOW - 20 * 60_000, A)); // the rotation's start: linked
  await store.purgeExpired(policy, new Date(NOW + 2 * DAY)); // r-1 past the tenant's day; the link kept? (it is purged here if unused)
  // Put the link back as it stood before that run (the race is with a start between the two statements).
  await store.write(callOf('r-0', C, NOW - 10 * 60_000, A));
  await store.backend.query("UPDATE customer_ref_links SET linked_at = now() - interval '3 days'");
  await store.backend.query("DELETE FROM calls WHERE call_id = 'r-0'");
  let purged = -1;
  let purging: Promise<unknown> = Promise.resolve();
  const restore = aroundNextTransaction(store, async (sql, run) => {
    // A gateway not yet rotated: its start resolved through the link; the link purge runs now.
    if (sql.includes('INSERT INTO calls') && purged < 0) {
      purged = 0;
      purging = purgeUnusedLinks(store.backend, policy, new Date(NOW + 60_000)).then((n) => (purged = n));
      await Promise.race([purging, new Promise((r) => setTimeout(r, 300))]);
    }
    return run();
  });
  try {
    await store.write(callOf('r-2', A, NOW - 60_000));
    await purging;
  } finally {
    restore();
  }
  await store.write(callOf('r-3', A, NOW)); // the next call, same gateway
  const refs = await store.backend.query<{ call_id: string; customer_ref: string }>(
    "SELECT call_id, customer_ref FROM calls WHERE tenant = 'brief' ORDER BY 1",
  );
  // Every call under the current pseudonym: one erasure by it reaches them all.
  expect(refs.map((r) => r.customer_ref === C)).toEqual(refs.map(() => true));
  const erased = await store.eraseCustomer('brief', C, 'dpo');
  expect(erased.calls).toBe(refs.length);
  const left = await store.backend.query("SELECT call_id FROM calls WHERE tenant = 'brief'");
  expect(left).toEqual([]);
});
