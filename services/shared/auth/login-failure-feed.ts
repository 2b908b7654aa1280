// Login throttling shared by every instance of both login services: each attempt that ends here
// (failed, or succeeded: a success clears the account's failures) is produced to
// va.login-failures.v1, and every other instance's is applied to this one's limiter at the time it
// happened (replay-feed.ts: read from the beginning at each start, so a restart keeps lock-outs).
// Records carry keyed digests only, never a username or an address. Producing never holds the
// login's answer: when the broker does not take a record, this instance still counts it itself
// (the lock-out is then local only: counted in va_errors_total, logged once per outage). I/O: Kafka.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { outRecord, sendRecords } from '../producer.ts';
import { loginAttemptCodec, type LoginAttempt } from '../records.ts';
import { createReplayFeed, type ReplayFeed, type ReplayFeedConnection } from '../replay-feed.ts';
import { digestKeyedLimiter, type EndedAttempt } from './digest-login-limiter.ts';
import { digestKeyId, loginDigestKey, loginDigests } from './login-digest.ts';
import { createLoginLimiter, type LoginLimiter, type LoginLimits } from './login-limiter.ts';

export interface LoginFailureFeedOptions extends ReplayFeedConnection {
  limits: LoginLimits;
  /** JWT_SECRET: every login service has the same, so their digests match (login-digest.ts). */
  jwtSecret: Uint8Array | string;
  /**
   * JWT_PREVIOUS_SECRET during a rotation: each attempt is written under both keys, so instances
   * on either side of the roll count it (SECURITY.md "Logins").
   */
  previousJwtSecret?: Uint8Array | string;
}

/**
 * The digests of a record under the digest key `keyId`: its own, or its other ones when written
 * during a rotation by an instance on the other side; null when it holds none under that key.
 * Records written before key ids ('') are taken as they are.
 */
export function digestsUnder(
  attempt: LoginAttempt,
  keyId: string,
): { accountDigest: string; addressDigest: string } | null {
  if (attempt.keyId === '' || attempt.keyId === keyId)
    return { accountDigest: attempt.accountDigest, addressDigest: attempt.addressDigest };
  if (attempt.otherKeyId === keyId)
    return { accountDigest: attempt.otherAccountDigest, addressDigest: attempt.otherAddressDigest };
  return null;
}

export interface LoginFailureFeed extends ReplayFeed {
  /** The limiter for the login endpoint: keyed by digests, shares what ends here. */
  readonly limiter: LoginLimiter;
}

/** Counted in va_errors_total{code} when the broker did not take an attempt. */
export const LOGIN_ATTEMPT_NOT_SHARED = 'LOGIN_ATTEMPT_NOT_SHARED';

/** Attempt ids remembered to count a record read twice once (a re-read after a rejoin). */
const SEEN_IDS_MAX = 100_000;

export function createLoginFailureFeed(options: LoginFailureFeedOptions): LoginFailureFeed {
  // Per process, not per instance name: a restarted instance must apply what it wrote before.
  const writerId = `${options.service}@${hostname()}/${randomUUID().slice(0, 8)}`;
  const inner = createLoginLimiter(options.limits);
  const key = loginDigestKey(options.jwtSecret);
  const keyId = digestKeyId(key);
  const otherKey = options.previousJwtSecret ? loginDigestKey(options.previousJwtSecret) : undefined;
  const otherKeyId = otherKey ? digestKeyId(otherKey) : '';
  const seen = new Set<string>();
  let sharing = true;

  const produce = (ended: EndedAttempt): void => {
    const attempt: LoginAttempt = {
      ...ended,
      attemptId: randomUUID(),
      attemptedAtMs: Date.now(),
      writerId,
      keyId,
      otherKeyId,
    };
    const record = outRecord(options.topic, loginAttemptCodec, ended.accountDigest, attempt);
    // Not awaited: the login answers at once, whatever the broker does.
    sendRecords(options.producer, [record]).then(
      () => {
        if (!sharing) options.logger.info('login attempts shared again');
        sharing = true;
      },
      (error: unknown) => {
        options.metrics?.errors?.inc({ code: LOGIN_ATTEMPT_NOT_SHARED });
        if (!sharing) return;
        sharing = false;
        options.logger.warn('login attempts not shared: failed logins are counted by this instance only', {
          code: LOGIN_ATTEMPT_NOT_SHARED,
          error: error instanceof Error ? error.message : String(error),
        });
      },
    );
  };

  const apply = (attempt: LoginAttempt): void => {
    // Its own were applied when they happened.
    if (attempt.writerId === writerId || seen.has(attempt.attemptId)) return;
    seen.add(attempt.attemptId);
    if (seen.size > SEEN_IDS_MAX) seen.delete(seen.values().next().value!);
    const mine = digestsUnder(attempt, keyId);
    if (mine === null) return;
    if (attempt.outcome === 'failed') {
      inner.failedElsewhere(mine.accountDigest, mine.addressDigest, attempt.attemptedAtMs);
    } else if (attempt.outcome === 'succeeded') inner.succeededElsewhere(mine.accountDigest);
  };

  const feed = createReplayFeed<LoginAttempt>({
    ...options,
    decode: (value, headers) => loginAttemptCodec.decode(value, headers),
    apply,
  });
  const limiter = digestKeyedLimiter(
    inner,
    loginDigests(key),
    produce,
    otherKey ? loginDigests(otherKey) : undefined,
  );
  return { ...feed, limiter };
}
