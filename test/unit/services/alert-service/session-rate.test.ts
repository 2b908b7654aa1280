import { describe, expect, it } from 'vitest';
import { createSessionRate } from '../../../../services/alert-service/session-rate.ts';

describe('sessions per user and minute', () => {
  it('gives a burst of the budget, then one per 60/perMinute seconds, per user', () => {
    const rate = createSessionRate(3);
    expect([0, 1, 2, 3].map(() => rate.spend('acme/sup', 0))).toEqual([true, true, true, false]);
    expect(rate.spend('acme/other', 0)).toBe(true);
    // A refused attempt spends nothing: 20 s later (one third of a minute) one more is allowed.
    expect(rate.spend('acme/sup', 19_999)).toBe(false);
    expect(rate.spend('acme/sup', 20_000)).toBe(true);
    expect(rate.spend('acme/sup', 20_001)).toBe(false);
  });

  it('keeps the same user of two tenants apart', () => {
    const rate = createSessionRate(1);
    expect(rate.spend('acme/sup', 0)).toBe(true);
    expect(rate.spend('globex/sup', 0)).toBe(true);
    expect(rate.spend('acme/sup', 0)).toBe(false);
  });

  it('stays bounded, forgetting users with nothing to remember first', () => {
    const rate = createSessionRate(2, 100);
    rate.spend('storm', 0);
    rate.spend('storm', 0);
    for (let i = 0; i < 10_000; i += 1) rate.spend(`user-${i}`, 120_000 + i);
    expect(rate.size()).toBeLessThanOrEqual(100);
    // A user whose bucket is spent is kept while a full one can go (its refusal is not lifted).
    const busy = createSessionRate(60, 3);
    for (let i = 0; i < 60; i += 1) busy.spend('storm', 0);
    busy.spend('a', 0);
    busy.spend('b', 0);
    busy.spend('c', 1_000); // room made: 'a' is full again at 1 s, 'storm' has one welcome back
    expect(busy.size()).toBe(3);
    expect([busy.spend('storm', 1_000), busy.spend('storm', 1_000)]).toEqual([true, false]);
  });

  it('0 is no limit', () => {
    const rate = createSessionRate(0);
    for (let i = 0; i < 1_000; i += 1) expect(rate.spend('u', 0)).toBe(true);
  });
});
