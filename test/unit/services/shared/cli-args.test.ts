// The scripts' command lines as a user meets them: --help prints the usage (exit 0); an unknown
// flag is one USAGE line and the usage (exit 2), never a stack trace; a script without arguments
// refuses one instead of ignoring it and running for minutes; the simulator names a missing or
// foreign audio file in one line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) => spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });

describe('script command lines', () => {
  it.each([
    ['scripts/report-sizes.ts', 'report:sizes'],
    ['scripts/bench-dsp.ts', 'bench:dsp'],
    ['services/simulator/main.ts', 'simulate'],
    ['scripts/eval-music.ts', 'eval:music'],
    ['scripts/eval-echo.ts', 'eval:echo'],
    ['scripts/render-benchmarks.ts', 'benchmarks:render'],
    ['services/call-store/migrate-main.ts', 'migrate'],
  ])('%s: --help, and an unknown flag refused in one line', (script, name) => {
    const help = run(script, '--help');
    expect([help.status, help.stdout.startsWith('usage:')]).toEqual([0, true]);
    const bad = run(script, '--bogus');
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe(`${name}: USAGE: Unknown option '--bogus'`);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('eval:music: no folder, a folder without tracks, a track that is not audio: one line, exit 2', () => {
    const empty = mkdtempSync(join(tmpdir(), 'va-music-'));
    const notAudio = mkdtempSync(join(tmpdir(), 'va-music-'));
    writeFileSync(join(notAudio, 'track.wav'), 'not a wav');
    try {
      for (const [args, line] of [
        [[], 'eval:music: USAGE: --music DIR is required'],
        [['--music', empty], `eval:music: USAGE: ${empty} holds no .wav file`],
        [
          ['--music', join(empty, 'nope')],
          `eval:music: DATA_MISSING: ${join(empty, 'nope')} is not a readable folder`,
        ],
        [['--music', notAudio], `eval:music: DATA_AUDIO: ${join(notAudio, 'track.wav')}: `],
      ] as const) {
        const r = run('scripts/eval-music.ts', ...args);
        expect(r.status, line).toBe(2);
        expect(r.stderr.split('\n')[0].startsWith(line), r.stderr).toBe(true);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      rmSync(empty, { recursive: true });
      rmSync(notAudio, { recursive: true });
    }
  });

  it.each([
    [
      'scripts/bench-alert-rebuild.ts',
      'bench:alert-rebuild',
      ['--calls', 'x'],
      '--calls must be an integer >= 1 (got "x")',
    ],
    ['scripts/bench-store.ts', 'bench:store', ['--calls', '0'], '--calls must be an integer >= 1 (got "0")'],
    [
      'scripts/bench-alerts.ts',
      'bench:alerts',
      ['--slow', '5000'],
      '--slow must be an integer from 0 to 1000 (got "5000")',
    ],
  ])(
    '%s: a count that is no count is refused before anything starts (it ran on as NaN, then waited for good)',
    (script, name, args, problem) => {
      const r = run(script, ...args);
      expect([r.status, r.stderr.split('\n')[0]]).toEqual([2, `${name}: USAGE: ${problem}`]);
    },
  );

  it('report:csat: --help prints the usage', () => {
    const help = run('scripts/report-csat.ts', '--help');
    expect([help.status, help.stdout.startsWith('usage: npm run report:csat')]).toEqual([0, true]);
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
