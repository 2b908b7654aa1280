// An erased agent's calls carry a random tombstone each, so nobody links them to each other or to
// the audit: not by a column the erasure stamps on them either (calls.updated_at was the audit
// row's erased_at, to the microsecond, on every call of the agent and no other).
import { beforeAll, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { agentDigest } from '../../../services/call-store/store/erased-agents.ts';
import { describeEachBackend } from './backends.ts';

describeEachBackend("an erased agent's calls on %s", (opened) => {
  let store: CallStore;
  beforeAll(async () => {
    store = opened();
    for (const [callId, agentId] of [
      ['u-1', 'ann'],
      ['u-2', 'ann'],
      ['u-3', 'bob'],
    ])
      await store.write(syntheticEvents(syntheticStoreCall({ callId, agentId, durationS: 30 })));
    await store.finalizePending(0);
  });

  it('are not found from the audit row by a timestamp the erasure left on them', async () => {
    await store.eraseAgent('acme', 'ann', 'admin-1');
    const linked = await store.backend.query<{ call_id: string }>(
      `SELECT c.call_id FROM calls c JOIN customer_erasures e
         ON e.tenant = c.tenant AND e.subject_digest = $1 AND c.updated_at = e.erased_at`,
      [agentDigest('ann')],
    );
    expect(linked.map((r) => r.call_id)).toEqual([]);
  });
});
