// Over real sockets: both login endpoints throttle failed logins per account
// with the shared limiter. Many wrong passwords for one user from many addresses (behind a trusted
// proxy, named by X-Forwarded-For) lock that account with 429 and Retry-After, even for the right
// password, while another user still signs in.
import { afterAll, describe, expect, it } from 'vitest';
import { demoUsersLogin } from '../../../services/call-store/http/login.ts';
import { startQaServer, type QaServer } from '../../../services/call-store/http/server.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { DEFAULT_LOGIN_LIMITS } from '../../../services/shared/auth/login-limiter.ts';
import { startHarness } from '../alerts/harness.ts';

async function post(url: string, username: string, password: string, forwardedFor: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ username, password }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

/** Spends the account's free failures and one more, each from its own address. */
async function attack(url: string, username: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i <= DEFAULT_LOGIN_LIMITS.accountFreeFailures; i += 1) {
    statuses.push((await post(url, username, `guess-${i}`, `198.51.100.${i + 1}`)).status);
  }
  return statuses;
}

describe('alert service login', () => {
  it('locks an account attacked from many addresses, not the others', async () => {
    const h = await startHarness({ LOGIN_TRUSTED_PROXIES: '127.0.0.1,::1,::ffff:127.0.0.1' });
    const url = `${h.baseUrl}/api/login`;
    expect(await attack(url, 'supervisor')).toEqual(
      Array(DEFAULT_LOGIN_LIMITS.accountFreeFailures + 1).fill(401),
    );
    const locked = await post(url, 'supervisor', 'demo1234', '203.0.113.50');
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await post(url, 'agent-1', 'demo1234', '198.51.100.1')).status).toBe(200);
  });
});

describe('call store login', () => {
  let store: CallStore | undefined;
  let server: QaServer | undefined;
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('is limited too', async () => {
    store = await openCallStore({});
    server = await startQaServer({
      store,
      tokens: { secret: new TextEncoder().encode('x'.repeat(32)), issuer: 'va', audience: 'va' },
      port: 0,
      login: demoUsersLogin('config/demo-users.json'),
      trustedProxies: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
    });
    const url = `http://127.0.0.1:${server.port}/auth/login`;
    expect(await attack(url, 'qa')).toEqual(Array(DEFAULT_LOGIN_LIMITS.accountFreeFailures + 1).fill(401));
    const locked = await post(url, 'qa', 'demo1234', '203.0.113.50');
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await post(url, 'supervisor', 'demo1234', '198.51.100.1')).status).toBe(200);
  });
});
