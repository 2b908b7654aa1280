// Demo sign-in for the review page: POST /auth/login checks a username/password against the alert
// service's demo users file (the same scrypt hashes) and returns a token for the QA API. Dev only,
// like the file itself. I/O: reads the users file once.
import { z } from 'zod';
import { loadUsers, verifyPassword } from '../../alert-service/users.ts';
import { StoreError, issueLines } from '../errors.ts';
import { issueToken, type QaPrincipal, type TokenOptions } from './auth.ts';

export type LoginCheck = (username: string, password: string) => Promise<QaPrincipal | null>;

const body = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }).strict();

export function demoUsersLogin(usersFile: string): LoginCheck {
  const users = loadUsers(usersFile);
  return async (username, password) => {
    const user = users.get(username);
    // Hash anyway for unknown users, so timing does not tell which usernames exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? [...users.values()][0].passwordHash);
    if (!user || !ok) return null;
    const p = user.principal;
    return { userId: p.userId, role: p.role, tenant: p.tenant, agentId: p.agentId, teams: p.teams };
  };
}

export async function login(check: LoginCheck, tokens: TokenOptions, input: unknown, ttlS = 8 * 3600) {
  const parsed = body.safeParse(input);
  if (!parsed.success) throw new StoreError('INVALID_BODY', 'invalid login', issueLines(parsed.error.issues));
  const principal = await check(parsed.data.username, parsed.data.password);
  if (!principal) throw new StoreError('UNAUTHENTICATED', 'wrong username or password');
  return {
    token: await issueToken(tokens, principal, ttlS),
    role: principal.role,
    tenant: principal.tenant,
    expiresInS: ttlS,
  };
}
