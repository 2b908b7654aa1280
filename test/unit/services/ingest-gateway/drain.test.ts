// The drain's own bookkeeping (drain.ts): every intake stops taking calls at once, the drain ends
// as soon as no call is open, or at its limit, and counts what it waits for (and how long it has
// run) only while draining; a step of the host's wall clock (Date.now moved for the process, as
// NTP moves it) neither ends it early nor stretches it.
// The drain through real sockets and signals: test/int/ingest/gateway-drain.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDrain, type Drainable } from '../../../../services/ingest-gateway/drain.ts';

function intake(open: number): Drainable & { open: number; drained: boolean } {
  const own = {
    open,
    drained: false,
    drain: () => void (own.drained = true),
    openCalls: () => own.open,
  };
  return own;
}

afterEach(() => vi.restoreAllMocks());

describe('drain', () => {
  it('refuses new calls on every intake at once and ends when the last call does', async () => {
    const [a, b] = [intake(2), intake(1)];
    const drain = createDrain([a, b], 60_000);
    expect([drain.draining(), drain.waitingFor()]).toEqual([false, 0]);
    let done = false;
    const running = drain.run().then(() => (done = true));
    expect([a.drained, b.drained, drain.draining(), drain.waitingFor()]).toEqual([true, true, true, 3]);
    a.open = 0;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([done, drain.waitingFor()]).toEqual([false, 1]);
    b.open = 0;
    await running;
    expect(drain.waitingFor()).toBe(0);
  });

  it('ends at its limit with calls still open, and at once with a limit of 0', async () => {
    const started = performance.now();
    const drain = createDrain([intake(1)], 400);
    expect(drain.elapsedMs()).toBe(0);
    const running = drain.run();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // What alert VaIngestDrainLong reads while the drain still runs (va_ingest_drain_elapsed_seconds).
    expect(drain.elapsedMs()).toBeGreaterThanOrEqual(190);
    expect(drain.elapsedMs()).toBeLessThan(400);
    await running;
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    const again = performance.now();
    await createDrain([intake(1)], 0).run();
    expect(performance.now() - again).toBeLessThan(50);
  });

  it('keeps waiting for the open calls when the wall clock steps past DRAIN_MAX_MS', async () => {
    const systemNow = Date.now;
    let stepMs = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => systemNow() + stepMs);
    const a = intake(1);
    const drain = createDrain([a], 2_000);
    let done = false;
    const running = drain.run().then(() => (done = true));
    stepMs = 60_000;
    // A few looks (every 200 ms), well inside the 2 s limit in real time.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect([done, drain.waitingFor()]).toEqual([false, 1]);
    expect(drain.elapsedMs()).toBeLessThan(2_000);
    a.open = 0;
    await running;
  });
});
