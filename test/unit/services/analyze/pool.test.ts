// The worker pool: every file gets exactly one result, and a crashing worker is replaced.
import { describe, expect, it } from 'vitest';
import { runPool } from '../../../../services/analyze/pool.ts';
import type { FileResult } from '../../../../services/analyze/types.ts';

const workerUrl = new URL('./fixtures/fake-worker.ts', import.meta.url);

async function run(files: string[], jobs: number): Promise<Map<number, FileResult>> {
  const results = new Map<number, FileResult>();
  await runPool({
    files,
    callIds: files,
    jobs,
    workerUrl,
    workerData: { channels: undefined, modelJson: null },
    onResult: (i, r) => {
      expect(results.has(i)).toBe(false);
      results.set(i, r);
    },
  });
  return results;
}

describe('runPool', () => {
  it('returns one result per file with more files than workers', async () => {
    const files = Array.from({ length: 9 }, (_, i) => `f${i}`);
    const results = await run(files, 2);
    expect([...results.keys()].sort((a, b) => a - b)).toEqual(files.map((_, i) => i));
    expect(results.get(4)?.file).toBe('f4');
  });

  it('reports a crashed or exited worker as WORKER_FAILED for that file and finishes the others', async () => {
    const results = await run(['a', 'crash', 'b', 'exit', 'c', 'd'], 2);
    expect(results.size).toBe(6);
    const codes = [...results.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([, r]) => (r.ok ? 'ok' : r.error.code));
    expect(codes).toEqual(['FAKE', 'WORKER_FAILED', 'FAKE', 'WORKER_FAILED', 'FAKE', 'FAKE']);
  });

  it('resolves at once with no files', async () => {
    expect((await run([], 4)).size).toBe(0);
  });
});
