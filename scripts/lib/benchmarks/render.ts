import { BENCHMARKS, type BenchmarkName } from './catalogue.ts';

/** One recorded run: what `emitBenchmark` writes to `benchmarks/<name>.json`. */
export interface BenchmarkRecord {
  name: BenchmarkName;
  recordedAt: string;
  argv: string[];
  /** The load average is null for runs recorded from a printed JSON that did not carry it. */
  machine: { cpus: number; node: string; loadAverage1m: number | null };
  result: Record<string, unknown>;
}

const HEADER = `# Benchmarks

The current measured figures, one section per script. **Generated: do not edit by hand.**
A run records itself when started with \`BENCH_RECORD=1\` (e.g. \`BENCH_RECORD=1 npm run bench:dsp\`):
the script prints its one JSON object as always, writes it to \`benchmarks/<name>.json\` and
re-renders this file (\`npm run benchmarks:render\` re-renders from the JSON files alone). A unit
test fails when this file and \`benchmarks/*.json\` disagree. Figures depend on the machine: each
section says where it ran and how loaded it was.
`;

function cell(value: unknown): string {
  if (value === undefined) return '—';
  return JSON.stringify(value).replaceAll('|', '\\|');
}

function section(record: BenchmarkRecord): string {
  const entry = BENCHMARKS[record.name];
  const args = record.argv.length > 0 ? ` (arguments: \`${record.argv.join(' ')}\`)` : '';
  const lines = [
    `## ${entry.title}`,
    '',
    `${entry.measures[0].toUpperCase()}${entry.measures.slice(1)}. Reproduce: \`${entry.command}\`.`,
    '',
    `Recorded ${record.recordedAt}${args} on ${record.machine.cpus} cores, Node ${record.machine.node}, ` +
      (record.machine.loadAverage1m === null ? 'load average not recorded.' : `load average ${record.machine.loadAverage1m}.`),
    '',
  ];
  if (entry.headline.length > 0) {
    lines.push('| key | value |', '| --- | --- |');
    for (const key of entry.headline) lines.push(`| \`${key}\` | ${cell(record.result[key])} |`);
    lines.push('');
  }
  lines.push('```json', JSON.stringify(record.result), '```', '');
  return lines.join('\n');
}

/** BENCHMARKS.md from the recorded runs, in the catalogue's order; benches never recorded are listed as such. */
export function renderBenchmarks(records: readonly BenchmarkRecord[]): string {
  const byName = new Map(records.map((r) => [r.name, r]));
  const parts = [HEADER];
  const missing: string[] = [];
  for (const name of Object.keys(BENCHMARKS) as BenchmarkName[]) {
    const record = byName.get(name);
    if (record) parts.push(section(record));
    else missing.push(`- ${BENCHMARKS[name].title}: \`${BENCHMARKS[name].command}\``);
  }
  if (missing.length > 0) parts.push(['## Not recorded yet', '', ...missing, ''].join('\n'));
  return parts.join('\n');
}
