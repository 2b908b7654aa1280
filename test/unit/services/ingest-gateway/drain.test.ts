// The drain's own bookkeeping (drain.ts): every intake stops taking calls at once, the drain ends
// as soon as no call is open, or at its limit, and counts what it waits for (and how long it has
// run) only while draining.
// The drain through real sockets and signals: test/int/ingest/gateway-drain.test.ts.
import { describe, expect, it } from 'vitest';
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
});
