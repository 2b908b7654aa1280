// An acknowledgement by an agent that reaches the store after their erasure (made on a call live at
// it, or replayed) is stored under a tombstone, as the erasure renamed the stored ones: not the id.
import { beforeAll, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { describeEachBackend } from './backends.ts';

const count = async (store: CallStore, sql: string) =>
  (await store.backend.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS q`))[0].n;

/** A 60-s call of ann's with a frustration alert she acknowledged 5 s after it fired. */
const annsCall = (callId: string) =>
  syntheticStoreCall({
    callId,
    agentId: 'ann',
    durationS: 60,
    angryFromS: 10,
    angryToS: 40,
    alert: true,
    ackAfterS: 5,
  });

describeEachBackend("an erased agent's late acknowledgement on %s", (opened) => {
  let store: CallStore;
  beforeAll(() => {
    store = opened();
  });

  it('is stored under a tombstone, not the id', async () => {
    const live = annsCall('ack-1');
    const ack = live.alerts.find((e) => e.kind === 'ack')!;
    await store.write(syntheticEvents(live).filter((e) => e.kind !== 'ack' && e.kind !== 'call-end'));
    await store.eraseAgent('acme', 'ann', 'admin-1');
    // The agent acknowledged the alert on their page a moment before: the ack reaches the store now.
    await store.write([{ ...ack, ackedBy: 'ann' } as StoreEvent]);
    expect(await count(store, `SELECT 1 FROM alert_acks WHERE tenant = 'acme' AND acked_by = 'ann'`)).toBe(0);
    expect(
      await count(store, `SELECT 1 FROM alert_acks WHERE tenant = 'acme' AND acked_by LIKE 'erased-agent:%'`),
    ).toBe(1);
  });

  it('stores an acknowledgement the agent makes after the erasure (they work again) as usual', async () => {
    const next = annsCall('ack-2');
    const ack = next.alerts.find((e) => e.kind === 'ack')!;
    const later = {
      ...ack,
      ackedBy: 'ann',
      ackedAt: new Date(Date.now() + 60_000).toISOString(),
    } as StoreEvent;
    await store.write([...syntheticEvents(next).filter((e) => e.kind !== 'ack'), later]);
    expect(await count(store, `SELECT 1 FROM alert_acks WHERE tenant = 'acme' AND acked_by = 'ann'`)).toBe(1);
  });
});
