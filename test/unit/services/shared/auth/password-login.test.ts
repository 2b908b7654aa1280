// One sign-in attempt, as both login endpoints run it: a locked account or address is refused
// before any password is checked, a wrong password (or unknown user) counts against both, and a
// success clears the account's count. The users are a real users file with real scrypt hashes
// (N=2^10 to keep the test fast).
import { describe, expect, it } from 'vitest';
import {
  createLoginLimiter,
  DEFAULT_LOGIN_LIMITS,
} from '../../../../../services/shared/auth/login-limiter.ts';
import {
  attemptLogin,
  passwordCheck,
  type PasswordCheck,
} from '../../../../../services/shared/auth/password-login.ts';
import { hashPassword, parseUsers } from '../../../../../services/shared/auth/users.ts';

async function users() {
  return parseUsers({
    users: [
      {
        username: 'lead',
        displayName: 'Team lead',
        passwordHash: await hashPassword('right-password', 2 ** 10),
        role: 'supervisor',
        tenant: 'acme',
        teams: ['billing'],
      },
    ],
  });
}

/** The real check, counting how often a password was actually verified. */
function counted(check: PasswordCheck) {
  const counter = { calls: 0 };
  const wrapped: PasswordCheck = (username, password) => {
    counter.calls += 1;
    return check(username, password);
  };
  return { counter, check: wrapped };
}

describe('password login', () => {
  it('signs in with the right password and returns the principal of the users file', async () => {
    const limiter = createLoginLimiter();
    const outcome = await attemptLogin(passwordCheck(await users()), limiter, {
      username: 'lead',
      password: 'right-password',
      address: '192.0.2.1',
    });
    expect(outcome).toMatchObject({
      kind: 'ok',
      user: {
        principal: { userId: 'lead', role: 'supervisor', tenant: 'acme', agentId: null, teams: ['billing'] },
      },
    });
  });

  it('takes a username in capitals as its account, for the check and the limiter alike', async () => {
    const check = passwordCheck(await users());
    const limiter = createLoginLimiter({ ...DEFAULT_LOGIN_LIMITS, accountFreeFailures: 1 });
    const attempt = (username: string, password: string) =>
      attemptLogin(check, limiter, { username, password, address: '192.0.2.3' });
    expect(await attempt('Lead', 'right-password')).toMatchObject({ kind: 'ok' });
    // Capitals are not a second account to guess on: LEAD and lead share one lock.
    await attempt('LEAD', 'wrong');
    await attempt('lead', 'wrong');
    expect(await attempt('Lead', 'right-password')).toMatchObject({
      kind: 'rate_limited',
      limitedBy: 'account',
    });
  });

  it('denies a wrong password and an unknown user alike', async () => {
    const check = passwordCheck(await users());
    const limiter = createLoginLimiter();
    const attempt = (username: string) =>
      attemptLogin(check, limiter, { username, password: 'x', address: '192.0.2.1' });
    expect(await attempt('lead')).toEqual({ kind: 'denied' });
    expect(await attempt('nobody')).toEqual({ kind: 'denied' });
    expect(limiter.size()).toEqual({ accounts: 2, addresses: 1 });
  });

  it('refuses a locked account before checking its password, even the right one', async () => {
    const { counter, check } = counted(passwordCheck(await users()));
    const limiter = createLoginLimiter({ ...DEFAULT_LOGIN_LIMITS, accountFreeFailures: 1 });
    const attempt = (password: string) =>
      attemptLogin(check, limiter, { username: 'lead', password, address: '192.0.2.7' });
    expect(await attempt('wrong')).toEqual({ kind: 'denied' });
    expect(await attempt('wrong')).toEqual({ kind: 'denied' });
    const locked = await attempt('right-password');
    expect(locked).toMatchObject({ kind: 'rate_limited', limitedBy: 'account' });
    expect(locked.kind === 'rate_limited' && locked.retryAfterMs).toBeGreaterThan(0);
    expect(counter.calls).toBe(2);
  });

  it('clears the account after a success', async () => {
    const check = passwordCheck(await users());
    const limiter = createLoginLimiter();
    await attemptLogin(check, limiter, { username: 'lead', password: 'wrong', address: '192.0.2.9' });
    expect(limiter.size().accounts).toBe(1);
    await attemptLogin(check, limiter, {
      username: 'lead',
      password: 'right-password',
      address: '192.0.2.9',
    });
    expect(limiter.size().accounts).toBe(0);
  });

  it('counts guesses sent at once: no more passwords are checked than the free failures', async () => {
    const { counter, check } = counted(passwordCheck(await users()));
    const limiter = createLoginLimiter();
    const attempt = (password: string) =>
      attemptLogin(check, limiter, { username: 'lead', password, address: '192.0.2.20' });
    const burst = await Promise.all([
      ...Array.from({ length: 60 }, (_, i) => attempt(`guess-${i}`)),
      attempt('right-password'),
    ]);
    expect(counter.calls).toBe(DEFAULT_LOGIN_LIMITS.accountFreeFailures);
    expect(burst.at(-1)).toMatchObject({ kind: 'rate_limited', limitedBy: 'account' });
    expect(burst.filter((o) => o.kind === 'denied')).toHaveLength(DEFAULT_LOGIN_LIMITS.accountFreeFailures);
  });

  it('counts unknown usernames sent at once from one address against the address', async () => {
    const { counter, check } = counted(passwordCheck(await users()));
    const limiter = createLoginLimiter();
    const burst = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        attemptLogin(check, limiter, { username: `nobody-${i}`, password: 'x', address: '192.0.2.21' }),
      ),
    );
    expect(counter.calls).toBe(DEFAULT_LOGIN_LIMITS.addressFreeFailures);
    expect(burst.filter((o) => o.kind === 'rate_limited' && o.limitedBy === 'address')).toHaveLength(
      100 - DEFAULT_LOGIN_LIMITS.addressFreeFailures,
    );
    // Another address is not held up by them, and the attempts in progress were all ended.
    const other = await attemptLogin(check, limiter, {
      username: 'lead',
      password: 'right-password',
      address: '192.0.2.22',
    });
    expect(other.kind).toBe('ok');
  });

  it('lets one attempt at a time through once the free failures are used up', async () => {
    let now = 0;
    const limiter = createLoginLimiter(DEFAULT_LOGIN_LIMITS, () => now);
    for (let i = 0; i < DEFAULT_LOGIN_LIMITS.accountFreeFailures; i++) {
      expect(limiter.begin('lead', 'a').limitedBy).toBeNull();
      limiter.failed('lead', 'a');
    }
    expect(limiter.begin('lead', 'a').limitedBy).toBeNull();
    expect(limiter.begin('lead', 'b')).toEqual({
      retryAfterMs: DEFAULT_LOGIN_LIMITS.baseLockMs,
      limitedBy: 'account',
    });
    limiter.failed('lead', 'a');
    expect(limiter.begin('lead', 'b').limitedBy).toBe('account'); // now locked
    now += DEFAULT_LOGIN_LIMITS.baseLockMs;
    expect(limiter.begin('lead', 'b').limitedBy).toBeNull();
  });
});
