// An agent's erasure goes over their calls a slice per transaction, after it has noted the agent in
// erased_agents: a start of one of those calls replayed in between is stored under a tombstone
// beside the leg still naming the agent, and the slice then renames that leg onto the same key.
import { beforeAll, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { agentDigest, rememberErasedAgent } from '../../../services/call-store/store/erased-agents.ts';
import { describeEachBackend } from './backends.ts';

describeEachBackend('an agent erased in slices on %s', (opened) => {
  let store: CallStore;
  beforeAll(() => {
    store = opened();
  });

  it('erases a call whose start was replayed between the first transaction and its slice', async () => {
    const call = syntheticStoreCall({ callId: 'dup-1', agentId: 'eve', durationS: 30 });
    await store.write(syntheticEvents(call));
    // The erasure's first transaction committed; its slices have not reached dup-1 yet.
    await store.backend.transaction((tx) => rememberErasedAgent(tx, 'acme', agentDigest('eve')));
    await store.write([call.start]);
    const legs = await store.backend.query<{ agent_id: string }>(
      `SELECT agent_id FROM call_legs WHERE call_id = 'dup-1' ORDER BY agent_id`,
    );
    expect(legs.map((l) => l.agent_id.replace(/:.*/, ':'))).toEqual(['erased-agent:', 'eve']);
    const result = await store.eraseAgent('acme', 'eve', 'admin-1');
    expect(result.calls).toBe(1);
    const after = await store.backend.query<{ agent_id: string }>(
      `SELECT agent_id FROM call_legs WHERE call_id = 'dup-1' UNION ALL SELECT agent_id FROM calls WHERE call_id = 'dup-1'`,
    );
    expect(new Set(after.map((r) => r.agent_id)).size).toBe(1);
    expect(after[0].agent_id).toMatch(/^erased-agent:/);
  });
});
