/** `npm run benchmarks:render`: BENCHMARKS.md from benchmarks/*.json (what `BENCH_RECORD=1` runs wrote). */
import { renderFromDisk } from './lib/benchmarks/store.ts';

renderFromDisk();
