// Who else has a PGlite data folder open: PGlite (0.5) takes no lock of its own, and two processes
// on one folder corrupt it, so `analyze --store` looks for other processes holding files under the
// folder (Linux /proc/<pid>/fd) before opening it. I/O: reads /proc; elsewhere finds nothing.
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { sep } from 'node:path';

/** Ids of the other processes with a file under `dataDir` open (empty if none or unknowable). */
export function pgliteHolders(dataDir: string, procRoot = '/proc'): number[] {
  let root: string;
  let pids: string[];
  try {
    root = realpathSync(dataDir);
    pids = readdirSync(procRoot);
  } catch {
    return []; // no folder yet (nobody can hold it) or no /proc (not Linux)
  }
  const holders: number[] = [];
  for (const pid of pids) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${procRoot}/${pid}/fd`);
    } catch {
      continue; // gone, or another user's process we may not inspect
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`${procRoot}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target === root || target.startsWith(root + sep)) {
        holders.push(Number(pid));
        break;
      }
    }
  }
  return holders;
}
