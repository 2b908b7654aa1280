// New password hashes use scrypt N=2^17 (OWASP), the parameters travel in the
// hash string so the older N=2^14 hashes (the demo file's) still verify, and a users file cannot
// name parameters that would make one login attempt allocate gigabytes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  loadUsers,
  parseUsers,
  SCRYPT_PARAMS,
  unknownUserHash,
  UsersFileError,
  verifyPassword,
} from '../../../../../services/shared/auth/users.ts';
import { passwordCheck } from '../../../../../services/shared/auth/password-login.ts';
import { thrownError } from '../../../../support/thrown.ts';
import { usersFileAdmin } from '../../../../support/users-file.ts';

describe('password hashes', () => {
  it('hashes with N=2^17, r=8, p=1 and verifies', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt:131072:8:1:/);
    expect(SCRYPT_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
  });

  it('still verifies hashes made with the old N=2^14', async () => {
    const old = await hashPassword('demo-password', 16384);
    expect(old).toMatch(/^scrypt:16384:8:1:/);
    expect(await verifyPassword('demo-password', old)).toBe(true);
  });

  it('refuses a users file whose hash parameters are out of bounds', () => {
    const user = { username: 'ops', displayName: 'Ops', role: 'admin', tenant: 'acme' };
    for (const n of [2 ** 30, 3000, 512]) {
      expect(() => parseUsers({ users: [{ ...user, passwordHash: `scrypt:${n}:8:1:AAAA:AAAA` }] })).toThrow(
        UsersFileError,
      );
    }
  });

  it('refuses a tenant that no call can carry, and every tenant for anyone but an admin', () => {
    const user = { username: 'sam', displayName: 'Sam', passwordHash: 'scrypt:16384:8:1:AAAA:AAAA' };
    // These users saw nothing, without a word: no call's tenant has a space or matches "*".
    for (const [role, tenant] of [
      ['supervisor', 'Acme Corp'],
      ['supervisor', ' acme'],
      ['supervisor', '*'],
      ['qa_reviewer', '*'],
    ])
      expect(() => parseUsers({ users: [{ ...user, role, tenant }] })).toThrow(UsersFileError);
    expect(
      parseUsers({ users: [{ ...user, role: 'admin', tenant: '*' }] }).get('sam')?.principal.tenant,
    ).toBe('*');
    // A supervisor's forgotten teams line read as the whole tenant: it must be said, [] or a list.
    expect(() => parseUsers({ users: [{ ...user, role: 'supervisor', tenant: 'acme' }] })).toThrow(
      /supervisor "sam" needs "teams"/,
    );
    expect(
      parseUsers({ users: [{ ...user, role: 'supervisor', tenant: 'acme', teams: [] }] }).get('sam')
        ?.principal.teams,
    ).toEqual([]);
  });

  it('says where a users file is not JSON without quoting any of it (a hash tail leaked)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-users-'));
    try {
      const path = join(dir, 'users.json');
      writeFileSync(
        path,
        '{\n  "users": [\n    { "passwordHash": "scrypt:16384:8:1:c2VjcmV0:sn2xxk=" },\n  ]\n}\n',
      );
      const error = thrownError(() => loadUsers(path), UsersFileError);
      expect(error.message).toMatch(new RegExp(`^users file ${path}: not valid JSON( \\(line [45]\\))?$`));
      expect(error.message).not.toMatch(/sn2xxk|c2VjcmV0|scrypt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks unknown usernames against the parameters of the file’s users', () => {
    const users = parseUsers({
      users: [
        {
          username: 'ops',
          displayName: 'Ops',
          role: 'admin',
          tenant: 'acme',
          passwordHash: 'scrypt:16384:8:1:AAAA:AAAA',
        },
      ],
    });
    expect(unknownUserHash(users)).toMatch(/^scrypt:16384:8:1:/);
    expect(unknownUserHash(new Map())).toMatch(/^scrypt:131072:8:1:/);
  });

  it('checks a user with an old, weaker hash beside the strongest, so it answers when an unknown one does (timing named them)', async () => {
    const user = usersFileAdmin;
    const users = parseUsers({
      users: [
        user('old-ann', await hashPassword('pw-old', 1024)),
        user('new-bo', await hashPassword('pw-new', 16384)),
      ],
    });
    // The strongest parameters of the file, whichever user comes first.
    expect(unknownUserHash(users)).toMatch(/^scrypt:16384:8:1:/);
    // Which hashes are checked, and whether the second starts before the first ends.
    const started: string[] = [];
    let running = 0;
    let overlapped = false;
    const check = passwordCheck(users, async (password, hash) => {
      started.push(hash.split(':')[1]);
      running += 1;
      overlapped ||= running > 1;
      const ok = await verifyPassword(password, hash);
      running -= 1;
      return ok;
    });
    expect(await check('nobody', 'wrong')).toBeNull();
    expect(started.splice(0)).toEqual(['16384']);
    expect(await check('new-bo', 'wrong')).toBeNull();
    expect(started.splice(0)).toEqual(['16384']);
    // The weaker hash, and beside it the strongest: as slow as anyone, not slower.
    expect(await check('old-ann', 'wrong')).toBeNull();
    expect(started.splice(0).sort()).toEqual(['1024', '16384']);
    expect(overlapped).toBe(true);
    expect(await check('old-ann', 'pw-old')).not.toBeNull();
  });
});
