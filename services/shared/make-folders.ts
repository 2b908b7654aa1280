// Creates a folder and its missing parents one at a time. A path through a file, or one that
// cannot be written, throws at once naming the part that failed; a folder under /proc fails at
// once too (Node's recursive mkdir there looped at full CPU). Callers wrap the error in their own
// code. I/O: the file system.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let p = dir; !existsSync(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  const nearest = missing.length > 0 ? dirname(missing[0]) : dir;
  if (!statSync(nearest).isDirectory()) throw new Error(`${nearest} is not a folder`);
  for (const p of missing) mkdirSync(p);
}
