// The users file of both login endpoints (ALERT_USERS_FILE, STORE_USERS_FILE): usernames with
// scrypt password hashes (node:crypto), role, tenant, agent id and teams. Loads and validates the
// file, verifies passwords in constant time. I/O: reads the file given to loadUsers; hashing uses
// the libuv thread pool.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CodedError } from '../../../pipelines/errors.ts';
import { ROLES, type Principal } from './roles.ts';
import { TENANT_CLAIM, TENANT_CLAIM_RULE } from './tenant-claim.ts';
import { canonicalName } from '../call-metadata.ts';

/** The repository's demo users (development only; production refuses them: users-policy.ts). */
export const DEMO_USERS_FILE = join(import.meta.dirname, '../../../config/demo-users.json');

export interface DemoUser {
  username: string;
  displayName: string;
  passwordHash: string;
  principal: Principal;
}

/** Parameters a verification may spend (a typo'd N=2^30 would need 1 TiB per login attempt). */
function saneParams(hash: string): boolean {
  const [, n, r, p] = hash.split(':').map(Number);
  return (
    Number.isInteger(Math.log2(n)) && n >= 2 ** 10 && n <= 2 ** 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16
  );
}

const userSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9._-]{1,64}$/),
  displayName: z.string().min(1).max(100),
  passwordHash: z
    .string()
    .regex(/^scrypt:\d+:\d+:\d+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/, 'must be scrypt:N:r:p:salt:hash')
    .refine(saneParams, 'scrypt parameters must be N a power of two from 2^10 to 2^20, r 1-32, p 1-16'),
  role: z.enum(ROLES),
  tenant: z.string().regex(TENANT_CLAIM, TENANT_CLAIM_RULE),
  agentId: z.string().transform(canonicalName).pipe(z.string().min(1).max(64)).optional(),
  /** Required of a supervisor (`[]`: the whole tenant), so a forgotten line never widens access. */
  teams: z.array(z.string().transform(canonicalName).pipe(z.string().min(1).max(64))).optional(),
});
const fileSchema = z.strictObject({ note: z.string().optional(), users: z.array(userSchema).min(1) });

export class UsersFileError extends CodedError<'USERS_FILE_INVALID'> {
  constructor(message: string) {
    super('USERS_FILE_INVALID', message);
  }
}

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * Parameters of new hashes: OWASP's scrypt minimum (N=2^17, r=8, p=1: 128 MiB and ~0.3 s per hash).
 * Each hash string carries its own parameters, so older hashes (N=2^14) still verify.
 */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;

/** The work a hash's parameters ask for (scrypt's time grows with N·r·p). */
export function hashCost(hash: string): number {
  const [, n, r, p] = hash.split(':').map(Number);
  return n * r * p;
}

/**
 * Verified instead when the username is unknown: the strongest parameters of the file's users
 * (else of new hashes), so the answer takes as long as for the slowest real user; a user with a
 * weaker (older) hash is checked against this too (password-login.ts), so timing tells neither
 * which usernames exist nor which have old hashes. Nobody knows a password for it.
 */
export function unknownUserHash(users: Map<string, DemoUser>): string {
  let strongest: string[] | undefined;
  for (const user of users.values())
    if (!strongest || hashCost(user.passwordHash) > hashCost(strongest.join(':')))
      strongest = user.passwordHash.split(':');
  const [n, r, p] = strongest ? strongest.slice(1, 4) : [SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p];
  return `scrypt:${n}:${r}:${p}:${Buffer.alloc(16).toString('base64')}:${Buffer.alloc(32).toString('base64')}`;
}

/** scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is below N=2^17's 128 MiB. */
function paramsOf(N: number, r: number, p: number): ScryptOptions {
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

export async function hashPassword(
  password: string,
  N: number = SCRYPT_PARAMS.N,
  r: number = SCRYPT_PARAMS.r,
  p: number = SCRYPT_PARAMS.p,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, paramsOf(N, r, p));
  return `scrypt:${N}:${r}:${p}:${salt.toString('base64')}:${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = stored.split(':');
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(
    password,
    Buffer.from(salt, 'base64'),
    expected.length,
    paramsOf(Number(n), Number(r), Number(p)),
  );
  return timingSafeEqual(key, expected);
}

export function parseUsers(raw: unknown): Map<string, DemoUser> {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsersFileError(`users file field ${issue.path.join('.')}: ${issue.message}`);
  }
  const users = new Map<string, DemoUser>();
  for (const u of parsed.data.users) {
    if (users.has(u.username)) throw new UsersFileError(`users file: duplicate username "${u.username}"`);
    if (u.role === 'agent' && !u.agentId)
      throw new UsersFileError(`users file: agent "${u.username}" needs an agentId`);
    if (u.role === 'supervisor' && u.teams === undefined)
      throw new UsersFileError(
        `users file: supervisor "${u.username}" needs "teams": its teams, or [] for the whole tenant`,
      );
    if (u.tenant === '*' && u.role !== 'admin')
      throw new UsersFileError(
        `users file: "${u.username}" has tenant * (every tenant), which only an admin may`,
      );
    users.set(u.username, {
      username: u.username,
      displayName: u.displayName,
      passwordHash: u.passwordHash,
      principal: {
        userId: u.username,
        role: u.role,
        tenant: u.tenant,
        agentId: u.agentId ?? null,
        teams: u.teams ?? [],
      },
    });
  }
  return users;
}

export function loadUsers(path: string): Map<string, DemoUser> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsersFileError(`users file ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text around the error: part of a password hash. The line only.
    throw new UsersFileError(`users file ${path}: not valid JSON${jsonErrorLine(text, error as Error)}`);
  }
  return parseUsers(raw);
}

/** " (line N)" where V8 says the parse stopped (it names a position or a line), else "". */
function jsonErrorLine(text: string, error: Error): string {
  const line = /line (\d+)/.exec(error.message)?.[1];
  if (line) return ` (line ${line})`;
  const position = /position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return '';
  return ` (line ${text.slice(0, Number(position)).split('\n').length})`;
}

/** Agent id -> team, from the agent users (used when a call record carries no team). */
/** Key of an agent's team: agent ids are a tenant's own, so two tenants may both have "agent-1". */
export const agentTeamKey = (tenant: string, agentId: string): string => `${tenant}\u0000${agentId}`;

/** Each agent's (first) team, by agentTeamKey. */
export function teamsOfAgents(users: Map<string, DemoUser>): Map<string, string> {
  const map = new Map<string, string>();
  for (const u of users.values()) {
    const { agentId, teams, tenant } = u.principal;
    if (agentId && teams[0]) map.set(agentTeamKey(tenant, agentId), teams[0]);
  }
  return map;
}
