// The users file's hash tool: reads the password from stdin (or asks at a terminal), refuses one
// given as an argument (it would land in the shell history), and prints a hash that verifies.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../../../services/shared/auth/users.ts';

const tool = 'services/shared/auth/hash-password.ts';
const run = (args: string[], input: string) =>
  spawnSync(process.execPath, [tool, ...args], { input, encoding: 'utf8', timeout: 60_000 });

describe('hash-password', () => {
  it('hashes the password read from stdin, and refuses arguments or an empty password', async () => {
    const ok = run([], 'correct horse battery\n');
    expect(ok.status).toBe(0);
    expect(await verifyPassword('correct horse battery', ok.stdout.trim())).toBe(true);
    const argument = run(['hunter2'], '');
    expect([argument.status, argument.stderr.split('\n')[0]]).toEqual([
      2,
      'hash-password: USAGE: no arguments (a password there would land in the shell history)',
    ]);
    expect(run([], '').stderr).toMatch(/^hash-password: EMPTY/);
    const help = run(['--help'], '');
    expect([help.status, help.stdout.startsWith('usage:')]).toEqual([0, true]);
  });
});
