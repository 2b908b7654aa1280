// One process at a time on a PGlite folder: the call-store service or one `analyze --store`. PGlite
// (0.5) takes no lock of its own, and two processes on one folder corrupt it; the /proc scan
// (analyze/store-lock.ts) sees only a process that already has the folder open, so two runs
// started together both passed it, both reported their calls stored, and one call was lost (or the
// folder left unreadable); and a call-store started while an `analyze --store` wrote the folder
// opened it too. A lock file in the folder (PostgreSQL ignores it, as its own postmaster.pid),
// created exclusively (O_EXCL), lets one of them in; it is removed when the holder closes the
// store or exits (its 'exit' event: not on SIGKILL, nor on a Ctrl-C of a process that set no
// signal handler). A lock left by a process that is gone (killed; its pid reused by this very
// process after a reboot), or left empty for more than a few seconds (a write that failed), is
// taken over; two processes taking over the same stale lock at the same instant can still both
// get in. I/O: creates, reads and removes `<folder>/.store.lock`.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = '.store.lock';

/** An empty lock older than this was never finished (its creator writes its pid at once). */
const EMPTY_LOCK_STALE_MS = 10_000;

export type FolderLock = { release: () => void } | { heldBy: number };

/** Folders this process holds: its own pid in another folder's lock is a stale one. */
const held = new Set<string>();

export function lockFolder(dataDir: string): FolderLock {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    if (create(path)) {
      held.add(path);
      const release = (): void => {
        process.removeListener('exit', release);
        held.delete(path);
        releaseLock(path);
      };
      process.once('exit', release);
      return { release };
    }
    const holder = holderOf(path);
    if (holder === 'gone' && attempt < 3) continue; // released meanwhile
    const live =
      typeof holder === 'number'
        ? isAlive(holder) && !(holder === process.pid && !held.has(path))
        : holder === 'writing';
    if (live || attempt > 0) return { heldBy: typeof holder === 'number' ? holder : 0 };
    try {
      unlinkSync(path); // left by a process that is gone
    } catch {
      // another run took it over first: try once more
    }
  }
}

/** Creates the lock with this process's pid; false when it exists. */
function create(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, String(process.pid));
  } catch (err) {
    closeSync(fd);
    unlinkSync(path); // an empty lock would hold the folder for nothing
    throw err;
  }
  closeSync(fd);
  return true;
}

function releaseLock(path: string): void {
  try {
    if (holderOf(path) === process.pid) unlinkSync(path);
  } catch {
    // gone already
  }
}

/** The pid in the lock; 'gone' (no lock), 'writing' (empty, young) or 'stale' (empty, old or garbage). */
function holderOf(path: string): number | 'gone' | 'writing' | 'stale' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'stale';
  }
  const pid = Number(text);
  if (text !== '' && Number.isInteger(pid) && pid > 0) return pid;
  if (text !== '') return 'stale';
  try {
    return Date.now() - statSync(path).mtimeMs < EMPTY_LOCK_STALE_MS ? 'writing' : 'stale';
  } catch {
    return 'gone';
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

/** The folder is held by another live process (`heldBy`, 0 when its pid is still being written). */
export class PgliteFolderLockedError extends Error {
  readonly heldBy: number;
  readonly lockFile: string;
  constructor(dataDir: string, heldBy: number) {
    const lockFile = join(dataDir, LOCK_FILE);
    super(
      `the PGlite folder ${dataDir} is in use by ${heldBy ? `process ${heldBy}` : 'another process'} ` +
        `(the call-store service or an analyze --store; its lock ${lockFile} goes when it ends)`,
    );
    this.name = 'PgliteFolderLockedError';
    this.heldBy = heldBy;
    this.lockFile = lockFile;
  }
}

/** Takes the folder's lock or throws PgliteFolderLockedError; returns its release. */
export function takePgliteFolder(dataDir: string): () => void {
  const lock = lockFolder(dataDir);
  if ('release' in lock) return lock.release;
  throw new PgliteFolderLockedError(dataDir, lock.heldBy);
}
