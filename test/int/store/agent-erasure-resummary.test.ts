// A call of an erased agent summarised after the erasure (ended but not yet summarised at it, or a
// late record of it) gets no scorecard, agent-side figures or leg measures of theirs back.
import { beforeAll, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { describeEachBackend } from './backends.ts';

const staff = { tenant: 'acme', agentId: null, teams: null };

describeEachBackend('a call of an erased agent summarised after the erasure on %s', (opened) => {
  let store: CallStore;
  beforeAll(() => {
    store = opened();
  });

  it('ended but not yet summarised at the erasure: no scorecard afterwards', async () => {
    await store.write(
      syntheticEvents(syntheticStoreCall({ callId: 'fin-1', agentId: 'bea', durationS: 60 })),
    );
    await store.eraseAgent('acme', 'bea', 'admin-1');
    await store.finalizePending(0);
    const call = await store.getCall(staff, 'fin-1');
    expect(call.agentId).toMatch(/^erased-agent:/);
    expect([call.scorecard, call.score, call.legs[0].measures]).toEqual([null, null, null]);
    expect((call.summary as Record<string, unknown>).overtalkCount).toBeNull();
  });

  it("a late record of a summarised call does not rebuild the erased agent's scorecard", async () => {
    const all = syntheticEvents(syntheticStoreCall({ callId: 'fin-2', agentId: 'cy', durationS: 60 }));
    const late = all.find((e) => e.kind === 'features' && e.channel === 'customer')!;
    await store.write(all.filter((e) => e !== late));
    await store.finalizePending(0);
    expect((await store.getCall(staff, 'fin-2')).scorecard).not.toBeNull();
    await store.eraseAgent('acme', 'cy', 'admin-1');
    await store.write([late]);
    await store.finalizePending(0);
    const call = await store.getCall(staff, 'fin-2');
    expect([call.scorecard, call.score, call.legs[0].measures]).toEqual([null, null, null]);
    expect((call.summary as Record<string, unknown>).overtalkCount).toBeNull();
    expect((call.summary as Record<string, unknown>).customerAngerS).not.toBeUndefined();
  });
});
