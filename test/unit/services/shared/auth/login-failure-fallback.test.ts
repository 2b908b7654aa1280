// A broker that does not take the login attempts (here a producer that never connected, as after
// the broker went away): the login's limiter answers at once and keeps counting this instance's
// failures, each unshared attempt is counted, and the outage is logged once, not per attempt.
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  createLoginFailureFeed,
  LOGIN_ATTEMPT_NOT_SHARED,
} from '../../../../../services/shared/auth/login-failure-feed.ts';
import { DEFAULT_LOGIN_LIMITS } from '../../../../../services/shared/auth/login-limiter.ts';
import type { Logger } from '../../../../../services/shared/logger.ts';
import { createServiceMetrics } from '../../../../../services/shared/metrics.ts';

function recordingLogger(lines: string[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: (msg) => void lines.push(`info ${msg}`),
    warn: (msg) => void lines.push(`warn ${msg}`),
    error: (msg) => void lines.push(`error ${msg}`),
    child: () => logger,
  };
  return logger;
}

describe('login attempts with the broker down', () => {
  it('counts locally, answers at once, counts each unshared attempt and logs once', async () => {
    const kafka = new Kafka({ clientId: 'va-test', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING });
    const lines: string[] = [];
    const metrics = createServiceMetrics('login-test', { defaultMetrics: false });
    const feed = createLoginFailureFeed({
      kafka,
      producer: kafka.producer(),
      service: 'call-store',
      groupPrefix: 'va-test-login-failures',
      topic: 'va.login-failures.v1',
      logger: recordingLogger(lines),
      metrics,
      limits: DEFAULT_LOGIN_LIMITS,
      jwtSecret: 'test-secret-test-secret-test-secret-0123',
    });
    const started = performance.now();
    for (let i = 0; i <= DEFAULT_LOGIN_LIMITS.accountFreeFailures; i += 1) {
      expect(feed.limiter.begin('qa', `10.0.0.${i}`).limitedBy).toBe(null);
      feed.limiter.failed('qa', `10.0.0.${i}`);
    }
    // Nothing waits for the dead broker (its connection attempts take seconds); 500 ms leaves room
    // for a loaded CI machine (100 ms read 116 there).
    expect(performance.now() - started).toBeLessThan(500);
    expect(feed.limiter.check('qa', '10.9.9.9').limitedBy).toBe('account');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const unshared = (await metrics.errors.get()).values.find(
      (v) => v.labels.code === LOGIN_ATTEMPT_NOT_SHARED,
    );
    expect(unshared?.value).toBe(DEFAULT_LOGIN_LIMITS.accountFreeFailures + 1);
    expect(lines).toEqual([
      'warn login attempts not shared: failed logins are counted by this instance only',
    ]);
  });
});
