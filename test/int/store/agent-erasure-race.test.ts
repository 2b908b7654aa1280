// An agent's erasure and an ingest batch with a start of theirs, at the same moment (PostgreSQL,
// where they run side by side): the batch holds the agent's lock shared until it commits, the
// erasure takes it exclusive first, so the erasure sees the batch's call and renames it. Without
// the lock the erasure read the calls before the batch committed, and the call kept the id.
import { expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { aroundNextTransaction, untilWaiting } from './rotation-call.ts';
import { postgresStoreForFile } from './backends.ts';

let store: CallStore;
postgresStoreForFile((opened) => {
  store = opened;
});

const WAITING_ON_ADVISORY = `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`;

it("renames the call of a batch in flight at the agent's erasure", async () => {
  const call = syntheticStoreCall({ callId: 'race-1', agentId: 'dee', durationS: 20 });
  let erasure: Promise<unknown> | undefined;
  const restore = aroundNextTransaction(store, async (sql, run) => {
    const rows = await run();
    // The batch has written its call and legs, not committed: the erasure starts now.
    if (erasure === undefined && sql.includes('INSERT INTO call_legs')) {
      erasure = store.eraseAgent('acme', 'dee', 'admin-1');
      await untilWaiting(store, WAITING_ON_ADVISORY);
    }
    return rows;
  });
  try {
    await store.write(syntheticEvents(call));
  } finally {
    restore();
  }
  expect(erasure).toBeDefined();
  expect(await erasure).toMatchObject({ calls: 1 });
  const named = await store.backend.query(
    `SELECT 1 FROM calls WHERE agent_id = 'dee' UNION ALL SELECT 1 FROM call_legs WHERE agent_id = 'dee'`,
  );
  expect(named).toEqual([]);
  const agentRows = await store.backend.query(
    `SELECT 1 FROM speaker_windows WHERE call_id = 'race-1' AND channel = 'agent'`,
  );
  expect(agentRows).toEqual([]);
});
