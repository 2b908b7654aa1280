// Who may sign in to the alert service: the token keys (JWT_SECRET, or a random key that ends
// with the process) and the failed logins counted with every instance of both login services.
// I/O: Kafka (the login-failure feed), the JWKS URL when set.
import { randomBytes } from 'node:crypto';
import { createLoginFailureFeed, type LoginFailureFeed } from '../shared/auth/login-failure-feed.ts';
import { loginLimitsOf } from '../shared/auth/login-limiter.ts';
import { keyBytes } from '../shared/auth/key-rotation.ts';
import { createAuth, type Auth } from '../shared/auth/tokens.ts';
import type { Logger } from '../shared/logger.ts';
import type { ServiceBase } from '../shared/service-base.ts';
import type { AlertServiceConfig } from './config.ts';
import { SERVICE } from './service-name.ts';

/**
 * Failed logins counted with every instance of both login services. Without JWT_SECRET (a random
 * token key) the digests are this process's own: nothing another instance writes matches them.
 */
export function loginFailureFeed(config: AlertServiceConfig, base: ServiceBase): LoginFailureFeed {
  return createLoginFailureFeed({
    kafka: base.kafka,
    producer: base.producer,
    service: SERVICE,
    groupPrefix: config.ALERT_LOGIN_FAILURES_GROUP_PREFIX,
    topic: config.LOGIN_FAILURES_TOPIC,
    logger: base.logger,
    metrics: base.metrics,
    limits: loginLimitsOf(config),
    jwtSecret: config.jwtSecret ?? randomBytes(32),
    previousJwtSecret: config.jwtSecret ? config.JWT_PREVIOUS_SECRET : undefined,
  });
}

/** Token issue and verification; without JWT_SECRET a random key, so tokens end with the process. */
export function serviceAuth(config: AlertServiceConfig, logger: Logger): Auth {
  if (!config.jwtSecret) logger.warn('JWT_SECRET unset: a random key is used, tokens end with this process');
  return createAuth({
    secret: config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : randomBytes(32),
    previousSecret: keyBytes(config.JWT_PREVIOUS_SECRET),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    tokenTtlS: config.TOKEN_TTL_S,
    jwks: config.ALERT_JWKS_URL
      ? {
          url: config.ALERT_JWKS_URL,
          issuer: config.ALERT_JWKS_ISSUER!,
          audience: config.ALERT_JWKS_AUDIENCE!,
        }
      : undefined,
  });
}
