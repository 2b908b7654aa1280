// Over a real broker and the real login endpoints of both services (the alert service's
// /api/login, the call store's /auth/login, each with its login-failure feed on one
// va.login-failures.v1 topic): failures spread over both lock the account after the shared
// allowance (5 free, not 5 at each), a second alert service instance and a restarted call store
// refuse the locked account, a success at one clears it everywhere, and the topic's records hold
// no username and no address.
import { describe, expect, it, onTestFinished } from 'vitest';
import { demoUsersLogin } from '../../../services/call-store/http/login.ts';
import { startQaServer } from '../../../services/call-store/http/server.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import {
  createLoginFailureFeed,
  type LoginFailureFeed,
} from '../../../services/shared/auth/login-failure-feed.ts';
import { DEFAULT_LOGIN_LIMITS, loginLimitsOf } from '../../../services/shared/auth/login-limiter.ts';
import { loginAttemptCodec, type LoginAttempt } from '../../../services/shared/records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { testKafka } from '../../support/kafka.ts';
import { startAnotherInstance, startHarness, type Harness } from '../alerts/harness.ts';
import { storeFeedConnection, storeTokens } from './store-fixture.ts';

const PROXIES = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];
const FREE = DEFAULT_LOGIN_LIMITS.accountFreeFailures;

interface StoreLogin {
  url: string;
  feed: LoginFailureFeed;
  stop(): Promise<void>;
}

/** The call store's QA API in this process, its login limiter fed by the harness's topic. */
async function startStoreLogin(h: Harness, store: CallStore): Promise<StoreLogin> {
  const connection = await storeFeedConnection(h.topics.loginFailures);
  const feed = createLoginFailureFeed({
    ...connection,
    limits: loginLimitsOf(h.config),
    jwtSecret: h.config.jwtSecret!,
  });
  await feed.start();
  const server = await startQaServer({
    store,
    tokens: storeTokens(h.config),
    port: 0,
    login: demoUsersLogin('config/demo-users.json'),
    loginLimiter: feed.limiter,
    trustedProxies: PROXIES,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
    await feed.stop();
    await connection.producer.disconnect();
  };
  onTestFinished(stop);
  return { url: `http://127.0.0.1:${server.port}/auth/login`, feed, stop };
}

async function post(url: string, password: string, forwardedFor: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ username: 'supervisor', password }),
  });
  return response.status;
}

const locked = (feed: LoginFailureFeed) =>
  feed.limiter.check('supervisor', '203.0.113.50').limitedBy !== null;

async function topicRecords(
  topic: string,
  count: number,
): Promise<{ key: string; value: Buffer; attempt: LoginAttempt }[]> {
  const consumer = testKafka('va-test-reader').consumer({ groupId: `${topic}.reader` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const records: { key: string; value: Buffer; attempt: LoginAttempt }[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      records.push({
        key: message.key!.toString(),
        value: message.value!,
        attempt: loginAttemptCodec.decode(message.value, message.headers),
      });
    },
  });
  await waitFor('the login attempts', () => records.length >= count, 15_000, 50).finally(() =>
    consumer.disconnect(),
  );
  return records;
}

/** Failures alternating between the endpoints, each from an address of its own. */
async function spreadFailures(urls: string[], count: number, from: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    statuses.push(await post(urls[i % urls.length], `guess-${from + i}`, `198.51.100.${from + i + 1}`));
  }
  return statuses;
}

describe('login throttling shared by both login services', () => {
  it('locks after the shared allowance everywhere, survives new instances, clears everywhere', async () => {
    // A long first lock-out: the new instances below start well within it.
    const h = await startHarness({ LOGIN_TRUSTED_PROXIES: PROXIES.join(','), LOGIN_BASE_LOCK_MS: '120000' });
    const alertUrl = `${h.baseUrl}/api/login`;
    const store = await openCallStore({});
    onTestFinished(() => store.close());
    const storeLogin = await startStoreLogin(h, store);
    const accounts = (feed: LoginFailureFeed) => feed.limiter.size().accounts;

    // The free failures, spread: a success at the alert service clears them at the call store too
    // (else one more failure there would be the sixth, and lock the account for 2 minutes).
    expect(await spreadFailures([alertUrl, storeLogin.url], FREE, 0)).toEqual(Array(FREE).fill(401));
    await waitFor(
      'the store to count them',
      () => storeLogin.feed.limiter.size().addresses >= FREE,
      15_000,
      50,
    );
    expect(await post(alertUrl, 'demo1234', '203.0.113.50')).toBe(200);
    await waitFor('the success to reach the store', () => accounts(storeLogin.feed) === 0, 15_000, 50);
    expect(await post(storeLogin.url, 'guess-x', '198.51.100.99')).toBe(401);
    expect(await post(storeLogin.url, 'demo1234', '203.0.113.50')).toBe(200);
    await waitFor(
      'that success to reach the alert service',
      () => accounts(h.service.loginFailures) === 0,
      15_000,
      50,
    );

    // The free failures and one more, 3 at each endpoint: neither would lock on its own count.
    expect(await spreadFailures([alertUrl, storeLogin.url], FREE + 1, 10)).toEqual(Array(FREE + 1).fill(401));
    await waitFor(
      'both services to lock the account',
      () => locked(h.service.loginFailures) && locked(storeLogin.feed),
      15_000,
      50,
    );
    expect(await post(alertUrl, 'demo1234', '203.0.113.50')).toBe(429);
    expect(await post(storeLogin.url, 'demo1234', '203.0.113.50')).toBe(429);

    // A second alert instance and a restarted call store know it once ready (read from the beginning).
    const second = await startAnotherInstance(h);
    await waitFor('the second instance to be ready', () => second.service.loginFailures.ready(), 30_000, 50);
    expect(await post(`${second.baseUrl}/api/login`, 'demo1234', '203.0.113.50')).toBe(429);
    await storeLogin.stop();
    const restarted = await startStoreLogin(h, store);
    await waitFor('the restarted store to be ready', () => restarted.feed.ready(), 30_000, 50);
    expect(await post(restarted.url, 'demo1234', '203.0.113.50')).toBe(429);

    // The records: keyed digests only, no username, no address (in the value or the key).
    // Twelve failures, two successes.
    const records = await topicRecords(h.topics.loginFailures, 2 * FREE + 2 + 2);
    expect(records.filter((r) => r.attempt.outcome === 'failed')).toHaveLength(2 * FREE + 2);
    for (const { key, value, attempt } of records) {
      const text = `${key} ${value.toString('latin1')} ${JSON.stringify(attempt)}`;
      expect(text).not.toMatch(/supervisor|198\.51\.100|203\.0\.113|127\.0\.0\.1/);
      expect(attempt.accountDigest).toMatch(/^[0-9a-f]{64}$/);
      expect(key).toBe(attempt.accountDigest);
    }
  });
});
