import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { isBenchmarkName, type BenchmarkName } from './catalogue.ts';
import { renderBenchmarks, type BenchmarkRecord } from './render.ts';

/** Where the recorded runs and the rendered file live (the repository root by default). */
export interface BenchmarkPaths {
  dir: string;
  markdown: string;
}

export const DEFAULT_PATHS: BenchmarkPaths = {
  dir: join(import.meta.dirname, '../../../benchmarks'),
  markdown: join(import.meta.dirname, '../../../BENCHMARKS.md'),
};

/** Every `benchmarks/<name>.json`; a file that is not a known benchmark's record is an error, not skipped. */
export function readRecords(dir: string): BenchmarkRecord[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.sort().map((file) => {
    const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as BenchmarkRecord;
    if (!isBenchmarkName(record.name) || `${record.name}.json` !== file) {
      throw new Error(`BENCHMARK_RECORD_INVALID: ${file} is not the record of a known benchmark`);
    }
    return record;
  });
}

export function renderFromDisk(paths: BenchmarkPaths = DEFAULT_PATHS): void {
  writeFileSync(paths.markdown, renderBenchmarks(readRecords(paths.dir)));
}

/**
 * Prints a benchmark's one JSON object (every bench ends this way) and, when `BENCH_RECORD=1`,
 * keeps it as the current figure: `benchmarks/<name>.json`, then BENCHMARKS.md re-rendered.
 */
export function emitBenchmark(
  name: BenchmarkName,
  result: Record<string, unknown>,
  paths: BenchmarkPaths = DEFAULT_PATHS,
  env: NodeJS.ProcessEnv = process.env,
): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (env.BENCH_RECORD !== '1') return;
  const record: BenchmarkRecord = {
    name,
    recordedAt: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    argv: process.argv.slice(2),
    machine: {
      cpus: cpus().length,
      node: process.version,
      loadAverage1m: Math.round(loadavg()[0] * 10) / 10,
    },
    result,
  };
  mkdirSync(paths.dir, { recursive: true });
  writeFileSync(join(paths.dir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  renderFromDisk(paths);
}
