// What the call store checks before it touches Kafka or the database: its configuration and, for
// the login endpoint, the users file (in production: present and without demo users). A problem
// is a ConfigError (CONFIG_INVALID); main.ts prints it and exits 2. I/O: reads the users file.
import { existsSync } from 'node:fs';
import { passwordCheck, type PasswordCheck } from '../shared/auth/password-login.ts';
import { loadServiceUsers } from '../shared/auth/users-policy.ts';
import { teamsOfAgents } from '../shared/auth/users.ts';
import { loadCallStoreConfig, type CallStoreConfig } from './config.ts';

export interface CallStoreStartup {
  config: CallStoreConfig;
  /** The login check of POST /auth/login; undefined = no login endpoint. */
  login: PasswordCheck | undefined;
  /**
   * The team of each agent of the users file (tenant/agent → first team), for calls started without
   * one: the wallboard files such a call under it (alert service), so its team supervisor saw it
   * live and then got 404 for it here.
   */
  teamOfAgent: ReadonlyMap<string, string>;
}

export async function loadCallStoreStartup(
  env: Record<string, string | undefined> = process.env,
): Promise<CallStoreStartup> {
  const config = loadCallStoreConfig(env);
  const file = config.STORE_USERS_FILE;
  // Without a file there is no login endpoint; in development a missing file is no error either.
  if (!file || (config.runMode !== 'production' && !existsSync(file)))
    return { config, login: undefined, teamOfAgent: new Map() };
  const users = await loadServiceUsers('STORE_USERS_FILE', file, config.runMode);
  return { config, login: passwordCheck(users), teamOfAgent: teamsOfAgents(users) };
}
