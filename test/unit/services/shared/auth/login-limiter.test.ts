// Failed logins are throttled per account and per client address with a
// doubling lock-out, one module for both login endpoints; the maps stay bounded whatever the
// number of addresses; a load balancer's X-Forwarded-For names the client only when trusted.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  clientAddress,
  createLoginLimiter,
  DEFAULT_LOGIN_LIMITS,
  loginLimitEnv,
  retryAfterSeconds,
} from '../../../../../services/shared/auth/login-limiter.ts';
import { ConfigError, loadConfig } from '../../../../../services/shared/config.ts';
import { thrownError } from '../../../../support/thrown.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('login limiter', () => {
  it('throttles one account attacked from many addresses, and no other account', () => {
    const time = clock();
    const limiter = createLoginLimiter(DEFAULT_LOGIN_LIMITS, time.now);
    for (let i = 0; i < DEFAULT_LOGIN_LIMITS.accountFreeFailures; i += 1) {
      expect(limiter.check('supervisor', `10.0.0.${i}`).retryAfterMs).toBe(0);
      limiter.failed('supervisor', `10.0.0.${i}`);
    }
    // The free failures are spent: the next one from yet another address locks the account.
    expect(limiter.check('supervisor', '10.0.1.1').retryAfterMs).toBe(0);
    limiter.failed('supervisor', '10.0.1.1');
    const locked = limiter.check('supervisor', '10.9.9.9');
    expect(locked).toEqual({ retryAfterMs: DEFAULT_LOGIN_LIMITS.baseLockMs, limitedBy: 'account' });
    expect(limiter.check('agent-1', '10.0.0.1')).toEqual({ retryAfterMs: 0, limitedBy: null });
  });

  it('doubles the lock-out with each further failure, up to the cap, and forgets old failures', () => {
    const time = clock();
    const limits = { ...DEFAULT_LOGIN_LIMITS, accountFreeFailures: 1, maxLockMs: 8_000 };
    const limiter = createLoginLimiter(limits, time.now);
    const waits: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      limiter.failed('qa', `192.0.2.${i}`);
      const wait = limiter.check('qa', '198.51.100.1').retryAfterMs;
      waits.push(wait);
      time.advance(wait);
    }
    expect(waits).toEqual([0, 1_000, 2_000, 4_000, 8_000, 8_000]);
    time.advance(limits.forgetAfterMs);
    limiter.failed('qa', '192.0.2.99');
    expect(limiter.check('qa', '198.51.100.1').retryAfterMs).toBe(0); // a first failure again
  });

  it('throttles one address that tries many accounts', () => {
    const time = clock();
    const limiter = createLoginLimiter(DEFAULT_LOGIN_LIMITS, time.now);
    for (let i = 0; i <= DEFAULT_LOGIN_LIMITS.addressFreeFailures; i += 1)
      limiter.failed(`user-${i}`, '203.0.113.7');
    expect(limiter.check('someone-new', '203.0.113.7').limitedBy).toBe('address');
    expect(limiter.check('someone-new', '203.0.113.8').retryAfterMs).toBe(0);
  });

  it('clears an account on success', () => {
    const limiter = createLoginLimiter({ ...DEFAULT_LOGIN_LIMITS, accountFreeFailures: 2 });
    limiter.failed('agent-2', 'a');
    limiter.failed('agent-2', 'b');
    limiter.succeeded('agent-2');
    limiter.failed('agent-2', 'c');
    expect(limiter.check('agent-2', 'd').retryAfterMs).toBe(0);
  });

  it('stays bounded under 100 000 distinct addresses and usernames', () => {
    const time = clock();
    const limiter = createLoginLimiter(DEFAULT_LOGIN_LIMITS, time.now);
    for (let i = 0; i < 100_000; i += 1) {
      limiter.failed(`user-${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      if (i % 1000 === 0) time.advance(1);
    }
    const size = limiter.size();
    expect(size.accounts).toBeLessThanOrEqual(DEFAULT_LOGIN_LIMITS.maxEntries);
    expect(size.addresses).toBeLessThanOrEqual(DEFAULT_LOGIN_LIMITS.maxEntries);
    // Aged-out entries are pruned as new failures arrive.
    time.advance(DEFAULT_LOGIN_LIMITS.forgetAfterMs);
    limiter.failed('late', '10.255.255.255');
    expect(limiter.size()).toEqual({ accounts: 1, addresses: 1 });
  });

  it('keeps a lock-out when the map is flooded with made-up usernames', () => {
    const time = clock();
    const limits = { ...DEFAULT_LOGIN_LIMITS, maxEntries: 1000 };
    const limiter = createLoginLimiter(limits, time.now);
    for (let i = 0; i < 8; i += 1) limiter.failed('sam', `192.0.2.${i}`);
    const locked = limiter.check('sam', '198.51.100.1').retryAfterMs;
    expect(locked).toBeGreaterThan(0);
    // Within each address's free failures, from many addresses: it used to push 'sam' out.
    for (let i = 0; i < 20_000; i += 1) limiter.failed(`nobody-${i}`, `2001:db8:${i >> 4}::1`);
    expect(limiter.size().accounts).toBeLessThanOrEqual(1000);
    expect(limiter.check('sam', '198.51.100.1').retryAfterMs).toBe(locked);
  });

  it('takes trusted proxies as addresses or CIDR ranges, and refuses anything else', () => {
    const schema = z.object(loginLimitEnv);
    expect(
      loadConfig(schema, { LOGIN_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7,fd00::/8' }).LOGIN_TRUSTED_PROXIES,
    ).toEqual(['10.0.0.0/8', '192.0.2.7', 'fd00::/8']);
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', 'fd00::/129', 'ingress', '10.0.0.0/8/1', '10.0.0.0/x'])
      expect(
        thrownError(() => loadConfig(schema, { LOGIN_TRUSTED_PROXIES: bad }), ConfigError).problems[0],
      ).toMatch(/^LOGIN_TRUSTED_PROXIES.*: each entry must be an IP address or a CIDR range/);
  });

  it('reads the client from X-Forwarded-For only behind a trusted proxy', () => {
    expect(clientAddress('10.1.1.1', '198.51.100.4', [])).toBe('10.1.1.1');
    expect(clientAddress('10.1.1.1', '198.51.100.4', ['10.1.1.2'])).toBe('10.1.1.1');
    expect(clientAddress('10.1.1.1', '198.51.100.4', ['10.1.1.1'])).toBe('198.51.100.4');
    // The client may prepend anything: the last hop the proxies did not add is the client.
    expect(clientAddress('10.1.1.1', '1.2.3.4, 198.51.100.4, 10.1.1.2', ['10.1.1.1', '10.1.1.2'])).toBe(
      '198.51.100.4',
    );
    expect(clientAddress('10.1.1.1', 'not-an-ip', ['10.1.1.1'])).toBe('10.1.1.1');
    expect(clientAddress(undefined, undefined, [])).toBe('?');
    // An IPv6 client counts by its /64: one subscriber's 2^64 addresses are one address here.
    expect(clientAddress('2001:db8:7:7::1', undefined, [])).toBe('2001:db8:7:7::/64');
    expect(clientAddress('10.1.1.1', '2001:db8:7:7:abcd::9', ['10.1.1.1'])).toBe('2001:db8:7:7::/64');
    expect(clientAddress('::ffff:198.51.100.4', undefined, [])).toBe('198.51.100.4');
    // A trusted IPv4 proxy seen on a dual-stack socket.
    expect(clientAddress('::ffff:10.0.0.5', '203.0.113.9', ['10.0.0.5'])).toBe('203.0.113.9');
    expect(clientAddress('::ffff:10.0.0.5', '203.0.113.9', ['::ffff:10.0.0.5'])).toBe('203.0.113.9');
    // Ranges: an ingress controller's pods change address within the cluster's network.
    expect(clientAddress('10.42.7.19', '203.0.113.9', ['10.0.0.0/8'])).toBe('203.0.113.9');
    expect(clientAddress('::ffff:10.42.7.19', '203.0.113.9', ['10.0.0.0/8'])).toBe('203.0.113.9');
    expect(clientAddress('11.0.0.1', '203.0.113.9', ['10.0.0.0/8'])).toBe('11.0.0.1');
    expect(clientAddress('10.1.1.1', '203.0.113.9, 10.200.0.4', ['10.0.0.0/8'])).toBe('203.0.113.9');
    expect(clientAddress('fd00::17', '203.0.113.9', ['fd00::/8'])).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.5', '203.0.113.9', ['::ffff:10.0.0.5'])).toBe('203.0.113.9');
    expect(retryAfterSeconds(1)).toBe('1');
    expect(retryAfterSeconds(2_001)).toBe('3');
  });
});
