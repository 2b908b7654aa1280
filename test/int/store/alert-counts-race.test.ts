// Two call-store instances write the same call at the same moment (PostgreSQL): one batch brings an
// alert, the other its acknowledgement. The recount (store/alert-counts.ts) locks the call row
// before it reads the alert rows, so whichever commits last counts the other's rows: the call
// lists one alert, acknowledged. Without the lock, the batch that waited counted what it read
// before the wait, and its update left the list at 0 alerts.
import { expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { aroundNextTransaction, untilWaiting } from './rotation-call.ts';
import { postgresStoreForFile } from './backends.ts';
import { lifecycleCall } from './alert-lifecycle-call.ts';

let store: CallStore;
postgresStoreForFile((opened) => {
  store = opened;
});

const WAITING_ON_ROW = `SELECT count(*)::int AS n FROM pg_locks WHERE locktype IN ('transactionid', 'tuple') AND NOT granted`;

it('counts an alert and its acknowledgement written side by side', async () => {
  const call = lifecycleCall({ callId: 'race-1', tenant: 'acme', startedAt: new Date(Date.now() - 600_000) });
  const alert = call.live.find((e) => e.kind === 'alert' && e.alertId === call.ids.frustration) as StoreEvent;
  const ack = call.live.find((e) => e.kind === 'ack' && e.alertId === call.ids.frustration) as StoreEvent;
  expect(alert && ack).toBeTruthy();
  await store.writeValid(call.live.filter((e) => e.kind !== 'alert' && e.kind !== 'ack'));

  let other: Promise<unknown> | undefined;
  const restore = aroundNextTransaction(store, async (sql, run) => {
    const rows = await run();
    // This batch has counted its alert, not committed: the other instance's batch writes the ack.
    if (other === undefined && sql.includes('SET alerts_count')) {
      other = store.writeValid([ack]);
      await untilWaiting(store, WAITING_ON_ROW);
    }
    return rows;
  });
  try {
    await store.writeValid([alert]);
  } finally {
    restore();
  }
  expect(other).toBeDefined();
  await other;
  const [row] = await store.backend.query<{ alerts_count: number; unacked_alerts: number }>(
    `SELECT alerts_count, unacked_alerts FROM calls WHERE call_id = 'race-1'`,
  );
  expect([row.alerts_count, row.unacked_alerts]).toEqual([1, 0]);
});
