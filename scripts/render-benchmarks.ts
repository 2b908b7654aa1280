/** `npm run benchmarks:render`: BENCHMARKS.md from benchmarks/*.json (what `BENCH_RECORD=1` runs wrote). */
import { noArgs } from '../services/shared/cli-args.ts';
import { renderFromDisk } from './lib/benchmarks/store.ts';

noArgs('benchmarks:render', 'usage: npm run benchmarks:render');
renderFromDisk();
