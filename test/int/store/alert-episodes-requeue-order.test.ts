// README's upgrade note queues every old call with an escalation for a new summary. The summariser
// takes the due calls oldest updated_at first, 100 a tick (finalize.ts): the queued old calls must
// not hold back the summary of a call that ends now.
import { beforeAll, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { finalizePending } from '../../../services/call-store/store/finalize.ts';
import { describeEachBackend } from './backends.ts';
import { lifecycleCall } from './alert-lifecycle-call.ts';

const QUEUE_ESCALATED_CALLS = `UPDATE calls c SET needs_summary = true WHERE c.status = 'ended' AND EXISTS (SELECT 1 FROM alerts a WHERE a.tenant = c.tenant AND a.call_id = c.call_id AND (a.escalation_of IS NOT NULL OR a.alert_id LIKE '%.escalated'))`;

describeEachBackend('re-summary queue on %s', (opened) => {
  let store: CallStore;
  beforeAll(() => {
    store = opened();
  });

  it('summarises a call ended after the upgrade before the queued backlog', async () => {
    const old = new Date(Date.now() - 30 * 86_400_000);
    for (const callId of ['old-1', 'old-2'])
      await store.write(lifecycleCall({ callId, tenant: 'acme', startedAt: old }).events);
    await store.finalizePending(0);
    // Summarised a month ago, as calls before the upgrade were.
    await store.backend.query(`UPDATE calls SET updated_at = now() - interval '30 days'`);
    await store.backend.query(QUEUE_ESCALATED_CALLS);
    await store.write(
      lifecycleCall({ callId: 'new-1', tenant: 'acme', startedAt: new Date(Date.now() - 600_000) }).events,
    );
    // One tick that has room for two calls (100 in production, with a backlog of thousands).
    await finalizePending(store.backend, 0, 2);
    const [row] = await store.backend.query<{ needs_summary: boolean }>(
      `SELECT needs_summary FROM calls WHERE call_id = 'new-1'`,
    );
    expect(row.needs_summary).toBe(false);
  });
});
