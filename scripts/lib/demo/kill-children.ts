// The demo's child processes (broker, services), SIGKILLed and waited for, synchronously: from an
// 'exit' handler, where nothing asynchronous runs any more. A child still running when the demo's
// temp folder was removed wrote into it again. Linux (/proc); elsewhere nothing is waited for.
// I/O: /proc, signals.
import { readdirSync, readFileSync } from 'node:fs';

/** Pids whose parent is this process (from /proc/<pid>/stat), or none without /proc. */
function childPids(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

const gone = (pid: number): boolean => {
  try {
    // A killed child stays a zombie until reaped: gone for this purpose once its state is Z.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
};

/** SIGKILLs every child and waits (at most `timeoutMs`) until none runs. */
export function killChildrenSync(timeoutMs = 3000): void {
  const pids = childPids();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && !pids.every(gone);)
    Atomics.wait(pause, 0, 0, 20);
}
