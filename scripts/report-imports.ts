// npm run report:imports — the import edges that break the layering (a service importing another
// service, a benchmark reaching test code, a pipelines/ stage doing I/O), as ONE JSON object on
// stdout; every list is empty in a clean tree. Reads the files git tracks, writes nothing.
import { readFileSync } from 'node:fs';
import { importReport } from './lib/import-graph.ts';
import { trackedSourceFiles } from './lib/tracked-files.ts';
import { noArgs } from '../services/shared/cli-args.ts';

noArgs('report:imports', 'usage: npm run report:imports (no arguments; prints one JSON object)');

const files = trackedSourceFiles()
  .filter((path) => path.endsWith('.ts'))
  .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
process.stdout.write(`${JSON.stringify(importReport(files))}\n`);
