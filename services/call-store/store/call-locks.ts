// Per-call advisory locks between ingest and a customer erasure (PostgreSQL and PGlite): a batch
// holds its calls' locks shared, an erasure its customer's calls' locks exclusive, so a batch in
// flight at the erasure commits before the erasure deletes (and is erased with it), and a batch
// after it sees the erased calls (writes.ts). Per call, not the table: a table lock made every
// tenant's ingest wait behind an erasure and whatever row lock the erasure waited on (review).
// Both take them in ascending key order, so they cannot deadlock. I/O: database.
import { createHash } from 'node:crypto';
import { callKey } from '../../shared/call-key.ts';
import type { SqlExecutor } from '../backend/backend.ts';

/** 64-bit advisory lock key of a call (the first 8 bytes of SHA-256 of its key, signed). */
export function callLockKey(tenant: string, callId: string): string {
  const digest = createHash('sha256').update(callKey(tenant, callId)).digest();
  return digest.readBigInt64BE(0).toString();
}

/** Takes the calls' locks until the transaction ends: shared (ingest) or exclusive (erasure). */
export async function lockCalls(
  tx: SqlExecutor,
  calls: readonly { tenant: string; callId: string }[],
  mode: 'shared' | 'exclusive',
): Promise<void> {
  if (calls.length === 0) return;
  const keys = [...new Set(calls.map((c) => callLockKey(c.tenant, c.callId)))];
  const lock = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  await tx.query(
    `SELECT count(${lock}(k)) AS n FROM (SELECT k FROM unnest($1::text[]::bigint[]) AS k ORDER BY k) AS ordered`,
    [keys],
  );
}
