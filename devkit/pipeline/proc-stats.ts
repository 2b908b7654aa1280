// CPU time and memory of processes from /proc (Linux), for the pipeline benchmark: cores used
// over an interval and peak resident memory. I/O: reads /proc/<pid>/stat and status.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Peak resident set size (VmHWM) in MiB, or null when the process is gone. */
export function peakRssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Pid of the local process listening on a TCP port (e.g. the Kafka broker, started elsewhere), or
 * null when none is found or /proc is unreadable: the socket inode from /proc/net/tcp{,6}, then
 * the process holding it among /proc/<pid>/fd.
 */
export function listenerPid(port: number): number | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A = LISTEN; inode is column 10.
      if (cols.length > 9 && cols[1].endsWith(`:${hexPort}`) && cols[3] === '0A') inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (match && inodes.has(match[1])) return Number(entry);
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return null;
}

export interface CpuMeter {
  /** Marks the start of the measured interval. */
  start(): void;
  /** Cores used per process name since start(), in total, and the CPU seconds behind them. */
  read(): { total: number; totalSeconds: number; wallSeconds: number; byName: Record<string, number> };
}

export function createCpuMeter(processes: () => { name: string; pid: number }[]): CpuMeter {
  let startedAt = 0;
  const base = new Map<number, number>();
  return {
    start() {
      startedAt = performance.now();
      base.clear();
      for (const { pid } of processes()) base.set(pid, cpuSeconds(pid) ?? 0);
    },
    read() {
      const wallS = (performance.now() - startedAt) / 1000;
      const byName: Record<string, number> = {};
      let total = 0;
      let totalSeconds = 0;
      for (const { name, pid } of processes()) {
        const used = (cpuSeconds(pid) ?? 0) - (base.get(pid) ?? 0);
        const cores = wallS > 0 ? used / wallS : 0;
        byName[name] = (byName[name] ?? 0) + cores;
        total += cores;
        totalSeconds += used;
      }
      return { total, totalSeconds, wallSeconds: wallS, byName };
    },
  };
}
