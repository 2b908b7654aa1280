// What the call store checks before it touches Kafka or the database: its configuration and, for
// the login endpoint, the users file (in production: present and without demo users). A problem
// is a ConfigError (CONFIG_INVALID); main.ts prints it and exits 2. I/O: reads the users file.
import { existsSync } from 'node:fs';
import { productionUsersProblems } from '../alert-service/users-policy.ts';
import { loadUsers } from '../alert-service/users.ts';
import { ConfigError } from '../shared/config.ts';
import { loadCallStoreConfig, type CallStoreConfig } from './config.ts';
import { demoUsersLogin, type LoginCheck } from './http/login.ts';

export interface CallStoreStartup {
  config: CallStoreConfig;
  /** The login check of POST /auth/login; undefined = no login endpoint. */
  login: LoginCheck | undefined;
}

export async function loadCallStoreStartup(
  env: Record<string, string | undefined> = process.env,
): Promise<CallStoreStartup> {
  const config = loadCallStoreConfig(env);
  const file = config.STORE_USERS_FILE;
  if (config.runMode !== 'production') {
    return { config, login: file && existsSync(file) ? demoUsersLogin(file) : undefined };
  }
  if (!file) return { config, login: undefined };
  let users;
  try {
    users = loadUsers(file);
  } catch (error) {
    throw new ConfigError([`STORE_USERS_FILE: ${(error as Error).message}`]);
  }
  const problems = await productionUsersProblems('STORE_USERS_FILE', file, users);
  if (problems.length > 0) throw new ConfigError(problems);
  return { config, login: demoUsersLogin(file) };
}
