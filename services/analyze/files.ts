// Finds the WAV files to analyse: the one file given, or every *.wav under a folder (recursive,
// sorted, hidden entries skipped). Does file-system I/O (stat, readdir).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AnalyzeError } from './errors.ts';

export function findWavFiles(input: string): string[] {
  let stat;
  try {
    stat = statSync(input);
  } catch (err) {
    throw new AnalyzeError('PATH_NOT_FOUND', `${input}: no such file or folder`, { cause: err });
  }
  // A single file is analysed whatever its name: the WAV reader says if it is not a WAV.
  if (stat.isFile()) return [input];
  if (!stat.isDirectory())
    throw new AnalyzeError('PATH_NOT_FOUND', `${input} is neither a file nor a folder`);
  const found: string[] = [];
  walk(input, found);
  if (found.length === 0) throw new AnalyzeError('NO_WAV_FILES', `no .wav files under ${input}`);
  return found;
}

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile() && /\.wave?$/i.test(entry.name)) out.push(path);
  }
}
