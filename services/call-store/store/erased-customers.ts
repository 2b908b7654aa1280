// The customers an erasure was for (erased_customers, migration 010): a call of theirs that started
// before the erasure but reached the store after it — its start still in the topic (consumer lag,
// the store down) — was stored with the pseudonym afterwards (privacy probe, session 14's "left
// alone"). Remembered as a one-way digest, so no table holds an erased customer's pseudonym; the
// customer calling again after the erasure is stored as usual. I/O: database.
import { createHash } from 'node:crypto';
import { callKey } from '../../shared/call-key.ts';
import type { SqlExecutor } from '../backend/backend.ts';
import { CHILD_TABLES } from './retention.ts';
import { jsonParam } from './rows.ts';

/** Keeps the digests apart from any other use of SHA-256 (erasure.ts computes them in SQL too). */
export const CUSTOMER_DIGEST_PREFIX = 'va-erased-customer\n';

/** One-way digest of a pseudonym. */
export function customerDigest(customerRef: string): string {
  return createHash('sha256').update(`${CUSTOMER_DIGEST_PREFIX}${customerRef}`).digest('hex');
}

/**
 * Notes the erasure of a customer, by the digests of their pseudonyms (two across a key rotation:
 * customer-relink.ts), again: the newest erasure counts; at the time it holds its locks
 * (clock_timestamp, not now(): the transaction's start, before it waited for them).
 */
export async function rememberErasedDigests(
  tx: SqlExecutor,
  tenant: string,
  digests: readonly string[],
): Promise<void> {
  for (const digest of [...new Set(digests)].sort())
    await tx.query(
      `INSERT INTO erased_customers (tenant, customer_digest, erased_at) VALUES ($1, $2, clock_timestamp())
       ON CONFLICT (tenant, customer_digest) DO UPDATE SET erased_at = excluded.erased_at`,
      [tenant, digest],
    );
}

export interface CallStartOfCustomer {
  tenant: string;
  callId: string;
  customerRef: string;
  /** When the gateway announced the start (its clock; the client's may be off), ISO. */
  announcedAt: string;
}

/** Keys (callKey) of the starts whose customer was erased after the gateway announced the call. */
export async function startsOfErasedCustomers(
  tx: SqlExecutor,
  starts: readonly CallStartOfCustomer[],
): Promise<Set<string>> {
  if (starts.length === 0) return new Set();
  const rows = await tx.query<{ tenant: string; call_id: string }>(
    `SELECT x.tenant, x."callId" AS call_id
     FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text, digest text, "announcedAt" timestamptz)
     JOIN erased_customers e ON e.tenant = x.tenant AND e.customer_digest = x.digest
     WHERE x."announcedAt" <= e.erased_at`,
    [
      jsonParam(
        starts.map((s) => ({
          tenant: s.tenant,
          callId: s.callId,
          digest: customerDigest(s.customerRef),
          announcedAt: s.announcedAt,
        })),
      ),
    ],
  );
  return new Set(rows.map((r) => callKey(r.tenant, r.call_id)));
}

/**
 * Remembers calls as erased (erased_calls: their later records are dropped too) and deletes what
 * of them reached the store before their start (records of one call come on several topics).
 */
/** Returns the calls forgotten now (not already in erased_calls: a replay of one changes nothing). */
export async function forgetCalls(
  tx: SqlExecutor,
  calls: readonly { tenant: string; callId: string }[],
): Promise<{ tenant: string; callId: string }[]> {
  const pairs = jsonParam(calls);
  const rows = `SELECT tenant, "callId" FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, "callId" text)`;
  const added = await tx.query<{ tenant: string; call_id: string }>(
    `INSERT INTO erased_calls (tenant, call_id) ${rows} ON CONFLICT (tenant, call_id) DO NOTHING RETURNING tenant, call_id`,
    [pairs],
  );
  for (const table of CHILD_TABLES)
    await tx.query(`DELETE FROM ${table} WHERE (tenant, call_id) IN (${rows})`, [pairs]);
  return added.map((r) => ({ tenant: r.tenant, callId: r.call_id }));
}
