// A production users file may not carry the demo users — the file itself,
// a copy of its hashes, or a demo username re-hashed with the public password "demo1234".
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEMO_PASSWORD,
  demoHashes,
  productionUsersProblems,
} from '../../../../../services/shared/auth/users-policy.ts';
import { DEMO_PASSWORD_HASHES } from '../../../../../services/shared/auth/demo-hashes.ts';
import { DEMO_USERS_FILE, hashPassword, parseUsers } from '../../../../../services/shared/auth/users.ts';
import { usersFileAdmin } from '../../../../support/users-file.ts';

const user = usersFileAdmin;

describe('production users policy', () => {
  it('refuses the demo file and copies of its hashes', async () => {
    const demo = parseUsers(JSON.parse(readFileSync(DEMO_USERS_FILE, 'utf8')));
    expect(await productionUsersProblems('U', DEMO_USERS_FILE, demo)).toEqual([
      'U: names the demo users file (config/demo-users.json); use your own users file',
    ]);
    expect((await productionUsersProblems('U', '/elsewhere.json', demo)).length).toBe(demo.size);
  });

  it('refuses a demo username re-hashed with the demo password, accepts real passwords', async () => {
    const users = parseUsers({
      users: [
        user('admin', await hashPassword(DEMO_PASSWORD)),
        user('ops', await hashPassword('x7!Qp9#long-real')),
      ],
    });
    expect(await productionUsersProblems('U', '/etc/users.json', users)).toEqual([
      'U: user "admin" still has the public demo password',
    ]);
  });

  it('knows the demo hashes without the demo file (the container image does not ship it)', () => {
    const demo = parseUsers(JSON.parse(readFileSync(DEMO_USERS_FILE, 'utf8')));
    const fileHashes = new Set([...demo.values()].map((u) => u.passwordHash));
    expect(new Set(DEMO_PASSWORD_HASHES)).toEqual(fileHashes);
    expect(demoHashes('/nonexistent/demo-users.json')).toEqual(fileHashes);
  });
});
