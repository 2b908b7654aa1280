// One `analyze --store` at a time on a PGlite folder. PGlite (0.5) takes no lock of its own, and
// two processes on one folder corrupt it; the /proc scan (store-lock.ts) sees only a process that
// already has the folder open, so two runs started together both passed it, both reported their
// calls stored, and one call was lost (or the folder left unreadable). A lock file in the folder
// (PostgreSQL ignores it, as its own postmaster.pid), created exclusively (O_EXCL), lets one of
// them in. A lock whose process is gone (killed) is taken over; two runs taking over the same
// stale lock at the same instant can still both get in (a crash, then two starts together).
// I/O: creates, reads and removes `<folder>/.analyze.lock`.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type FolderLock = { release: () => void } | { heldBy: number };

export function lockFolder(dataDir: string): FolderLock {
  const path = join(dataDir, '.analyze.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      return { release: () => releaseLock(path) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = holderOf(path);
    if (holder === 'gone' && attempt < 3) continue; // released meanwhile
    // Empty: its creator is writing it now.
    if (typeof holder !== 'number' || isAlive(holder) || attempt > 0) return { heldBy: Number(holder) || 0 };
    try {
      unlinkSync(path); // left by a process that was killed
    } catch {
      // another run took it over first: try once more
    }
  }
}

function releaseLock(path: string): void {
  try {
    if (holderOf(path) === process.pid) unlinkSync(path);
  } catch {
    // gone already
  }
}

function holderOf(path: string): number | 'gone' | 'unknown' {
  try {
    const pid = Number(readFileSync(path, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : 'unknown';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unknown';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
