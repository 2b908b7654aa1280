// An agent of thousands of calls erased on PostgreSQL while another tenant's ingest writes a call:
// the write does not wait for the whole erasure. In one transaction the erasure held every call
// lock bucket (an agent of ~1 500 calls covers all 256) until it committed, and every tenant's
// ingest stood still meanwhile (review: 50 000 calls, 95 s). The calls are cloned by SQL from one
// synthetic call.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { postgresFixture } from './backends.ts';

const CALLS = 3000;
const fixture = postgresFixture();
let store: CallStore;
beforeAll(async () => {
  await fixture.setup();
  store = await fixture.open();
  const template = syntheticStoreCall({ callId: 'tpl', agentId: 'zed', durationS: 60 });
  await store.write(syntheticEvents(template));
  await store.finalizePending(0);
  for (const table of ['calls', 'call_legs', 'speaker_windows', 'emotion_events', 'dynamics_windows']) {
    const columns = (
      await store.backend.query<{ c: string }>(
        `SELECT column_name AS c FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
        [table],
      )
    ).map((r) => r.c);
    const values = columns.map((c) => (c === 'call_id' ? `'c-' || g::text` : c)).join(', ');
    await store.backend.query(
      `INSERT INTO ${table} (${columns.join(', ')})
       SELECT ${values} FROM ${table}, generate_series(1, ${CALLS}) AS g WHERE call_id = 'tpl'`,
    );
  }
}, 300_000);
afterAll(() => fixture.teardown());

it("lets another tenant's ingest in while it erases an agent of thousands of calls", async () => {
  let erasedAt = 0;
  const erasure = store.eraseAgent('acme', 'zed', 'admin-1').then((r) => {
    erasedAt = Date.now();
    return r;
  });
  // Once the erasure holds call locks exclusive.
  for (let i = 0; i < 500; i++) {
    const held = await store.backend.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND mode = 'ExclusiveLock' AND granted
         AND classid = ${0x7661}`,
    );
    if (held.length > 0 || erasedAt > 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await store.write(
    syntheticEvents(syntheticStoreCall({ callId: 'other-1', tenant: 'beta', agentId: 'yan', durationS: 20 })),
  );
  const wroteAt = Date.now();
  expect((await erasure).calls).toBe(CALLS + 1);
  expect(erasedAt).toBeGreaterThan(0);
  expect(wroteAt).toBeLessThan(erasedAt);
  expect(
    await store.backend.query(
      `SELECT 1 FROM calls WHERE agent_id = 'zed' UNION ALL SELECT 1 FROM call_legs WHERE agent_id = 'zed'`,
    ),
  ).toEqual([]);
}, 300_000);
