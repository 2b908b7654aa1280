// Per-call advisory locks between ingest and a customer erasure (PostgreSQL and PGlite; calls
// hashed into CALL_LOCK_BUCKETS locks): a batch holds its calls' locks shared, an erasure its
// customer's calls' locks exclusive, so a batch in
// flight at the erasure commits before the erasure deletes (and is erased with it), and a batch
// after it sees the erased calls (writes.ts). Per call, not the table: a table lock made every
// tenant's ingest wait behind an erasure and whatever row lock the erasure waited on (review).
// Both take them in ascending key order, so they cannot deadlock. I/O: database.
import { createHash } from 'node:crypto';
import { callKey } from '../../shared/call-key.ts';
import type { SqlExecutor } from '../backend/backend.ts';

/**
 * Calls share this many locks (by a hash of their key): every advisory lock a transaction holds
 * takes a slot of PostgreSQL's shared lock table (max_locks_per_transaction × connections, 6 400
 * by default), and a batch of 2 000 records of as many calls took 2 000 of them. 256 per batch at
 * most; a call of an erasure's bucket waits for it (erasures are rare and short).
 */
export const CALL_LOCK_BUCKETS = 256;
/** The advisory-lock key space of these locks ("va" in the high 32 bits): apart from any other. */
const NAMESPACE = 0x7661n << 32n;

/** 64-bit advisory lock key of a call's bucket. */
export function callLockKey(tenant: string, callId: string): string {
  const digest = createHash('sha256').update(callKey(tenant, callId)).digest();
  return (NAMESPACE + BigInt(digest.readUInt32BE(0) % CALL_LOCK_BUCKETS)).toString();
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
