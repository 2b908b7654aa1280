// Ctrl-C during `npm run demo` start-up leaves nothing behind: SIGINT at 1 s, 3 s
// and 6 s (finding Kafka, the broker starting, the services starting) to the demo's process group
// as a terminal sends it (and once to its process alone), then no process the demo
// started is alive and its temp folders are gone. The demo runs with a TMPDIR of its own, which
// every child inherits: a process whose environment still names it is one the demo left behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';

/** Pids of live processes whose environment holds `TMPDIR=<dir>`. */
function processesWithTmpdir(dir: string): number[] {
  const needle = `TMPDIR=${dir}\0`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(needle)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/**
 * `group`: SIGINT to the demo's whole process group, as a terminal's Ctrl-C sends it (the broker's
 * own start-up gets it too); `process`: to the demo's process alone (`kill -INT <pid>`).
 */
const CASES = [
  { atMs: 800, to: 'group' }, // about when the broker formats its storage: it failed, with a stack
  { atMs: 1000, to: 'group' },
  { atMs: 3000, to: 'group' },
  { atMs: 6000, to: 'group' },
  { atMs: 3000, to: 'process' },
] as const;

describe('npm run demo: Ctrl-C during start-up', () => {
  for (const { atMs, to } of CASES) {
    it(`leaves no process, no temp folder and no stack trace behind when interrupted at ${atMs / 1000} s (${to})`, async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'va-ctrl-c-'));
      try {
        // Its own broker (KAFKA_BROKERS empty), as on a developer's machine.
        const demo = spawn(process.execPath, ['scripts/demo.ts', '--exit'], {
          cwd: REPO_ROOT,
          env: { ...process.env, TMPDIR: tmp, KAFKA_BROKERS: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: to === 'group', // a process group of its own, as a terminal gives it
        });
        let output = '';
        demo.stdout.on('data', (d: Buffer) => (output += d.toString()));
        demo.stderr.on('data', (d: Buffer) => (output += d.toString()));
        const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
        await new Promise((resolve) => setTimeout(resolve, atMs));
        if (to === 'group') process.kill(-(demo.pid as number), 'SIGINT');
        else demo.kill('SIGINT');
        const code = await Promise.race([
          exited,
          new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000)),
        ]);
        expect(code, output).not.toBe('timeout');
        // SIGKILLed children need a moment to be gone from /proc.
        await waitFor(
          'no process left with the demo TMPDIR',
          () => processesWithTmpdir(tmp).length === 0,
          10_000,
        ).catch(() => undefined);
        expect(processesWithTmpdir(tmp), output).toEqual([]);
        expect(readdirSync(tmp), output).toEqual([]);
        expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack trace
      } finally {
        for (const pid of processesWithTmpdir(tmp)) process.kill(pid, 'SIGKILL');
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
