// A customer's pseudonyms across a rotation of their tenant's customer-reference key: a call start
// carrying the pseudonym under the previous key (previousCustomerRef) links it to the current one
// (customer_ref_links, migration 014), moves every call of the previous pseudonym to the current
// one, and carries an erasure of the previous one over (erased_customers): an erasure is never
// undone by a rotation. Once linked, a start that still carries the previous pseudonym alone (a
// gateway not yet rotated, a replay) is stored under the current one, and an erasure of either
// pseudonym erases both (erasure.ts); so is one in the batch that links it, and one in a
// concurrent batch (the relinking batch holds the previous pseudonym's lock exclusive until the
// link exists). A previous pseudonym already linked to another current one (a rotation restarted
// with another new key) takes that one along to the newest: one customer, one current pseudonym.
// Idempotent: a replayed start finds its work done. Within one tenant only: pseudonyms and links
// are keyed by tenant. I/O: database.
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
async function relink(tx: SqlExecutor, { tenant, from, to }: Move): Promise<void> {
  // Refreshed on every start of the rotation: the link lives as long after the last as a replay may.
  await tx.query(
    `INSERT INTO customer_ref_links (tenant, previous_digest, current_ref) VALUES ($1, $2, $3)
     ON CONFLICT (tenant, previous_digest) DO UPDATE SET current_ref = excluded.current_ref, linked_at = now()`,
    [tenant, customerDigest(from), to],
  );
  // A pseudonym of an earlier rotation, linked to `from`, now leads to `to` (never `to` to itself).
  await tx.query(
    'UPDATE customer_ref_links SET current_ref = $3 WHERE tenant = $1 AND current_ref = $2 AND previous_digest <> $4',
    [tenant, from, to, customerDigest(to)],
  );
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

/** A previous pseudonym of a batch's customer and the current one its calls and link move to. */
export interface Move {
  tenant: string;
  from: string;
  to: string;
}

/**
 * The batch's customers across the rotation: each rotated start joins its current pseudonym, its
 * previous one and the current one that previous is already linked to (a rotation restarted with
 * another new key, or a forged record: repointing the link alone left that one's calls outside
 * every erasure by the others, review). Every member moves to its group's newest pseudonym, the
 * current one of its last rotated start in the batch (the link holder): linked pseudonyms are
 * never themselves linked (the starts were resolved), so the moves make no cycle. `target` maps
 * every member (keyOf) to it: a start of the batch under a member alone is stored there too
 * (review: stored under the previous one after the move, it escaped an erasure by the current one).
 */
function planMoves(
  starts: readonly (CallStartEvent & { customerRef: string })[],
  linked: ReadonlyMap<string, string>,
): { moves: Move[]; target: Map<string, string> } {
  const parent = new Map<string, string>();
  const root = (key: string): string => {
    let at = key;
    while (parent.has(at) && parent.get(at) !== at) at = parent.get(at)!;
    return at;
  };
  const newest = new Map<string, string>();
  for (const s of starts) {
    if (s.previousCustomerRef === undefined) continue;
    const to = linked.get(keyOf(s.tenant, s.customerRef)) ?? s.customerRef;
    const earlier = linked.get(keyOf(s.tenant, s.previousCustomerRef));
    const members = [to, s.previousCustomerRef, ...(earlier === undefined ? [] : [earlier])];
    const roots = [...new Set(members.map((ref) => root(keyOf(s.tenant, ref))))];
    for (const r of roots) parent.set(r, roots[0]);
    newest.set(roots[0], to);
  }
  const target = new Map<string, string>();
  const moves: Move[] = [];
  for (const key of [...parent.keys()].sort()) {
    const to = newest.get(root(key))!;
    target.set(key, to);
    const [tenant, from] = key.split('\n');
    if (from !== to) moves.push({ tenant, from, to });
  }
  return { moves, target };
}

/** The customer locks a plan needs: previous pseudonyms not yet linked to their target exclusive. */
function lockPlan(
  starts: readonly (CallStartEvent & { customerRef: string })[],
  linked: ReadonlyMap<string, string>,
): Map<string, { customer: Customer; mode: 'shared' | 'exclusive' }> {
  const locks = new Map<string, { customer: Customer; mode: 'shared' | 'exclusive' }>();
  const add = (tenant: string, customerRef: string, mode: 'shared' | 'exclusive') => {
    const key = keyOf(tenant, customerRef);
    if (locks.get(key)?.mode !== 'exclusive') locks.set(key, { customer: { tenant, customerRef }, mode });
  };
  for (const s of starts) {
    add(s.tenant, s.customerRef, 'shared');
    const current = linked.get(keyOf(s.tenant, s.customerRef));
    if (current !== undefined) add(s.tenant, current, 'shared');
    if (s.previousCustomerRef !== undefined) add(s.tenant, s.previousCustomerRef, 'shared');
  }
  const { moves } = planMoves(starts, linked);
  for (const m of moves) {
    add(m.tenant, m.to, 'shared');
    // Exclusive: a batch storing a start under `from` alone (a gateway not yet rotated) commits
    // before the move, or waits and reads the link (review: under shared locks on both sides it
    // read no link, the move missed its uncommitted call, and the call stayed under `from`).
    // Already linked to `to`: nothing moves any more, and a start under it alone reads the link.
    if (linked.get(keyOf(m.tenant, m.from)) !== m.to) add(m.tenant, m.from, 'exclusive');
  }
  return locks;
}

/**
 * The batch with its starts' customers resolved to their current pseudonym (the one stored and
 * checked against erasures), the moves the batch makes (planMoves), and the erasure of every
 * moved pseudonym carried over to its target first: the erasure check that follows (writes.ts)
 * drops a start of an erased customer whichever key it came under. Holds the customers' locks
 * before any call lock (call-locks.ts), shared but for the pseudonyms about to move (lockPlan):
 * an erasure of any of them commits before, or waits. The links are read before the locks to
 * know which to take, then again under them; when they changed meanwhile (a concurrent relink,
 * erasure or purge) the locks still missing are taken in another pass — out of the ascending
 * order, so a rare deadlock is possible, which PostgreSQL breaks by failing one side: a batch is
 * run again by the consumer runner, an erasure starts again (erasure.ts). The calls about to move
 * are locked in one (tenant, call id) run, the purge's order (relinkCustomers).
 */
export async function withCurrentPseudonyms(
  tx: SqlExecutor,
  events: readonly StoreEvent[],
): Promise<{ events: readonly StoreEvent[]; moves: readonly Move[] }> {
  const starts = events.filter(startWithCustomer);
  if (starts.length === 0) return { events, moves: [] };
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
  const held = new Map<string, 'shared' | 'exclusive'>();
  let linked = await linkedCurrent(tx, customers);
  for (;;) {
    const missing = [...lockPlan(starts, linked)].filter(
      ([key, { mode }]) => held.get(key) !== mode && held.get(key) !== 'exclusive',
    );
    if (missing.length === 0) break;
    const shared = missing.filter(([, l]) => l.mode === 'shared').map(([, l]) => l.customer);
    const exclusive = missing.filter(([, l]) => l.mode === 'exclusive').map(([, l]) => l.customer);
    await lockCustomers(tx, shared, 'shared', exclusive);
    for (const [key, { mode }] of missing) held.set(key, mode);
    linked = await linkedCurrent(tx, customers);
  }
  const { moves, target } = planMoves(starts, linked);
  const resolved = events.map((e) => {
    if (!startWithCustomer(e)) return e;
    const current = linked.get(keyOf(e.tenant, e.customerRef)) ?? e.customerRef;
    return { ...e, customerRef: target.get(keyOf(e.tenant, current)) ?? current };
  });
  for (const move of moves) await carryErasure(tx, move.tenant, move.from, move.to);
  return { events: resolved, moves };
}

/**
 * Makes the moves of a batch whose starts of the moved customer are kept (after the erasure and
 * retention checks: a customer whose every start was dropped is not written anywhere): links each
 * previous pseudonym to its target and moves its calls.
 */
export async function relinkCustomers(
  tx: SqlExecutor,
  moves: readonly Move[],
  kept: readonly StoreEvent[],
): Promise<void> {
  const stored = new Set(kept.filter(startWithCustomer).map((s) => keyOf(s.tenant, s.customerRef)));
  const due = moves.filter((move) => stored.has(keyOf(move.tenant, move.to)));
  if (due.length === 0) return;
  // Every call about to move, locked in one (tenant, call id) run before any move: the retention
  // purge's order (retention.ts). One run per move deadlocked with a purge batch (review).
  await tx.query(
    `SELECT c.call_id FROM calls c
     JOIN jsonb_to_recordset($1::text::jsonb) AS m(tenant text, ref text)
       ON c.tenant = m.tenant AND c.customer_ref = m.ref
     ORDER BY c.tenant, c.call_id FOR UPDATE OF c`,
    [jsonParam(due.map((m) => ({ tenant: m.tenant, ref: m.from })))],
  );
  for (const move of due) await relink(tx, move);
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
