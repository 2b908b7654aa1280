// The source files of the tree as git sees it: tracked plus untracked-but-not-ignored, without
// vendored or built code, as the working tree has them. The file list the report scripts measure. I/O: runs git.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs)$/;

/** Repository-relative paths of the source files below `cwd` (default: this process's folder). */
export function trackedSourceFiles(cwd?: string): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return listed
    .split('\n')
    .filter((f) => SOURCE.test(f) && !f.endsWith('.d.ts'))
    .filter(
      (f) => !f.startsWith('node_modules/') && !f.includes('/dist/') && !f.startsWith('devkit/kafka/libs/'),
    )
    .filter((f) => existsSync(join(cwd ?? '.', f))); // tracked but deleted in the working tree
}
