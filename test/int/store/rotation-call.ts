// A 30 s call of a customer during a key rotation, as the store's ingest receives it: its start
// (carrying the previous-key pseudonym when given) and its end; and a hook between the statements
// of a batch, for the races. Shared by the rotation tests.
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import type { SqlExecutor } from '../../../services/call-store/backend/backend.ts';
import type { CallStore } from '../../../services/call-store/store.ts';

export function rotationCall(
  tenant: string,
  callId: string,
  customerRef: string,
  startedAt: Date,
  previous?: string,
) {
  const { start, end } = syntheticStoreCall({ callId, tenant, customerRef, startedAt, durationS: 30 });
  return [{ ...start, ...(previous ? { previousCustomerRef: previous } : {}) }, end];
}

/**
 * Runs `around` for every statement of the next transaction the store opens (later ones run as
 * they are): a test puts another session's work between two statements of a batch. `run` runs the
 * statement. Returns the function that puts the store's own transaction back.
 */
export function aroundNextTransaction(
  store: CallStore,
  around: (sql: string, run: () => Promise<unknown[]>) => Promise<unknown[]>,
): () => void {
  const backend = store.backend as unknown as {
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) => Promise<T>;
  };
  const original = backend.transaction.bind(backend);
  let hooked = false;
  backend.transaction = <T>(work: (tx: SqlExecutor) => Promise<T>) => {
    if (hooked) return original(work);
    hooked = true;
    return original((tx) =>
      work({
        query: <R>(sql: string, params?: unknown[]) =>
          around(sql, () => tx.query(sql, params)) as Promise<R[]>,
      }),
    );
  };
  return () => {
    backend.transaction = original;
  };
}

/** Waits (at most 2 s) until `countSql` counts a session waiting on a lock. */
export async function untilWaiting(store: CallStore, countSql: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const [{ n }] = await store.backend.query<{ n: number }>(countSql);
    if (n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
