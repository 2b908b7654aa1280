#!/usr/bin/env node
// `voice-analytics` command (package.json "bin"). Plain JavaScript so any node can start it: on
// Node >= 24 it runs bin/analyze.ts directly (native type stripping); on an older node it
// re-executes itself under the Node 24 that scripts/ensure-node24.sh provides (installed once).
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);

if (major >= 24) {
  await import('./analyze.ts');
} else {
  const found = spawnSync('sh', [join(root, 'scripts', 'ensure-node24.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const node24 = found.status === 0 ? found.stdout.trim() : '';
  if (!node24) {
    process.stderr.write(
      'voice-analytics: Node >= 24 is needed and scripts/ensure-node24.sh could not provide it\n',
    );
    process.exit(2);
  }
  const run = spawnSync(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (run.signal) process.kill(process.pid, run.signal);
  process.exit(run.status ?? 1);
}
