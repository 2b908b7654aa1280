// Per-call advisory locks between ingest and a customer erasure (PostgreSQL and PGlite; calls
// hashed into CALL_LOCK_BUCKETS locks): a batch holds its calls' locks shared, an erasure its
// customer's calls' locks exclusive, so a batch in
// flight at the erasure commits before the erasure deletes (and is erased with it), and a batch
// after it sees the erased calls (writes.ts). Per call, not the table: a table lock made every
// tenant's ingest wait behind an erasure and whatever row lock the erasure waited on (review).
// Customer locks do the same for call starts the store has not read yet: a batch holds the locks
// of its starts' customers shared, an erasure its customer's exclusive, so a start in flight is
// either stored before the erasure looks (and erased) or sees the erasure (and is dropped). A
// batch about to move a previous pseudonym's calls (customer-relink.ts) holds its lock exclusive,
// so a start under it alone is stored before the move (and moved) or reads the link.
// Agent locks do the same for an agent's erasure (agent-erasure.ts): a batch holds its starts'
// agents' locks shared, the erasure its agent's exclusive, so a start of the agent in flight is
// stored before the erasure looks (and its id replaced) or sees erased_agents (erased-agents.ts).
// All take customer locks, then agent locks, then call locks, each in ascending key order: they cannot deadlock
// (but for a relink whose links changed between its read and its locks: customer-relink.ts).
// I/O: database.
import { createHash } from 'node:crypto';
import { callKey } from '../../shared/call-key.ts';
import type { SqlExecutor } from '../backend/backend.ts';

/**
 * Calls share this many locks (by a hash of their key): every advisory lock a transaction holds
 * takes a slot of PostgreSQL's shared lock table (max_locks_per_transaction × connections, 6 400
 * by default), and a batch of 2 000 records of as many calls took 2 000 of them. A call of an
 * erasure's bucket waits for it (erasures are rare and short).
 */
export const CALL_LOCK_BUCKETS = 256;
/** Customers share this many (only a batch's call starts take them): 320 per batch at most. */
export const CUSTOMER_LOCK_BUCKETS = 64;
/** The advisory-lock key spaces of these locks ("va", "vc" in the high 32 bits): apart from any other. */
const CALL_NAMESPACE = 0x7661n << 32n;
const CUSTOMER_NAMESPACE = 0x7663n << 32n;
const AGENT_NAMESPACE = 0x7667n << 32n;
/** Agents share this many (only a batch's call starts take them, as customers'). */
export const AGENT_LOCK_BUCKETS = 64;

type LockMode = 'shared' | 'exclusive';
type Call = { tenant: string; callId: string };
type Customer = { tenant: string; customerRef: string };
type Agent = { tenant: string; agentId: string };

/** 64-bit advisory lock key of the bucket `text` hashes into, in a namespace. */
function bucketKey(namespace: bigint, buckets: number, text: string): string {
  const digest = createHash('sha256').update(text).digest();
  return (namespace + BigInt(digest.readUInt32BE(0) % buckets)).toString();
}

/** 64-bit advisory lock key of a call's bucket. */
export function callLockKey(tenant: string, callId: string): string {
  return bucketKey(CALL_NAMESPACE, CALL_LOCK_BUCKETS, callKey(tenant, callId));
}

/**
 * Takes the calls' locks until the transaction ends: shared (ingest) or exclusive (erasure), and
 * `exclusive` ones exclusive whatever the mode (a batch forgetting a call whose customer was erased
 * shuts out the batches writing it meanwhile), all in one ascending pass.
 */
export async function lockCalls(
  tx: SqlExecutor,
  calls: readonly Call[],
  mode: LockMode,
  exclusive: readonly Call[] = [],
): Promise<void> {
  const keyOf = (c: Call) => callLockKey(c.tenant, c.callId);
  await lockKeys(tx, calls.map(keyOf), mode, exclusive.map(keyOf));
}

/**
 * Takes the customers' locks (tenant and pseudonym) until the transaction ends: shared (a batch's
 * call starts) or exclusive (erasure), and `exclusive` ones exclusive whatever the mode (a batch
 * moving a previous pseudonym's calls: customer-relink.ts), in one ascending pass. Before any call
 * lock of the same transaction.
 */
export async function lockCustomers(
  tx: SqlExecutor,
  customers: readonly Customer[],
  mode: LockMode,
  exclusive: readonly Customer[] = [],
): Promise<void> {
  await lockKeys(tx, customers.map(customerLockKey), mode, exclusive.map(customerLockKey));
}

/** The lock a customer's work takes (one of CUSTOMER_LOCK_BUCKETS): who else waits with them. */
export function customerLockKey(c: Customer): string {
  return bucketKey(CUSTOMER_NAMESPACE, CUSTOMER_LOCK_BUCKETS, `${c.tenant}\n${c.customerRef}`);
}

/**
 * Takes the agents' locks (tenant and agent id) until the transaction ends: shared (a batch's call
 * starts) or exclusive (an agent's erasure: agent-erasure.ts), in one ascending pass. After the
 * customers' locks and before the calls' in every transaction that takes them, so none deadlock.
 */
export async function lockAgents(tx: SqlExecutor, agents: readonly Agent[], mode: LockMode): Promise<void> {
  const keyOf = (a: Agent) => bucketKey(AGENT_NAMESPACE, AGENT_LOCK_BUCKETS, `${a.tenant}\n${a.agentId}`);
  await lockKeys(tx, agents.map(keyOf), mode);
}

async function lockKeys(
  tx: SqlExecutor,
  lockKeys: readonly string[],
  mode: LockMode,
  exclusiveKeys: readonly string[] = [],
): Promise<void> {
  const keys = [...new Set([...lockKeys, ...exclusiveKeys])];
  if (keys.length === 0) return;
  const exclusive = mode === 'exclusive' ? keys : [...new Set(exclusiveKeys)];
  await tx.query(
    `SELECT count(CASE WHEN k = ANY($2::text[]::bigint[]) THEN pg_advisory_xact_lock(k)
                       ELSE pg_advisory_xact_lock_shared(k) END) AS n
     FROM (SELECT k FROM unnest($1::text[]::bigint[]) AS k ORDER BY k) AS ordered`,
    [keys, exclusive],
  );
}
