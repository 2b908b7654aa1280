// Failed logins shared between instances (login-failure-feed.ts): other instances' failures count
// in the same entries as local ones, at their own time (a replayed failure does not start a lock-out
// now, an expired one counts not at all), without ending attempts in progress here; the keys are
// keyed digests that name neither the user nor the address; the record refuses anything else.
import { describe, expect, it } from 'vitest';
import {
  digestKeyedLimiter,
  type EndedAttempt,
} from '../../../../../services/shared/auth/digest-login-limiter.ts';
import {
  digestKeyId,
  loginDigestKey,
  loginDigests,
} from '../../../../../services/shared/auth/login-digest.ts';
import { digestsUnder } from '../../../../../services/shared/auth/login-failure-feed.ts';
import {
  createLoginLimiter,
  DEFAULT_LOGIN_LIMITS,
  loginLimitsOf,
} from '../../../../../services/shared/auth/login-limiter.ts';
import { loginAttemptCodec, type LoginAttempt } from '../../../../../services/shared/records.ts';
import { DEFAULT_TOPIC_SETTINGS, TOPICS, topicConfigs } from '../../../../../services/shared/topics.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const FREE = DEFAULT_LOGIN_LIMITS.accountFreeFailures;

function clock(start = 10_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function sharedLimiter(time = clock()) {
  const digests = loginDigests(loginDigestKey(SECRET));
  const ended: EndedAttempt[] = [];
  const inner = createLoginLimiter(DEFAULT_LOGIN_LIMITS, time.now);
  const limiter = digestKeyedLimiter(inner, digests, (attempt) => ended.push(attempt));
  return { limiter, digests, ended, time };
}

describe('shared login limits: what sharing does not bound (SECURITY.md Known gaps)', () => {
  /** Instances wired as the topic wires them, at once (zero latency: the best case). */
  function instances(secrets: string[]) {
    const inners = secrets.map(() => createLoginLimiter(DEFAULT_LOGIN_LIMITS));
    return secrets.map((secret, i) =>
      digestKeyedLimiter(inners[i], loginDigests(loginDigestKey(secret)), (attempt) => {
        for (const [j, other] of inners.entries()) {
          if (j === i) continue;
          if (attempt.outcome === 'failed')
            other.failedElsewhere(attempt.accountDigest, attempt.addressDigest, Date.now());
          else other.succeededElsewhere(attempt.accountDigest);
        }
      }),
    );
  }

  it('a burst of concurrent guesses gets the free failures at each instance, not once', () => {
    const all = instances([SECRET, SECRET, SECRET]);
    const begun: [number, string][] = [];
    for (let i = 0; i < 30; i += 1) {
      const address = `198.51.100.${i}`;
      if (all[i % 3].begin('supervisor', address).limitedBy === null) begun.push([i % 3, address]);
    }
    for (const [at, address] of begun) all[at].failed('supervisor', address);
    expect(begun).toHaveLength(3 * FREE);
    for (const limiter of all) expect(limiter.check('supervisor', '203.0.113.1').limitedBy).toBe('account');
  });

  it('instances on either side of a JWT_SECRET rotation count together: each attempt is written under both keys', () => {
    const [oldSecret, newSecret] = [SECRET, SECRET.replace('0123', '4567')];
    // Step 2 of "Rotating secrets" rolling out: one instance not yet swapped, one swapped.
    const sides = [
      { secret: oldSecret, previous: newSecret },
      { secret: newSecret, previous: oldSecret },
    ].map(({ secret, previous }) => {
      const key = loginDigestKey(secret);
      const otherKey = loginDigestKey(previous);
      return { inner: createLoginLimiter(DEFAULT_LOGIN_LIMITS), key, keyId: digestKeyId(key), otherKey };
    });
    const limiters = sides.map((side, i) =>
      digestKeyedLimiter(
        side.inner,
        loginDigests(side.key),
        (ended) => {
          // What the feed writes, and what the other side reads from it.
          const attempt: LoginAttempt = {
            ...ended,
            attemptId: `a-${Math.random()}`,
            attemptedAtMs: Date.now(),
            writerId: `w${i}`,
            keyId: side.keyId,
            otherKeyId: digestKeyId(side.otherKey),
          };
          const reader = sides[1 - i];
          const mine = digestsUnder(attempt, reader.keyId);
          expect(mine).not.toBe(null);
          if (attempt.outcome === 'failed')
            reader.inner.failedElsewhere(mine!.accountDigest, mine!.addressDigest, attempt.attemptedAtMs);
        },
        loginDigests(side.otherKey),
      ),
    );
    let checked = 0;
    for (let i = 0; i < 40; i += 1) {
      const limiter = limiters[i % 2];
      const address = `198.51.100.${i}`;
      if (limiter.begin('supervisor', address).limitedBy !== null) continue;
      checked += 1;
      limiter.failed('supervisor', address);
    }
    expect(checked).toBe(FREE + 1);
  });

  it('a record under a key the reader does not hold is not applied; one written before key ids is', () => {
    const base = { attemptId: 'a', outcome: 'failed' as const, attemptedAtMs: 1, writerId: 'w' };
    const digests = { accountDigest: 'a'.repeat(64), addressDigest: 'b'.repeat(64) };
    const other = { otherAccountDigest: 'c'.repeat(64), otherAddressDigest: 'd'.repeat(64) };
    expect(digestsUnder({ ...base, ...digests, ...other, keyId: 'k1', otherKeyId: 'k2' }, 'k2')).toEqual({
      accountDigest: 'c'.repeat(64),
      addressDigest: 'd'.repeat(64),
    });
    expect(digestsUnder({ ...base, ...digests, ...other, keyId: 'k1', otherKeyId: 'k2' }, 'k3')).toBe(null);
    expect(digestsUnder({ ...base, ...digests, ...other, keyId: '', otherKeyId: '' }, 'k3')).toEqual(digests);
  });
});

describe('shared login limits', () => {
  it('counts failures of other instances with local ones: the shared allowance, not one each', () => {
    const { limiter, digests, time } = sharedLimiter();
    const account = digests.account('supervisor');
    for (let i = 0; i < FREE - 1; i += 1)
      limiter.failedElsewhere(account, digests.address(`10.0.0.${i}`), time.now());
    limiter.failed('supervisor', '10.1.1.1');
    expect(limiter.check('supervisor', '10.2.2.2').retryAfterMs).toBe(0);
    limiter.failedElsewhere(account, digests.address('10.3.3.3'), time.now());
    expect(limiter.check('supervisor', '10.2.2.2')).toEqual({
      retryAfterMs: DEFAULT_LOGIN_LIMITS.baseLockMs,
      limitedBy: 'account',
    });
  });

  it('tells each attempt that ends here by digests only', () => {
    const { limiter, digests, ended } = sharedLimiter();
    limiter.begin('qa', '203.0.113.9');
    limiter.failed('qa', '203.0.113.9');
    limiter.begin('qa', '203.0.113.9');
    limiter.succeeded('qa', '203.0.113.9');
    expect(ended).toEqual([
      {
        outcome: 'failed',
        accountDigest: digests.account('qa'),
        addressDigest: digests.address('203.0.113.9'),
        otherAccountDigest: '',
        otherAddressDigest: '',
      },
      {
        outcome: 'succeeded',
        accountDigest: digests.account('qa'),
        addressDigest: '',
        otherAccountDigest: '',
        otherAddressDigest: '',
      },
    ]);
    expect(JSON.stringify(ended)).not.toMatch(/qa|203\.0\.113/);
  });

  it('counts a replayed failure at its own time: an old lock-out is not started again now', () => {
    const { limiter, digests, time } = sharedLimiter();
    const account = digests.account('supervisor');
    const fiftyMinutesAgo = time.now() - 50 * 60_000;
    for (let i = 0; i <= FREE + 3; i += 1) {
      limiter.failedElsewhere(account, digests.address(`10.0.0.${i}`), fiftyMinutesAgo + i);
    }
    // Its lock-out (8 s) ended 50 minutes ago ...
    expect(limiter.check('supervisor', '10.9.9.9').retryAfterMs).toBe(0);
    // ... but the failures still count: the next one locks for 16 s, not 1 s.
    limiter.failed('supervisor', '10.9.9.9');
    expect(limiter.check('supervisor', '10.9.9.9').retryAfterMs).toBe(16 * DEFAULT_LOGIN_LIMITS.baseLockMs);
  });

  it('ignores failures older than the forget window, and takes no time from the future', () => {
    const { limiter, digests, time } = sharedLimiter();
    const account = digests.account('supervisor');
    const address = digests.address('10.0.0.1');
    const old = time.now() - DEFAULT_LOGIN_LIMITS.forgetAfterMs;
    for (let i = 0; i < 50; i += 1) limiter.failedElsewhere(account, address, old);
    expect(limiter.size()).toEqual({ accounts: 0, addresses: 0 });
    // A writer's clock a day ahead: counted as now, its lock-out not a day long.
    for (let i = 0; i <= FREE; i += 1) limiter.failedElsewhere(account, address, time.now() + 86_400_000);
    expect(limiter.check('supervisor', '10.0.0.1').retryAfterMs).toBe(DEFAULT_LOGIN_LIMITS.baseLockMs);
  });

  it('a success elsewhere clears the account but not an attempt in progress here', () => {
    const time = clock();
    const limits = { ...DEFAULT_LOGIN_LIMITS, accountFreeFailures: 2 };
    const limiter = createLoginLimiter(limits, time.now);
    limiter.failed('acct', 'addr-0');
    limiter.failed('acct', 'addr-1');
    limiter.failed('acct', 'addr-2');
    expect(limiter.check('acct', 'addr-9').limitedBy).toBe('account');
    limiter.succeededElsewhere('acct');
    expect(limiter.check('acct', 'addr-9').limitedBy).toBe(null);
    // Two attempts in progress use up the two free failures ...
    expect(limiter.begin('acct', 'addr-3').limitedBy).toBe(null);
    expect(limiter.begin('acct', 'addr-4').limitedBy).toBe(null);
    expect(limiter.begin('acct', 'addr-5').limitedBy).toBe('account');
    // ... and neither a success nor a failure elsewhere ends them.
    limiter.succeededElsewhere('acct');
    limiter.failedElsewhere('acct', 'addr-6', time.now());
    expect(limiter.begin('acct', 'addr-5').limitedBy).toBe('account');
    limiter.failed('acct', 'addr-3');
    limiter.failed('acct', 'addr-4');
    // Three failures (two here, one elsewhere) past two free ones: locked.
    expect(limiter.check('acct', 'addr-7').limitedBy).toBe('account');
  });
});

describe('login digests', () => {
  it('are keyed, per kind, and name neither the user nor the address', () => {
    const digests = loginDigests(loginDigestKey(SECRET));
    expect(digests.account('supervisor')).toBe(loginDigests(loginDigestKey(SECRET)).account('supervisor'));
    expect(digests.account('supervisor')).toMatch(/^[0-9a-f]{64}$/);
    expect(digests.account('x')).not.toBe(digests.address('x'));
    const other = loginDigests(loginDigestKey(SECRET.replace('0123', '4567')));
    expect(other.account('supervisor')).not.toBe(digests.account('supervisor'));
    // The digest key is derived with its own label: not the token key itself.
    expect(loginDigestKey(SECRET).equals(Buffer.from(SECRET))).toBe(false);
    expect(loginDigestKey(SECRET)).toHaveLength(32);
  });
});

describe('login attempt record', () => {
  const digests = loginDigests(loginDigestKey(SECRET));
  const attempt: LoginAttempt = {
    attemptId: 'a-1',
    outcome: 'failed',
    accountDigest: digests.account('qa'),
    addressDigest: digests.address('198.51.100.7'),
    attemptedAtMs: 1_700_000_000_000,
    writerId: 'call-store@host/1234abcd',
    keyId: '0123456789abcdef',
    otherKeyId: '',
    otherAccountDigest: '',
    otherAddressDigest: '',
  };

  it('round-trips', () => {
    expect(loginAttemptCodec.decode(loginAttemptCodec.encode(attempt), loginAttemptCodec.headers())).toEqual(
      attempt,
    );
  });

  it.each([
    ['a plain username', { accountDigest: 'qa' }],
    ['a plain address', { addressDigest: '198.51.100.7' }],
    ['no time', { attemptedAtMs: 0 }],
    ['no outcome', { outcome: 'unspecified' as const }],
    ['no writer', { writerId: '' }],
    ['a plain username under the other key', { otherKeyId: 'fedcba9876543210', otherAccountDigest: 'qa' }],
  ])('refuses %s', (_name, change) => {
    expect(() => loginAttemptCodec.decode(loginAttemptCodec.encode({ ...attempt, ...change }))).toThrow();
  });
});

describe('login attempts topic', () => {
  const retention = (settings = DEFAULT_TOPIC_SETTINGS, names?: string[], topic?: string) =>
    topicConfigs(settings, names, undefined, undefined, topic)
      .find((c) => c.topic === (topic ?? TOPICS.loginFailures))
      ?.configEntries?.find((e) => e.name === 'retention.ms')?.value;

  it('keeps records for the forget window (1 h), or the one a service configures', () => {
    expect(retention()).toBe(String(DEFAULT_LOGIN_LIMITS.forgetAfterMs));
    expect(
      retention({ ...DEFAULT_TOPIC_SETTINGS, loginFailuresRetentionMs: 7_200_000 }, ['t.logins'], 't.logins'),
    ).toBe('7200000');
  });
});

describe('login limits from the environment', () => {
  const vars = { LOGIN_ACCOUNT_FREE_FAILURES: 5, LOGIN_ADDRESS_FREE_FAILURES: 20, LOGIN_MAX_LOCK_MS: 60_000 };

  it('takes LOGIN_BASE_LOCK_MS as the first lock-out, never past the maximum', () => {
    expect(loginLimitsOf(vars).baseLockMs).toBe(DEFAULT_LOGIN_LIMITS.baseLockMs);
    expect(loginLimitsOf({ ...vars, LOGIN_BASE_LOCK_MS: 5_000 }).baseLockMs).toBe(5_000);
    expect(loginLimitsOf({ ...vars, LOGIN_BASE_LOCK_MS: 120_000 }).baseLockMs).toBe(60_000);
  });
});
