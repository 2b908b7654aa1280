// One sign-in attempt with a username and password, the same at both login endpoints (the alert
// service's /api/login, the call store's /auth/login): the failed-login limiter is asked first
// (and holds the attempt as in progress, so concurrent guesses count), then the password is
// checked against the users file, and the outcome is counted. Each endpoint
// turns the outcome into its own HTTP answer. I/O: scrypt on the libuv thread pool.
import type { LoginLimiter } from './login-limiter.ts';
import { hashCost, unknownUserHash, verifyPassword, type DemoUser } from './users.ts';

/** The user whose password this is, or null (unknown username or wrong password). */
export type PasswordCheck = (username: string, password: string) => Promise<DemoUser | null>;

/** `verify`: verifyPassword (tests watch which hashes are checked, and when). */
export function passwordCheck(users: Map<string, DemoUser>, verify = verifyPassword): PasswordCheck {
  const dummyHash = unknownUserHash(users);
  const dummyCost = hashCost(dummyHash);
  const check = (password: string, hash: string) => verify(password, hash).catch(() => false);
  return async (username, password) => {
    const user = users.get(username);
    // Verify against a hash nobody knows when the user is unknown: same time, same answer.
    if (!user) {
      await check(password, dummyHash);
      return null;
    }
    // A weaker (older) hash answered 10× sooner than an unknown user: it named its user. Checked
    // beside the strongest, at once (one after the other it answered later than anyone else).
    const [ok] = await Promise.all([
      check(password, user.passwordHash),
      hashCost(user.passwordHash) < dummyCost ? check(password, dummyHash) : undefined,
    ]);
    return ok ? user : null;
  };
}

export type LoginOutcome =
  | { kind: 'ok'; user: DemoUser }
  | { kind: 'denied' }
  /** Refused before the password was checked; retry after this long. */
  | { kind: 'rate_limited'; retryAfterMs: number; limitedBy: 'account' | 'address' };

export async function attemptLogin(
  check: PasswordCheck,
  limiter: LoginLimiter,
  attempt: { username: string; password: string; address: string },
): Promise<LoginOutcome> {
  const { password, address } = attempt;
  // Usernames are lower case (users.ts): "Supervisor", as a phone's keyboard capitalises it, is
  // the same account, for the check and for the limiter alike (it was refused as unknown).
  const username = attempt.username.toLowerCase();
  const verdict = limiter.begin(username, address);
  if (verdict.retryAfterMs > 0 && verdict.limitedBy !== null) {
    return { kind: 'rate_limited', retryAfterMs: verdict.retryAfterMs, limitedBy: verdict.limitedBy };
  }
  const user = await check(username, password).catch(() => null);
  if (!user) {
    limiter.failed(username, address);
    return { kind: 'denied' };
  }
  limiter.succeeded(username, address);
  return { kind: 'ok', user };
}
