import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderBenchmarks } from '../../../../../scripts/lib/benchmarks/render.ts';
import { DEFAULT_PATHS, emitBenchmark, readRecords } from '../../../../../scripts/lib/benchmarks/store.ts';

const dirs: string[] = [];
function tempPaths() {
  const dir = mkdtempSync(join(tmpdir(), 'va-bench-'));
  dirs.push(dir);
  return { dir: join(dir, 'benchmarks'), markdown: join(dir, 'BENCHMARKS.md') };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('BENCHMARKS.md', () => {
  it('is what the recorded runs in benchmarks/ render to (kept by the scripts, not by hand)', () => {
    const committed = readFileSync(DEFAULT_PATHS.markdown, 'utf8');
    expect(committed).toBe(renderBenchmarks(readRecords(DEFAULT_PATHS.dir)));
  });

  it('a bench prints its JSON line and records nothing unless BENCH_RECORD=1', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const paths = tempPaths();
    emitBenchmark('dsp', { x_realtime_8k: 640 }, paths, {});
    expect(write).toHaveBeenCalledWith('{"x_realtime_8k":640}\n');
    expect(() => readdirSync(paths.dir)).toThrow();
  });

  it('with BENCH_RECORD=1 the run becomes the current figure, in the file and the rendered page', () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const paths = tempPaths();
    emitBenchmark('dsp', { x_realtime_8k: 640, bytes_per_channel_state: 9000 }, paths, { BENCH_RECORD: '1' });
    emitBenchmark('dsp', { x_realtime_8k: 655, bytes_per_channel_state: 9000 }, paths, { BENCH_RECORD: '1' });
    const [record] = readRecords(paths.dir);
    expect(record.result.x_realtime_8k).toBe(655);
    const page = readFileSync(paths.markdown, 'utf8');
    expect(page).toContain('| `x_realtime_8k` | 655 |');
    expect(page).not.toContain('| `x_realtime_8k` | 640 |');
    expect(page).toContain('## Not recorded yet');
  });

  it('refuses a file in benchmarks/ that is no known benchmark, rather than skipping it', () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const paths = tempPaths();
    emitBenchmark('dsp', { x: 1 }, paths, { BENCH_RECORD: '1' });
    rmSync(join(paths.dir, 'dsp.json'));
    writeFileSync(join(paths.dir, 'bogus.json'), JSON.stringify({ name: 'bogus' }));
    expect(() => readRecords(paths.dir)).toThrow(/BENCHMARK_RECORD_INVALID/);
  });
});
