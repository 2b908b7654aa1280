// A key rotation's relink against what runs beside it (store/customer-relink.ts, erasure.ts), on
// PGlite and a real PostgreSQL: a start under the previous pseudonym alone in the batch that
// relinks it or in a concurrent one, an erasure racing a relink, a previous pseudonym claimed by
// two current ones, and a call left under a linked previous pseudonym. Each ends with the customer
// under one pseudonym, and an erasure by any of theirs reaching every call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlExecutor } from '../../../services/call-store/backend/backend.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { BACKENDS, postgresFixture } from './backends.ts';
import { rotationCall } from './rotation-call.ts';

const [OLD_KEY, NEW_KEY] = ['races-test-old-key-0123456789ab', 'races-test-new-key-ba9876543210'];
const ABANDONED_KEY = 'races-test-abandoned-key-000000';
const refs = (phone: string) => ({
  old: pseudonymiseCustomerRef(OLD_KEY, 'acme', phone),
  current: pseudonymiseCustomerRef(NEW_KEY, 'acme', phone),
});
const NOW = Date.now();
const minutesAgo = (m: number) => new Date(NOW - m * 60_000);

/** A call's start (and end), as the gateway sends it during the rotation when `previous` is set. */
function callOf(callId: string, customerRef: string, startedAt: Date, previous?: string) {
  return rotationCall('acme', callId, customerRef, startedAt, previous);
}

function openStore(make: () => ReturnType<typeof postgresFixture>): () => CallStore {
  const fixture = make();
  let store: CallStore;
  beforeAll(async () => {
    await fixture.setup();
    store = await fixture.open();
  });
  afterAll(() => fixture.teardown());
  return () => store;
}

const refOf = async (store: CallStore, callId: string) =>
  (
    await store.backend.query<{ customer_ref: string }>(
      'SELECT customer_ref FROM calls WHERE tenant = $1 AND call_id = $2',
      ['acme', callId],
    )
  )[0]?.customer_ref;

const callsLike = async (store: CallStore, prefix: string) =>
  (
    await store.backend.query<{ call_id: string }>(
      'SELECT call_id FROM calls WHERE tenant = $1 AND call_id LIKE $2 ORDER BY 1',
      ['acme', `${prefix}%`],
    )
  ).map((r) => r.call_id);

describe.each(BACKENDS.map((make) => [make().name, make] as const))('relink races on %s', (_name, make) => {
  const store = openStore(make);

  it('stores a previous-only start of the batch that relinks its customer under the current pseudonym', async () => {
    const dee = refs('+44 7700 900401');
    await store().write(callOf('dee-1', dee.old, minutesAgo(90)));
    // Two gateways mid-rollout, one not yet rotated (the previous pseudonym alone): one batch.
    await store().write([
      ...callOf('dee-2', dee.old, minutesAgo(12)),
      ...callOf('dee-3', dee.current, minutesAgo(10), dee.old),
    ]);
    for (const id of ['dee-1', 'dee-2', 'dee-3']) expect(await refOf(store(), id)).toBe(dee.current);
    expect((await store().historySummary('acme', dee.current, { windowDays: 7 })).totalCalls).toBe(3);
    expect((await store().eraseCustomer('acme', dee.current, 'dpo@acme')).calls).toBe(3);
    expect(await callsLike(store(), 'dee-')).toEqual([]);
  });

  it('chains a previous pseudonym claimed by a second current one: an erasure by any reaches every call', async () => {
    const phone = '+44 7700 900777';
    const fay = { ...refs(phone), abandoned: pseudonymiseCustomerRef(ABANDONED_KEY, 'acme', phone) };
    await store().write(callOf('fay-1', fay.old, minutesAgo(90)));
    // A rotation started with one new key, restarted with another.
    await store().write(callOf('fay-2', fay.abandoned, minutesAgo(60), fay.old));
    await store().write(callOf('fay-3', fay.current, minutesAgo(30), fay.old));
    for (const id of ['fay-1', 'fay-2', 'fay-3']) expect(await refOf(store(), id)).toBe(fay.current);
    // A gateway still on the abandoned key: linked too.
    await store().write(callOf('fay-4', fay.abandoned, minutesAgo(20)));
    expect(await refOf(store(), 'fay-4')).toBe(fay.current);
    expect((await store().eraseCustomer('acme', fay.old, 'dpo@acme')).calls).toBe(4);
    expect(await callsLike(store(), 'fay-')).toEqual([]);
  });

  it('merges two current pseudonyms of one previous one in one batch onto the later', async () => {
    const phone = '+44 7700 900778';
    const gus = { ...refs(phone), abandoned: pseudonymiseCustomerRef(ABANDONED_KEY, 'acme', phone) };
    await store().write(callOf('gus-1', gus.old, minutesAgo(90)));
    await store().write([
      ...callOf('gus-2', gus.abandoned, minutesAgo(12), gus.old),
      ...callOf('gus-3', gus.current, minutesAgo(10), gus.old),
    ]);
    for (const id of ['gus-1', 'gus-2', 'gus-3']) expect(await refOf(store(), id)).toBe(gus.current);
    expect((await store().eraseCustomer('acme', gus.abandoned, 'dpo@acme')).calls).toBe(3);
    expect(await callsLike(store(), 'gus-')).toEqual([]);
  });

  it('erases by the current pseudonym a call left under a linked previous one', async () => {
    const hal = refs('+44 7700 900779');
    await store().write(callOf('hal-1', hal.current, minutesAgo(60), hal.old));
    // However it got there (a store before the relink ordered itself with the starts).
    await store().write(callOf('hal-2', hal.current, minutesAgo(30)));
    await store().backend.query('UPDATE calls SET customer_ref = $1 WHERE tenant = $2 AND call_id = $3', [
      hal.old,
      'acme',
      'hal-2',
    ]);
    expect((await store().eraseCustomer('acme', hal.current, 'dpo@acme')).calls).toBe(2);
    expect(await callsLike(store(), 'hal-')).toEqual([]);
  });
});

describe('relink races between transactions on postgres', () => {
  const store = openStore(postgresFixture);

  it('leaves no call under the previous pseudonym when a rotated and a previous-only start of one customer race', async () => {
    const stranded: string[] = [];
    for (let i = 0; i < 30; i++) {
      const c = refs(`+44 7700 91${String(i).padStart(4, '0')}`);
      await store().write(callOf(`c${i}-1`, c.old, minutesAgo(90)));
      // Two gateways mid-rollout, one rotated and one not, each in its own batch.
      await Promise.all([
        store().write(callOf(`c${i}-old`, c.old, minutesAgo(5))),
        store().write(callOf(`c${i}-new`, c.current, minutesAgo(5), c.old)),
      ]);
      if ((await refOf(store(), `c${i}-old`)) !== c.current) stranded.push(`c${i}`);
    }
    expect(stranded).toEqual([]);
  });

  it('an erasure by the previous pseudonym that a relink overtakes locks the current one too', async () => {
    const eve = refs('+44 7700 900555');
    await store().write(callOf('eve-1', eve.old, minutesAgo(60)));
    const backend = store().backend as unknown as {
      transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) => Promise<T>;
    };
    const original = backend.transaction.bind(backend);
    // Every transaction of the erasure (it may start again), not those the hook itself runs.
    let erasing = true;
    let inHook = false;
    let relinked = false;
    let deleted = false;
    let concurrent: Promise<unknown> = Promise.resolve();
    backend.transaction = <T>(work: (tx: SqlExecutor) => Promise<T>) => {
      if (!erasing || inHook) return original(work);
      return original((tx) =>
        work({
          query: async <R>(sql: string, params?: unknown[]) => {
            // 1. The rotated start commits between the erasure's first read of the links and its locks.
            if (!relinked && sql.includes('pg_advisory_xact_lock')) {
              relinked = true;
              inHook = true;
              await store().write(callOf('eve-2', eve.current, minutesAgo(30), eve.old));
              inHook = false;
            }
            const rows = await tx.query<R>(sql, params);
            // 2. A start under the current pseudonym, announced before the erasure, arrives while
            // it has deleted but not committed: it waits for the customer's lock, then is dropped.
            if (!deleted && sql.includes('DELETE FROM calls WHERE')) {
              deleted = true;
              inHook = true;
              concurrent = store().write(callOf('eve-3', eve.current, minutesAgo(1)));
              await new Promise((resolve) => setTimeout(resolve, 500));
              inHook = false;
            }
            return rows;
          },
        }),
      );
    };
    try {
      const erased = await store().eraseCustomer('acme', eve.old, 'dpo@acme');
      erasing = false;
      await concurrent;
      expect({ erased: erased.calls, left: await callsLike(store(), 'eve-') }).toEqual({
        erased: 2,
        left: [],
      });
    } finally {
      backend.transaction = original;
    }
  });
});
