// The PGlite folder's lock (the call-store service, `analyze --store`): one holder at a time, released by its holder
// only, and taken over from a process that is gone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockFolder } from '../../../../services/shared/pglite-folder-lock.ts';
import { errorText } from '../../../../services/shared/error-text.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lockFolder', () => {
  it('lets one holder in; the next is told who holds it until it is released', () => {
    dir = mkdtempSync(join(tmpdir(), 'va-lock-'));
    const first = lockFolder(dir);
    expect(first).toHaveProperty('release');
    expect(lockFolder(dir)).toEqual({ heldBy: process.pid });
    if ('release' in first) first.release();
    expect(existsSync(join(dir, '.store.lock'))).toBe(false);
    const again = lockFolder(dir);
    expect(again).toHaveProperty('release');
    if ('release' in again) again.release();
  });

  it('takes over the lock of a process that is gone, and never releases another holder’s', () => {
    dir = mkdtempSync(join(tmpdir(), 'va-lock-'));
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    writeFileSync(join(dir, '.store.lock'), String(gone));
    const lock = lockFolder(dir);
    expect(lock).toHaveProperty('release');
    // Another holder's lock (pid 1 is alive) stays when a stale release runs.
    writeFileSync(join(dir, '.store.lock'), '1');
    if ('release' in lock) lock.release();
    expect(lockFolder(dir)).toEqual({ heldBy: 1 });
  });

  it('takes over its own pid left from before (a reboot reused it) and an empty lock left by a failed write', () => {
    dir = mkdtempSync(join(tmpdir(), 'va-lock-'));
    const file = join(dir, '.store.lock');
    writeFileSync(file, String(process.pid));
    const own = lockFolder(dir);
    expect(own).toHaveProperty('release');
    // Held by this process now: a second take in it is refused.
    expect(lockFolder(dir)).toEqual({ heldBy: process.pid });
    if ('release' in own) own.release();
    writeFileSync(file, '');
    expect(lockFolder(dir)).toEqual({ heldBy: 0 }); // being written now
    utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const taken = lockFolder(dir);
    expect(taken).toHaveProperty('release');
    if ('release' in taken) taken.release();
  });
});

describe('errorText', () => {
  it('gives a plain object rejection its message, code or errno, never [object Object]', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText({ message: 'PGlite failed' })).toBe('PGlite failed');
    expect(errorText({ name: 'ErrnoError', errno: 20 })).toBe('errno 20');
    expect(errorText({ code: 'ENOTDIR' })).toBe('ENOTDIR');
    expect(errorText('text')).toBe('text');
    expect(errorText({ foo: 1 })).toBe('{"foo":1}');
  });
});
