// A customer-reference key rotation in the call store, on every backend (PGlite and a real
// PostgreSQL; store/customer-relink.ts): a start carrying the previous pseudonym moves that
// customer's calls of that tenant only; once linked, a start under the previous pseudonym alone is
// stored under the current one; the live summary counts the previous pseudonym's calls before the
// relink; an erasure by either pseudonym covers both and leaves no pseudonym of the customer; the
// purge drops a link no call needs any more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import { customerDigest } from '../../../services/call-store/store/erased-customers.ts';
import { parseHistorySummaryQuery } from '../../../services/call-store/store/history.ts';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { BACKENDS } from './backends.ts';

const [OLD_KEY, NEW_KEY] = ['relink-test-old-key-0123456789', 'relink-test-new-key-9876543210'];
const refs = (phone: string) => ({
  old: pseudonymiseCustomerRef(OLD_KEY, 'acme', phone),
  current: pseudonymiseCustomerRef(NEW_KEY, 'acme', phone),
});
const NOW = Date.now();
const minutesAgo = (m: number) => new Date(NOW - m * 60_000);

/** A call's start (and end), as the gateway sends it during the rotation when `previous` is set. */
function callOf(callId: string, customerRef: string, startedAt: Date, previous?: string, tenant = 'acme') {
  const { start, end } = syntheticStoreCall({ callId, tenant, customerRef, startedAt, durationS: 30 });
  return [{ ...start, ...(previous ? { previousCustomerRef: previous } : {}) }, end];
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))('key rotation on %s', (_name, make) => {
  const fixture = make();
  let store: CallStore;
  beforeAll(async () => {
    await fixture.setup();
    store = await fixture.open();
  });
  afterAll(() => fixture.teardown());

  const refOf = async (callId: string, tenant = 'acme') =>
    (
      await store.backend.query<{ customer_ref: string }>(
        'SELECT customer_ref FROM calls WHERE tenant = $1 AND call_id = $2',
        [tenant, callId],
      )
    )[0]?.customer_ref;

  it("moves the tenant's calls on sight, stores a late previous-only start under the current one", async () => {
    const ann = refs('+44 7700 900301');
    await store.write([
      ...callOf('ann-1', ann.old, minutesAgo(90)),
      ...callOf('ann-2', ann.old, minutesAgo(60)),
    ]);
    // The same pseudonym text in another tenant is another customer: never moved.
    await store.write(callOf('ann-beta', ann.old, minutesAgo(60), undefined, 'beta'));
    // Before the store relinks, the live line already counts the calls under the previous key.
    const before = await store.historySummary('acme', ann.current, { windowDays: 7, previousRef: ann.old });
    expect(before.totalCalls).toBe(2);

    const rotated = callOf('ann-3', ann.current, minutesAgo(10), ann.old);
    expect((await store.write(rotated)).rejected).toEqual([]);
    for (const id of ['ann-1', 'ann-2', 'ann-3']) expect(await refOf(id)).toBe(ann.current);
    expect(await refOf('ann-beta', 'beta')).toBe(ann.old);
    // A gateway not yet rotated, or a replay: the previous pseudonym alone.
    await store.write(callOf('ann-4', ann.old, minutesAgo(5)));
    expect(await refOf('ann-4')).toBe(ann.current);
    // The rotated start replayed, in another batch size: nothing new, nothing moved back.
    await store.write([rotated[0]]);
    await store.write([...callOf('ann-1', ann.old, minutesAgo(90)), ...rotated]);
    expect(
      (await store.customerCalls({ tenant: 'acme', agentId: null, teams: null }, ann.current)).calls,
    ).toHaveLength(4);
    await expect(
      store.customerCalls({ tenant: 'acme', agentId: null, teams: null }, ann.old),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const links = await store.backend.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM customer_ref_links WHERE tenant = $1 AND current_ref = $2',
      ['acme', ann.current],
    );
    expect(links[0].n).toBe(1);
  });

  it('erases both pseudonyms by either, and drops what is still on its way under either', async () => {
    const bob = refs('+44 7700 900302');
    await store.write(callOf('bob-1', bob.old, minutesAgo(50)));
    await store.write(callOf('bob-2', bob.current, minutesAgo(40), bob.old));
    // A start announced before the erasure, under the old key alone, read after it.
    const late = callOf('bob-late', bob.old, minutesAgo(30));
    const erased = await store.eraseCustomer('acme', bob.old, 'dpo@acme');
    expect(erased.calls).toBe(2);
    expect((await store.write(late)).erased).toBe(2);
    expect(await refOf('bob-late')).toBeUndefined();
    const digests = await store.backend.query<{ customer_digest: string }>(
      'SELECT customer_digest FROM erased_customers WHERE tenant = $1 ORDER BY 1',
      ['acme'],
    );
    expect(digests.map((d) => d.customer_digest)).toEqual(
      expect.arrayContaining([customerDigest(bob.old), customerDigest(bob.current)]),
    );
    const kept = await store.backend.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM customer_ref_links WHERE current_ref = $1 OR previous_digest = $2`,
      [bob.current, customerDigest(bob.old)],
    );
    expect(kept[0].n).toBe(0);
  });

  it('carries an erasure under the previous key to the current one before the start is checked', async () => {
    const cy = refs('+44 7700 900303');
    await store.write(callOf('cy-1', cy.old, minutesAgo(20)));
    // The rotated call was announced (its record made) before the erasure, and read after it.
    const rotated = callOf('cy-2', cy.current, minutesAgo(15), cy.old);
    (rotated[0] as { announcedAt?: string }).announcedAt = minutesAgo(15).toISOString();
    expect((await store.eraseCustomer('acme', cy.old, 'dpo@acme')).calls).toBe(1);
    expect((await store.write(rotated)).erased).toBe(2);
    expect(await refOf('cy-2')).toBeUndefined();
    // Nothing of the erased customer is linked (no table names their new pseudonym).
    const links = await store.backend.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM customer_ref_links WHERE current_ref = $1',
      [cy.current],
    );
    expect(links[0].n).toBe(0);
    // Calling again after the erasure: stored as usual, under the current pseudonym.
    await store.write(callOf('cy-3', cy.current, new Date(), cy.old));
    expect(await refOf('cy-3')).toBe(cy.current);
  });

  it("purges a link once no call under its current pseudonym is left and it is older than the tenant's retention", async () => {
    await store.setRetention('brief', 1);
    const [dot, eli] = [refs('+44 7700 900304'), refs('+44 7700 900305')];
    const linksOf = async () =>
      (
        await store.backend.query<{ current_ref: string }>(
          'SELECT current_ref FROM customer_ref_links WHERE tenant = $1 ORDER BY 1',
          ['brief'],
        )
      ).map((r) => r.current_ref);
    await store.write(callOf('dot-1', dot.current, minutesAgo(20), dot.old, 'brief'));
    await store.write(callOf('eli-1', eli.current, minutesAgo(20), eli.old, 'brief'));
    // Eli calls again a day later, through a gateway not yet rotated: stored under the current one.
    const later = new Date(NOW + 86_400_000);
    await store.write(callOf('eli-2', eli.old, later, undefined, 'brief'));
    const policy = { defaultDays: 90, orphanGraceMs: 86_400_000 };
    // Within the retention: both kept.
    await store.purgeExpired(policy, new Date(NOW + 3_600_000));
    expect(await linksOf()).toEqual([dot.current, eli.current].sort());
    // Two days on: Dot's only call is purged and the link with it; Eli's second call still needs it.
    await store.purgeExpired(policy, new Date(NOW + 2 * 86_400_000));
    expect(await refOf('dot-1', 'brief')).toBeUndefined();
    expect(await linksOf()).toEqual([eli.current]);
  });

  it('takes only a pseudonym as the previous reference of a history lookup', () => {
    expect(() => parseHistorySummaryQuery({ tenant: 'acme', previousRef: '+44 7700 900301' })).toThrow(
      /invalid query/,
    );
    expect(parseHistorySummaryQuery({ tenant: 'acme', previousRef: refs('x').old }).previousRef).toBe(
      refs('x').old,
    );
  });
});
