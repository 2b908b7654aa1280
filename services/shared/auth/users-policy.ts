// Production check of a users file: refuses the repository's demo users (the file itself, a copy
// of its hashes, or a demo username whose password is still the published "demo1234"). Returns
// problems for ConfigError; passwords and hashes never appear in them. `loadServiceUsers` applies
// it where a service loads its users file. I/O: reads the users file and the demo file when it is
// present (a checkout; the image does not ship it: its hashes are also in demo-hashes.ts) and runs scrypt a bounded number of times.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { ConfigError } from '../config.ts';
import type { RunMode } from '../run-mode.ts';
import { DEMO_PASSWORD_HASHES } from './demo-hashes.ts';
import { loadUsers } from './users.ts';
import { DEMO_USERS_FILE, parseUsers, verifyPassword, type DemoUser } from './users.ts';

/** The password every demo user has (config/demo-users.json's note says so: it is public). */
export const DEMO_PASSWORD = 'demo1234';
/** Usernames of the demo file; checked by password so a renamed copy of the file is caught too. */
const DEMO_USERNAMES = new Set([
  'admin',
  'supervisor',
  'lead-billing',
  'qa',
  'agent-1',
  'agent-2',
  'agent-3',
  'agent-4',
]);

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** The demo hashes known to the code (the image has no demo file), and the file's when present. */
export function demoHashes(demoFile = DEMO_USERS_FILE): Set<string> {
  const known = new Set(DEMO_PASSWORD_HASHES);
  if (!existsSync(demoFile)) return known;
  try {
    const demo = parseUsers(JSON.parse(readFileSync(demoFile, 'utf8')));
    for (const user of demo.values()) known.add(user.passwordHash);
  } catch {
    // An unreadable demo file adds nothing; the hashes in the code still count.
  }
  return known;
}

export async function productionUsersProblems(
  variable: string,
  path: string,
  users: Map<string, DemoUser>,
): Promise<string[]> {
  if (sameFile(path, DEMO_USERS_FILE))
    return [`${variable}: names the demo users file (config/demo-users.json); use your own users file`];
  const problems: string[] = [];
  const known = demoHashes();
  for (const user of users.values()) {
    if (known.has(user.passwordHash)) {
      problems.push(`${variable}: user "${user.username}" has a demo password hash`);
    } else if (
      DEMO_USERNAMES.has(user.username) &&
      (await verifyPassword(DEMO_PASSWORD, user.passwordHash))
    ) {
      problems.push(`${variable}: user "${user.username}" still has the public demo password`);
    }
  }
  return problems;
}

/**
 * A login endpoint's users file (named by `variable`): in production a file that does not load or
 * holds demo users is a ConfigError (CONFIG_INVALID: the service exits 2 before touching Kafka).
 */
export async function loadServiceUsers(
  variable: string,
  path: string,
  runMode: RunMode,
): Promise<Map<string, DemoUser>> {
  if (runMode !== 'production') return loadUsers(path);
  let users: Map<string, DemoUser>;
  try {
    users = loadUsers(path);
  } catch (error) {
    throw new ConfigError([`${variable}: ${(error as Error).message}`]);
  }
  const problems = await productionUsersProblems(variable, path, users);
  if (problems.length > 0) throw new ConfigError(problems);
  return users;
}
