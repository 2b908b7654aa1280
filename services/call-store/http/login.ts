// Sign-in for the review page: POST /auth/login checks a username/password against the users file
// (STORE_USERS_FILE, the same file and scrypt hashes as the alert service's login, through
// services/shared/auth) and returns a token for the QA API. I/O: reads the users file once.
import { z } from 'zod';
import type { LoginLimiter } from '../../shared/auth/login-limiter.ts';
import { attemptLogin, passwordCheck, type PasswordCheck } from '../../shared/auth/password-login.ts';
import { issueToken, type TokenOptions } from '../../shared/auth/tokens.ts';
import { loadUsers } from '../../shared/auth/users.ts';
import { StoreError, issueLines } from '../errors.ts';

const body = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }).strict();

/** The password check of the development demo users (tests, the demo). */
export function demoUsersLogin(usersFile: string): PasswordCheck {
  return passwordCheck(loadUsers(usersFile));
}

/** The login's throttling: the shared limiter and the client's address (login-limiter.ts). */
export interface LoginThrottle {
  limiter: LoginLimiter;
  address: string;
}

export async function login(
  check: PasswordCheck,
  tokens: TokenOptions,
  input: unknown,
  throttle: LoginThrottle,
  ttlS = tokens.tokenTtlS ?? 8 * 3600,
) {
  const parsed = body.safeParse(input);
  if (!parsed.success) throw new StoreError('INVALID_BODY', 'invalid login', issueLines(parsed.error.issues));
  const outcome = await attemptLogin(check, throttle.limiter, { ...parsed.data, address: throttle.address });
  if (outcome.kind === 'rate_limited') {
    const { retryAfterMs, limitedBy } = outcome;
    const message = `too many failed logins for this ${limitedBy}, try again later`;
    throw new StoreError('RATE_LIMITED', message, [], { retryAfterMs });
  }
  if (outcome.kind === 'denied') throw new StoreError('UNAUTHENTICATED', 'wrong username or password');
  const { principal } = outcome.user;
  return {
    token: await issueToken(tokens, principal, ttlS),
    role: principal.role,
    tenant: principal.tenant,
    expiresInS: ttlS,
  };
}
