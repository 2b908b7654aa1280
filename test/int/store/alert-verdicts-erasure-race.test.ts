// Review revverdict30 (PostgreSQL): a verdict PUT arriving while an erasure of its call is between
// deleting the call's verdicts and deleting its alerts. The PUT held the alert and waited for the
// verdict row the erasure had deleted; the erasure waited for the alert: a deadlock, the PUT
// answered 500. It now waits for the erasure, then answers the call's 404.
import { expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { postgresStoreForFile } from './backends.ts';

let store: CallStore;
postgresStoreForFile((opened) => {
  store = opened;
});
const staff = { tenant: 'acme', agentId: null, teams: null };

it('answers a PUT racing an erasure NOT_FOUND, without a deadlock', async () => {
  const call = syntheticStoreCall({
    callId: 'race-1',
    tenant: 'acme',
    startedAt: new Date(Date.now() - 3_600_000),
    durationS: 40,
    angryFromS: 10,
    angryToS: 30,
    alert: true,
    seed: 2,
  });
  await store.write(syntheticEvents(call));
  await store.finalizePending(0);
  const alertId = (call.alerts.find((e) => e.kind === 'alert') as unknown as { alertId: string }).alertId;
  await store.putVerdict(staff, 'race-1', alertId, 'qa-1', { verdict: 'wrong', reason: 'first' });
  // An erasure's steps (store/erasure.ts): the call FOR UPDATE, its verdicts, then its alerts.
  const erasure = await store.backend.transaction(async (tx) => {
    await tx.query(`SELECT 1 FROM calls WHERE tenant = 'acme' AND call_id = 'race-1' FOR UPDATE`);
    await tx.query(`DELETE FROM alert_verdicts WHERE tenant = 'acme' AND call_id = 'race-1'`);
    const put = store.putVerdict(staff, 'race-1', alertId, 'qa-2', { verdict: 'right' }).then(
      () => 'stored',
      (error: { code?: string }) => error.code,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await tx.query(`DELETE FROM alerts WHERE tenant = 'acme' AND call_id = 'race-1'`);
    await tx.query(`DELETE FROM calls WHERE tenant = 'acme' AND call_id = 'race-1'`);
    // Wrapped: the transaction commits without waiting for the PUT.
    return { put };
  });
  expect(await erasure.put).toBe('NOT_FOUND');
  expect(await store.backend.query(`SELECT 1 FROM alert_verdicts WHERE tenant = 'acme'`)).toEqual([]);
}, 60_000);
