// The adapters' parked calls: a dropped call waits the grace period for a reconnect, is taken by
// the first new socket of its tenant and id that fits it, ends when the period passes, ends at once
// with a grace period of 0, and is handed back at shutdown; it says whose calls wait.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createParkedCalls } from '../../../../services/ingest-gateway/reconnect-grace.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('parked calls (reconnect grace period)', () => {
  it('hands a parked call to a reconnect within the grace period, with when it dropped', () => {
    let clock = 1_000;
    const parked = createParkedCalls<string>(5_000, () => clock);
    const expired = vi.fn();
    parked.park('acme', 'call-1', 'the call', expired);
    clock = 1_400;
    vi.advanceTimersByTime(400);
    expect(parked.take('beta', 'call-1')).toBeNull(); // another tenant's id is another call
    expect(parked.take('acme', 'call-1')).toEqual({ call: 'the call', droppedAtMs: 1_000 });
    expect(parked.take('acme', 'call-1')).toBeNull();
    vi.advanceTimersByTime(10_000);
    expect(expired).not.toHaveBeenCalled();
  });

  it('ends a call nobody resumes when the grace period is over, and at once with 0', () => {
    const parked = createParkedCalls<string>(5_000);
    const expired = vi.fn();
    parked.park('acme', 'call-1', 'the call', expired);
    vi.advanceTimersByTime(4_999);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledOnce();
    expect(parked.take('acme', 'call-1')).toBeNull();

    const none = createParkedCalls<string>(0);
    const now = vi.fn();
    none.park('acme', 'call-2', 'x', now);
    expect(now).toHaveBeenCalledOnce();
    expect(none.size()).toBe(0);
  });

  it('leaves a call parked when the reconnect does not fit it, and drains it at shutdown', () => {
    const parked = createParkedCalls<{ rate: number }>(5_000);
    const expired = vi.fn();
    parked.park('acme', 'call-1', { rate: 8000 }, expired);
    expect(parked.take('acme', 'call-1', (c) => c.rate === 16000)).toBeNull();
    expect(parked.size()).toBe(1);
    expect(parked.drain()).toEqual([{ rate: 8000 }]);
    vi.advanceTimersByTime(10_000);
    expect(expired).not.toHaveBeenCalled(); // shutdown ends drained calls itself
  });

  it("says whose calls wait for a reconnect (a draining gateway's upgrade check)", () => {
    const parked = createParkedCalls<string>(5_000);
    expect(parked.holdsCallOf(null)).toBe(false);
    parked.park('acme', 'call-1', 'the call', vi.fn());
    expect([parked.holdsCallOf('acme'), parked.holdsCallOf('beta'), parked.holdsCallOf(null)]).toEqual([
      true,
      false,
      true,
    ]);
    parked.take('acme', 'call-1');
    expect(parked.holdsCallOf('acme')).toBe(false);
  });
});
