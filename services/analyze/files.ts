// Finds the WAV files to analyse: the one file given, or every *.wav under a folder (recursive,
// sorted, hidden entries skipped, links followed), and the call id of each. Does file-system I/O
// (stat, readdir, realpath).
import { createHash } from 'node:crypto';
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { AnalyzeError } from './errors.ts';
import { NOT_CALL_ID_CHAR } from '../shared/audio-chunk-limits.ts';

/**
 * `onUnreadable` hears of each folder under `input` that cannot be listed (permissions): it is
 * skipped and the rest analysed (it had stopped the whole run with a stack trace).
 */
export function findWavFiles(
  input: string,
  onUnreadable: (folder: string, code: string) => void = () => undefined,
): string[] {
  let stat;
  try {
    stat = statSync(input);
  } catch (err) {
    throw new AnalyzeError('PATH_NOT_FOUND', `${input}: no such file or folder`, { cause: err });
  }
  // A single file is analysed whatever its name: the WAV reader says if it is not a WAV.
  if (stat.isFile()) return [input];
  if (!stat.isDirectory())
    throw new AnalyzeError(
      'NOT_A_FILE',
      `${input} is neither a file nor a folder (a device, pipe or socket)`,
    );
  const found: string[] = [];
  walk(input, found, new Set(), onUnreadable);
  if (found.length === 0) throw new AnalyzeError('NO_WAV_FILES', `no .wav files under ${input}`);
  return found;
}

/**
 * Symbolic links are followed (a folder of links into a recordings archive was silently
 * skipped); a link back into a folder already walked is not walked again.
 */
function walk(
  dir: string,
  out: string[],
  seen: Set<string>,
  onUnreadable: (folder: string, code: string) => void,
): void {
  let real: string;
  let listed: Dirent[];
  try {
    real = realpathSync(dir);
    if (seen.has(real)) return;
    listed = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    onUnreadable(dir, (err as NodeJS.ErrnoException).code ?? 'ERROR');
    return;
  }
  seen.add(real);
  const entries = listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const kind = entry.isSymbolicLink() ? targetKind(path) : entry;
    if (kind?.isDirectory()) walk(path, out, seen, onUnreadable);
    else if (kind?.isFile() && /\.wave?$/i.test(entry.name)) out.push(path);
  }
}

/** What a link points at; undefined for a dangling link (nothing to analyse there). */
function targetKind(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Each recording's call id in event ids: its file name without the extension, in the characters a
 * live call id may hold (NOT_CALL_ID_CHAR become `_`, so `agent:7.wav` is not read as call
 * `agent`, channel `7` in `agent:7:customer:0:emotion`); names that occur twice (`a/call.wav`,
 * `b/call.wav`, or `a:b` beside `a_b`) get a short hash of their path inside the input folder
 * (`root`), so no two share event ids and `recs`, `./recs` or `/abs/recs` give the same ids.
 */
export function callIdsOf(files: readonly string[], root: string): string[] {
  const names = files.map((file) => callIdOfName(basename(file).replace(/\.[^.]*$/, '')));
  const count = new Map<string, number>();
  for (const name of names) count.set(name, (count.get(name) ?? 0) + 1);
  return names.map((name, k) =>
    (count.get(name) ?? 0) > 1
      ? `${name}-${createHash('sha256').update(relative(root, files[k])).digest('hex').slice(0, 8)}`
      : name,
  );
}

/** A file name as a call id: 1 to 119 characters of A-Z a-z 0-9 . _ - (room for the hash). */
function callIdOfName(name: string): string {
  return name.replace(NOT_CALL_ID_CHAR, '_').slice(0, 119) || 'call';
}
