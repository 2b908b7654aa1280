// A customer's pseudonyms across a rotation of their tenant's customer-reference key: a call start
// carrying the pseudonym under the previous key (previousCustomerRef) links it to the current one
// (customer_ref_links, migration 014), moves every call of the previous pseudonym to the current
// one, and carries an erasure of the previous one over (erased_customers): an erasure is never
// undone by a rotation. Once linked, a start that still carries the previous pseudonym alone (a
// gateway not yet rotated, a replay of the topics) is stored under the current one, and an erasure
// of either pseudonym erases both (erasure.ts). Idempotent: a replayed start finds its work done.
// Within one tenant only: pseudonyms and links are keyed by tenant. I/O: database.
import type { SqlExecutor } from '../backend/backend.ts';
import type { CallStartEvent, StoreEvent } from '../events.ts';
import { lockCustomers } from './call-locks.ts';
import { customerDigest } from './erased-customers.ts';
import { jsonParam } from './rows.ts';

type Customer = { tenant: string; customerRef: string };
const keyOf = (tenant: string, ref: string): string => `${tenant}\n${ref}`;

/** The current pseudonym each of these is linked to, by keyOf(tenant, pseudonym); unlinked: absent. */
async function linkedCurrent(tx: SqlExecutor, customers: readonly Customer[]): Promise<Map<string, string>> {
  if (customers.length === 0) return new Map();
  const byDigest = new Map(customers.map((c) => [keyOf(c.tenant, customerDigest(c.customerRef)), c]));
  const rows = await tx.query<{ tenant: string; previous_digest: string; current_ref: string }>(
    `SELECT l.tenant, l.previous_digest, l.current_ref
     FROM jsonb_to_recordset($1::text::jsonb) AS x(tenant text, digest text)
     JOIN customer_ref_links l ON l.tenant = x.tenant AND l.previous_digest = x.digest`,
    [
      jsonParam(
        [...byDigest.values()].map((c) => ({ tenant: c.tenant, digest: customerDigest(c.customerRef) })),
      ),
    ],
  );
  const current = new Map<string, string>();
  for (const r of rows) {
    const customer = byDigest.get(keyOf(r.tenant, r.previous_digest));
    if (customer) current.set(keyOf(customer.tenant, customer.customerRef), r.current_ref);
  }
  return current;
}

/** Carries an erasure of `from` (a previous pseudonym) over to `to`: the newest of either counts. */
async function carryErasure(tx: SqlExecutor, tenant: string, from: string, to: string): Promise<void> {
  await tx.query(
    `INSERT INTO erased_customers (tenant, customer_digest, erased_at)
     SELECT tenant, $3, erased_at FROM erased_customers WHERE tenant = $1 AND customer_digest = $2
     ON CONFLICT (tenant, customer_digest)
       DO UPDATE SET erased_at = greatest(erased_customers.erased_at, excluded.erased_at)`,
    [tenant, customerDigest(from), customerDigest(to)],
  );
}

/** Links `from` to `to` and moves its calls, in the order an erasure takes rows (by call id). */
async function relink(tx: SqlExecutor, tenant: string, from: string, to: string): Promise<void> {
  // Refreshed on every start of the rotation: the link lives as long after the last as a replay may.
  await tx.query(
    `INSERT INTO customer_ref_links (tenant, previous_digest, current_ref) VALUES ($1, $2, $3)
     ON CONFLICT (tenant, previous_digest) DO UPDATE SET current_ref = excluded.current_ref, linked_at = now()`,
    [tenant, customerDigest(from), to],
  );
  // A pseudonym of an earlier rotation, linked to `from`, now leads to `to`.
  await tx.query('UPDATE customer_ref_links SET current_ref = $3 WHERE tenant = $1 AND current_ref = $2', [
    tenant,
    from,
    to,
  ]);
  await tx.query(
    'SELECT call_id FROM calls WHERE tenant = $1 AND customer_ref = $2 ORDER BY call_id FOR UPDATE',
    [tenant, from],
  );
  await tx.query(
    'UPDATE calls SET customer_ref = $3, updated_at = now() WHERE tenant = $1 AND customer_ref = $2',
    [tenant, from, to],
  );
}

const startWithCustomer = (e: StoreEvent): e is CallStartEvent & { customerRef: string } =>
  e.kind === 'call-start' && e.customerRef !== null;

/** The (tenant, previous → current) pairs of the starts, one each, in key order. */
function movesOf(events: readonly StoreEvent[]): { tenant: string; from: string; to: string }[] {
  const moves = new Map<string, { tenant: string; from: string; to: string }>();
  for (const s of events.filter(startWithCustomer)) {
    const from = s.previousCustomerRef;
    if (from !== undefined && from !== s.customerRef)
      moves.set(keyOf(s.tenant, from), { tenant: s.tenant, from, to: s.customerRef });
  }
  return [...moves.keys()].sort().map((key) => moves.get(key)!);
}

/**
 * The batch with its starts' customers resolved to their current pseudonym (the one stored and
 * checked against erasures), and the erasure of a previous pseudonym carried over to the current
 * one first: the erasure check that follows (writes.ts) drops a start of an erased customer
 * whichever key it came under. Holds the customers' locks shared, in one pass before any call
 * lock (call-locks.ts): an erasure of either pseudonym commits before, or waits.
 */
export async function withCurrentPseudonyms(
  tx: SqlExecutor,
  events: readonly StoreEvent[],
): Promise<readonly StoreEvent[]> {
  const starts = events.filter(startWithCustomer);
  if (starts.length === 0) return events;
  const named = new Map<string, Customer>();
  for (const s of starts) {
    named.set(keyOf(s.tenant, s.customerRef), { tenant: s.tenant, customerRef: s.customerRef });
    if (s.previousCustomerRef !== undefined)
      named.set(keyOf(s.tenant, s.previousCustomerRef), {
        tenant: s.tenant,
        customerRef: s.previousCustomerRef,
      });
  }
  const customers = [...named.values()];
  // Read before the locks to lock the current pseudonyms too, then again under them.
  const guessed = await linkedCurrent(tx, customers);
  const current = customers.flatMap((c) => {
    const ref = guessed.get(keyOf(c.tenant, c.customerRef));
    return ref === undefined ? [] : [{ tenant: c.tenant, customerRef: ref }];
  });
  await lockCustomers(tx, [...customers, ...current], 'shared');
  const linked = await linkedCurrent(tx, customers);
  const resolved = events.map((e) =>
    startWithCustomer(e)
      ? { ...e, customerRef: linked.get(keyOf(e.tenant, e.customerRef)) ?? e.customerRef }
      : e,
  );
  for (const { tenant, from, to } of movesOf(resolved)) await carryErasure(tx, tenant, from, to);
  return resolved;
}

/**
 * Links the previous pseudonyms of the starts the batch keeps (after the erasure and retention
 * checks: a dropped start's customer is not written anywhere) and moves their calls.
 */
export async function relinkCustomers(tx: SqlExecutor, events: readonly StoreEvent[]): Promise<void> {
  for (const { tenant, from, to } of movesOf(events)) await relink(tx, tenant, from, to);
}

/**
 * Every pseudonym an erasure of `ref` covers: the current one it is linked to (or itself), and
 * the digests of the previous ones linked to that (their calls were moved to it).
 */
export async function linkedPseudonyms(
  tx: SqlExecutor,
  tenant: string,
  ref: string,
): Promise<{ current: string; previousDigests: string[] }> {
  const current = (await linkedCurrent(tx, [{ tenant, customerRef: ref }])).get(keyOf(tenant, ref)) ?? ref;
  const rows = await tx.query<{ previous_digest: string }>(
    'SELECT previous_digest FROM customer_ref_links WHERE tenant = $1 AND current_ref = $2 ORDER BY previous_digest',
    [tenant, current],
  );
  return { current, previousDigests: rows.map((r) => r.previous_digest) };
}

/** Forgets the links to an erased customer's current pseudonym (no table keeps an erased one). */
export async function forgetLinks(tx: SqlExecutor, tenant: string, current: string): Promise<void> {
  await tx.query('DELETE FROM customer_ref_links WHERE tenant = $1 AND current_ref = $2', [tenant, current]);
}
