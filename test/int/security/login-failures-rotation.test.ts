// A JWT_SECRET rotation rolling out (step 2 of SECURITY.md "Rotating secrets": one instance swapped
// to the new key, one not yet) over a real broker: each instance writes its attempts under both
// keys, so failures spread over the two lock the account after the shared allowance, not one
// allowance each side; a restarted instance on the new key reads the old side's failures too.
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createLoginFailureFeed,
  type LoginFailureFeed,
} from '../../../services/shared/auth/login-failure-feed.ts';
import { DEFAULT_LOGIN_LIMITS } from '../../../services/shared/auth/login-limiter.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { storeFeedConnection } from './store-fixture.ts';

const OLD = 'old-secret-old-secret-old-secret-0123456';
const NEW = 'new-secret-new-secret-new-secret-0123456';
const FREE = DEFAULT_LOGIN_LIMITS.accountFreeFailures;
const LIMITS = { ...DEFAULT_LOGIN_LIMITS, baseLockMs: 120_000 };

async function startFeed(
  topic: string,
  jwtSecret: string,
  previousJwtSecret: string,
): Promise<LoginFailureFeed> {
  const connection = await storeFeedConnection(topic);
  const feed = createLoginFailureFeed({ ...connection, limits: LIMITS, jwtSecret, previousJwtSecret });
  await feed.start();
  onTestFinished(async () => {
    await feed.stop();
    await connection.producer.disconnect();
  });
  await waitFor('the feed to be ready', () => feed.ready(), 30_000, 50);
  return feed;
}

describe('login throttling during a JWT_SECRET rotation', () => {
  it('counts failures on both sides of the roll together', async () => {
    const topic = uniqueName('test.login-failures.rotation');
    await createTestTopics(testKafka(), [topic], 3);
    const notSwapped = await startFeed(topic, OLD, NEW);
    const swapped = await startFeed(topic, NEW, OLD);
    const locked = (feed: LoginFailureFeed) =>
      feed.limiter.check('supervisor', '203.0.113.50').limitedBy !== null;
    for (let i = 0; i <= FREE; i += 1) {
      const feed = i % 2 === 0 ? notSwapped : swapped;
      expect(feed.limiter.begin('supervisor', `198.51.100.${i}`).limitedBy).toBe(null);
      feed.limiter.failed('supervisor', `198.51.100.${i}`);
      // One after another, as sequential guesses: each waits for the previous to be shared.
      await waitFor(
        'the failure to be shared',
        () => notSwapped.limiter.size().addresses === i + 1 && swapped.limiter.size().addresses === i + 1,
        15_000,
        50,
      );
    }
    await waitFor('both sides to lock the account', () => locked(notSwapped) && locked(swapped), 15_000, 50);
    // An instance swapped after these were written (new key, old as previous) knows them at start.
    const restarted = await startFeed(topic, NEW, OLD);
    expect(locked(restarted)).toBe(true);
  });
});
