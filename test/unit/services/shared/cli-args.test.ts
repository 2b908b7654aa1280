// The scripts' command lines as a user meets them: --help prints the usage (exit 0); an unknown
// flag is one USAGE line and the usage (exit 2), never a stack trace; a script without arguments
// refuses one instead of ignoring it and running for minutes; the simulator names a missing or
// foreign audio file in one line.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) => spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });

describe('script command lines', () => {
  it.each([
    ['scripts/report-sizes.ts', 'report:sizes'],
    ['scripts/bench-dsp.ts', 'bench:dsp'],
    ['services/simulator/main.ts', 'simulate'],
  ])('%s: --help, and an unknown flag refused in one line', (script, name) => {
    const help = run(script, '--help');
    expect([help.status, help.stdout.startsWith('usage:')]).toEqual([0, true]);
    const bad = run(script, '--bogus');
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe(`${name}: USAGE: Unknown option '--bogus'`);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('simulate: a missing or non-WAV audio file is one line with its code, exit 2', () => {
    for (const [audio, code] of [
      ['/nonexistent.wav', 'ENOENT'],
      ['README.md', 'NOT_RIFF'],
    ]) {
      const r = run('services/simulator/main.ts', '--calls', '1', '--token', 'x', '--audio', audio);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^simulate: ${code}: `));
    }
  });
});
