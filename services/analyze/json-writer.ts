// Writes the `--json` output of a run: a header, then each file's result in input order as the
// results arrive (any completion order), so a long folder run never holds every window in memory.
// File I/O: writes <path>.partial and renames it to <path> when the run completes. A path that
// cannot take the file (a folder, a missing or read-only folder) is refused before any analysis
// with BAD_JSON_PATH (exit 2), not after it.
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { AnalyzeError } from './errors.ts';
import type { FileResult } from './types.ts';

export interface JsonWriter {
  add(index: number, result: FileResult): void;
  close(): void;
  /** The run was interrupted: closes and removes the partial file (nothing is written). */
  abort(): void;
}

export function createJsonWriter(path: string, header: Record<string, unknown>): JsonWriter {
  const partial = `${path}.partial`;
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new AnalyzeError('BAD_JSON_PATH', `--json ${path} is a folder: give the file to write`);
  }
  let fd: number;
  try {
    fd = openSync(partial, 'w');
  } catch (err) {
    throw new AnalyzeError(
      'BAD_JSON_PATH',
      `--json ${path} cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: err },
    );
  }
  const head = JSON.stringify({ ...header, files: [] });
  // The header's closing "]}" is written at close; results go in between.
  writeSync(fd, head.slice(0, -2));
  const pending = new Map<number, FileResult>();
  let nextIndex = 0;
  let closed = false;
  return {
    add(index, result) {
      pending.set(index, result);
      while (pending.has(nextIndex)) {
        const ready = pending.get(nextIndex) as FileResult;
        pending.delete(nextIndex);
        writeSync(fd, `${nextIndex === 0 ? '\n' : ',\n'}${JSON.stringify(ready)}`);
        nextIndex++;
      }
    },
    abort() {
      if (closed) return;
      closed = true;
      closeSync(fd);
      rmSync(partial, { force: true });
    },
    close() {
      if (closed) return;
      closed = true;
      writeSync(fd, '\n]}\n');
      closeSync(fd);
      try {
        renameSync(partial, path);
      } catch (err) {
        rmSync(partial, { force: true });
        throw new AnalyzeError(
          'BAD_JSON_PATH',
          `--json ${path} cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
          { cause: err },
        );
      }
    },
  };
}
