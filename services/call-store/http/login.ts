// Demo sign-in for the review page: POST /auth/login checks a username/password against the alert
// service's demo users file (the same scrypt hashes) and returns a token for the QA API. Dev only,
// like the file itself. I/O: reads the users file once.
import { z } from 'zod';
import { loadUsers, unknownUserHash, verifyPassword } from '../../alert-service/users.ts';
import { StoreError, issueLines } from '../errors.ts';
import type { LoginLimiter } from '../../shared/login-limiter.ts';
import { issueToken, type QaPrincipal, type TokenOptions } from './auth.ts';

export type LoginCheck = (username: string, password: string) => Promise<QaPrincipal | null>;

const body = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }).strict();

export function demoUsersLogin(usersFile: string): LoginCheck {
  const users = loadUsers(usersFile);
  const dummyHash = unknownUserHash(users);
  return async (username, password) => {
    const user = users.get(username);
    // Hash anyway for unknown users, so timing does not tell which usernames exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? dummyHash);
    if (!user || !ok) return null;
    const p = user.principal;
    return { userId: p.userId, role: p.role, tenant: p.tenant, agentId: p.agentId, teams: p.teams };
  };
}

/** The login's throttling: the shared limiter and the client's address (login-limiter.ts). */
export interface LoginThrottle {
  limiter: LoginLimiter;
  address: string;
}

export async function login(
  check: LoginCheck,
  tokens: TokenOptions,
  input: unknown,
  throttle: LoginThrottle,
  ttlS = 8 * 3600,
) {
  const parsed = body.safeParse(input);
  if (!parsed.success) throw new StoreError('INVALID_BODY', 'invalid login', issueLines(parsed.error.issues));
  const { username, password } = parsed.data;
  const verdict = throttle.limiter.check(username, throttle.address);
  if (verdict.retryAfterMs > 0) {
    throw new StoreError(
      'RATE_LIMITED',
      `too many failed logins for this ${verdict.limitedBy}, try again later`,
      [],
      {
        retryAfterMs: verdict.retryAfterMs,
      },
    );
  }
  const principal = await check(username, password);
  if (!principal) {
    throttle.limiter.failed(username, throttle.address);
    throw new StoreError('UNAUTHENTICATED', 'wrong username or password');
  }
  throttle.limiter.succeeded(username);
  return {
    token: await issueToken(tokens, principal, ttlS),
    role: principal.role,
    tenant: principal.tenant,
    expiresInS: ttlS,
  };
}
