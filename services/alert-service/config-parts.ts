// The service config as the settings of each part the alert service starts: the WebSocket hub's
// limits and timers, the page server's address, and every topic it reads or writes. Pure.
import type { AlertServiceConfig } from './config.ts';

/** The hub's settings from the service config (limits, timers, caps). */
export function hubSettingsOf(config: AlertServiceConfig) {
  return {
    allowedOrigins: config.ALERT_ALLOWED_ORIGINS,
    maxMessageBytes: config.ALERT_MAX_MESSAGE_BYTES,
    maxBufferedBytes: config.ALERT_MAX_BUFFERED_BYTES,
    maxBadMessages: config.ALERT_MAX_BAD_MESSAGES,
    maxMessagesPerS: config.ALERT_MAX_MESSAGES_PER_S,
    authTimeoutMs: config.ALERT_AUTH_TIMEOUT_MS,
    heartbeatMs: config.ALERT_HEARTBEAT_MS,
    stateIntervalMs: config.ALERT_STATE_INTERVAL_MS,
    replayCapacity: config.ALERT_REPLAY_CAPACITY,
    socketCaps: {
      maxUnauthenticated: config.ALERT_WS_MAX_UNAUTHENTICATED,
      maxUnauthenticatedPerAddress: config.ALERT_WS_MAX_UNAUTHENTICATED_PER_ADDRESS,
      maxPerAddress: config.ALERT_WS_MAX_PER_ADDRESS,
      maxPerUser: config.ALERT_WS_MAX_PER_USER,
    },
    maxSessionsPerUserPerMin: config.ALERT_WS_MAX_SESSIONS_PER_USER_PER_MIN,
    trustedProxies: config.LOGIN_TRUSTED_PROXIES,
  };
}

/** Every topic the service reads or writes (created if missing at boot). */
export function alertServiceTopics(config: AlertServiceConfig): string[] {
  return [
    config.CALLS_TOPIC,
    config.FEATURES_TOPIC,
    config.EMOTIONS_TOPIC,
    config.ALERTS_TOPIC,
    config.DEADLETTER_TOPIC,
    config.ERASURES_TOPIC,
    config.REVOCATIONS_TOPIC,
    config.LOGIN_FAILURES_TOPIC,
  ];
}

/** The page server's address, files and login proxies from the service config. */
export function webSettingsOf(config: AlertServiceConfig) {
  return {
    host: config.ALERT_HOST,
    port: config.ALERT_PORT,
    webDir: config.ALERT_WEB_DIR,
    trustedProxies: config.LOGIN_TRUSTED_PROXIES,
  };
}
