// Read positions of a consumer: a wait resolves once every partition it names is read up to its
// offset (a partition not named does not hold it back), and is rejected when its deadline passes.
import { describe, expect, it } from 'vitest';
import { createReadPositions } from '../../../../services/ingest-gateway/read-positions.ts';

describe('read positions', () => {
  it('resolves a wait once every partition reaches its end, never moving back', async () => {
    const positions = createReadPositions();
    positions.reached(0, 5n);
    const ends = new Map([
      [0, 7n],
      [1, 0n],
    ]);
    positions.reached(1, 0n);
    let done = false;
    const wait = positions.waitFor(ends, new AbortController().signal).then(() => (done = true));
    positions.reached(0, 6n);
    positions.reached(0, 3n);
    await Promise.resolve();
    expect(done).toBe(false);
    positions.reached(0, 7n);
    await wait;
    expect(positions.caughtUp(ends)).toBe(true);
  });

  it('rejects a wait whose deadline passes first, and every wait at a stop', async () => {
    const positions = createReadPositions();
    const ends = new Map([[0, 1n]]);
    await expect(positions.waitFor(ends, AbortSignal.timeout(20))).rejects.toBeDefined();
    const stopped = positions.waitFor(ends, new AbortController().signal);
    positions.cancelAll();
    await expect(stopped).rejects.toThrow('stopped');
  });
});
