// The alert-service: rules engine over va.emotions.v1 / va.features.v1 (shared consumer group,
// alerts produced to va.alerts.v1 before offsets are committed), a per-instance fan-out of call
// state and alerts, and the pages + WebSocket push. In-process callable (tests, benchmark);
// main.ts wires it to the process. I/O: Kafka, HTTP/WebSocket, the rule and users files, timers.
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Counter, Gauge, Histogram } from 'prom-client';
import { errorCode } from '../../pipelines/errors.ts';
import { createAlertEngine, type RuleSet } from '../../pipelines/alerts/index.ts';
import { callKey } from '../shared/call-key.ts';
import { createConsumerRunner, type ConsumerRunner } from '../shared/consumer-runner.ts';
import type { Logger } from '../shared/logger.ts';
import { outRecord, sendRecords } from '../shared/producer.ts';
import { alertAckCodec, decodeFeaturesTopic, emotionEventCodec, type CallEvent } from '../shared/records.ts';
import { createLoginLimiter, loginLimitsOf } from '../shared/auth/login-limiter.ts';
import { createAuth } from '../shared/auth/tokens.ts';
import { teamsOfAgents } from '../shared/auth/users.ts';
import { loadServiceUsers } from '../shared/auth/users-policy.ts';
import { bootService, type ServiceBase } from '../shared/service-base.ts';
import { toAckRecord } from './alert-records.ts';
import { createCallRegistry, type CallRegistry } from './call-registry.ts';
import type { AlertServiceConfig } from './config.ts';
import { createEvaluator, type Evaluator, type EvaluatorInput } from './evaluator.ts';
import { createFanout, type Fanout } from './fanout.ts';
import { createHistoryClient, historyAllowed } from '../shared/customer-history-client.ts';
import { createHub, type Hub } from './hub.ts';
import { defaultInstanceId } from './instance-id.ts';
import { loadRulesFile, watchRulesFile } from './rules-file.ts';
import { startWebServer, type WebServer } from './web-server.ts';
import { waitFor } from '../shared/wait-for.ts';

export const SERVICE = 'alert-service';

export interface AlertService {
  readonly base: ServiceBase;
  readonly hub: Hub;
  readonly registry: CallRegistry;
  readonly evaluator: Evaluator;
  readonly web: WebServer;
  readonly runner: ConsumerRunner;
  readonly fanout: Fanout;
  readonly instanceId: string;
  /** Re-reads the rule file (what SIGHUP does); rejects with the validation error. */
  reloadRules(): Promise<RuleSet>;
  stop(reason?: string): Promise<void>;
}

export interface StartOptions {
  handleSignals?: boolean;
  logger?: Logger;
  /** Evaluate from the beginning of the topics when the group has no offsets (tests). */
  fromBeginning?: boolean;
}

/**
 * The customer history line of each starting call (shared/customer-history-client.ts): looked up beside the live
 * path, pushed to the call's viewers when it comes. Returns the fan-out's call-event hook.
 */
function startHistoryLines(
  config: AlertServiceConfig,
  base: ServiceBase,
  hub: Hub,
): ((event: CallEvent) => void) | undefined {
  if (!config.ALERT_HISTORY_URL) return undefined;
  if (!config.jwtSecret) {
    base.logger.warn('ALERT_HISTORY_URL set without JWT_SECRET: no history line (no key to sign with)');
    return undefined;
  }
  const registers = [base.metrics.registry];
  const lookups = new Counter({
    name: 'va_alert_history_lookups_total',
    help: 'Customer history lookups at call start by outcome (line, none, cached, timeout, error, busy)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const shown = new Histogram({
    name: 'va_alert_history_line_seconds',
    help: 'From the CallStart record produced to its history line pushed to clients',
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5],
    registers,
  });
  const client = createHistoryClient({
    service: 'alert-service',
    baseUrl: config.ALERT_HISTORY_URL,
    tokens: { secret: new TextEncoder().encode(config.jwtSecret), issuer: config.ALERT_JWT_ISSUER },
    timeoutMs: config.ALERT_HISTORY_TIMEOUT_MS,
    cacheMs: config.ALERT_HISTORY_CACHE_MS,
    windowDays: config.ALERT_HISTORY_WINDOW_DAYS,
  });
  return (e) => {
    if (e.type === 'ended' && e.customerRef) client.invalidate(e.tenant, e.customerRef);
    if (e.type !== 'started' || !historyAllowed(e)) return;
    // The fan-out re-reads va.calls.v1 from the beginning after a restart: only calls that may
    // still be live are looked up, not every call the topic still holds.
    if (Date.now() - (e.startTimeMs || Date.now()) > config.ALERT_CALL_IDLE_MS) return;
    void client.lookup(e.tenant, e.customerRef, e.callId).then(({ line, outcome }) => {
      lookups.inc({ outcome });
      if (line !== null && hub.publishHistory(e.tenant, e.callId, line) && e.producedAtMs > 0)
        shown.observe(Math.max(0, Date.now() - e.producedAtMs) / 1000);
    });
  };
}

export async function startAlertService(
  config: AlertServiceConfig,
  options: StartOptions = {},
): Promise<AlertService> {
  // Files first: a bad rule or users file is a configuration error, before touching Kafka.
  let rules = await loadRulesFile(config.ALERT_RULES_FILE);
  const users = await loadServiceUsers('ALERT_USERS_FILE', config.ALERT_USERS_FILE, config.runMode);
  const base = await bootService({
    service: SERVICE,
    config,
    topics: [
      config.TOPIC_CALLS,
      config.TOPIC_FEATURES,
      config.TOPIC_EMOTIONS,
      config.TOPIC_ALERTS,
      config.TOPIC_DEADLETTER,
    ],
    handleSignals: options.handleSignals,
    logger: options.logger,
  });
  const { logger, metrics, producer } = base;
  const registers = [metrics.registry];
  const instanceId =
    config.ALERT_INSTANCE_ID ??
    defaultInstanceId(hostname(), config.ALERT_PORT, () => randomUUID().slice(0, 8));
  for (const warning of config.warnings) logger.warn(warning);
  if (!config.jwtSecret) logger.warn('JWT_SECRET unset: a random key is used, tokens end with this process');
  const auth = createAuth({
    secret: config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : randomBytes(32),
    issuer: config.ALERT_JWT_ISSUER,
    audience: config.ALERT_JWT_AUDIENCE,
    tokenTtlS: config.ALERT_TOKEN_TTL_S,
    jwks: config.ALERT_JWKS_URL
      ? {
          url: config.ALERT_JWKS_URL,
          issuer: config.ALERT_JWKS_ISSUER!,
          audience: config.ALERT_JWKS_AUDIENCE!,
        }
      : undefined,
  });

  const wsEvents = new Counter({
    name: 'va_alert_ws_events_total',
    help: 'WebSocket hub events (connects, auth failures, bad messages, slow clients dropped, pushes)',
    labelNames: ['event', 'code'] as const,
    registers,
  });
  const raised = new Counter({
    name: 'va_alerts_raised_total',
    help: 'Alerts raised by the rules engine',
    labelNames: ['rule', 'kind'] as const,
    registers,
  });
  const logins = new Counter({
    name: 'va_alert_logins_total',
    help: 'Login attempts by outcome',
    labelNames: ['outcome'] as const,
    registers,
  });
  const reloads = new Counter({
    name: 'va_alert_rule_reloads_total',
    help: 'Rule file reloads by outcome',
    labelNames: ['outcome'] as const,
    registers,
  });

  const registry = createCallRegistry({
    teamOfAgent: teamsOfAgents(users),
    idleMs: config.ALERT_CALL_IDLE_MS,
    // A call that never ended (or ended a while ago) also leaves the rules engine.
    onPurged: (key) => evaluator.forgetCall(key),
  });
  const hub = createHub({
    registry,
    auth,
    instanceId,
    allowedOrigins: config.ALERT_ALLOWED_ORIGINS,
    maxMessageBytes: config.ALERT_MAX_MESSAGE_BYTES,
    maxBufferedBytes: config.ALERT_MAX_BUFFERED_BYTES,
    maxBadMessages: config.ALERT_MAX_BAD_MESSAGES,
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
    persistAck: async (ack, alert) => {
      await sendRecords(producer, [
        outRecord(
          config.TOPIC_ALERTS,
          alertAckCodec,
          callKey(alert.tenant, ack.callId),
          toAckRecord(ack, alert.tenant),
        ),
      ]);
    },
    onEvent: (event, labels) => wsEvents.inc({ event, code: labels?.code ?? labels?.role ?? '' }),
  });
  new Gauge({
    name: 'va_alert_ws_clients',
    help: 'Connected WebSocket clients',
    registers,
    collect() {
      this.set(hub.clientCount());
    },
  });
  new Gauge({
    name: 'va_alert_live_calls',
    help: "Calls in this instance's registry",
    registers,
    collect() {
      this.set(registry.size());
    },
  });

  const evaluator = createEvaluator({
    createEngine: () => createAlertEngine({ rules }),
    alertsTopic: config.TOPIC_ALERTS,
    maxHoldRecords: config.ALERT_COMMIT_HOLD_MAX_RECORDS,
    maxEndedCalls: config.ALERT_ENDED_CALLS_REMEMBERED,
    ownerOf: (tenant, callId) => registry.owner(tenant, callId),
    // Counted and logged only: clients get the alert from the fan-out of va.alerts.v1, i.e. once
    // the broker has it. Pushing here, before the produce, showed clients alerts that a failed
    // produce never wrote (ghost alerts, issue 13 point 13).
    onAlert: (rec) => {
      raised.inc({ rule: rec.ruleId, kind: rec.state });
      if (rec.audioCompletedAtMs > 0)
        metrics.observeLatency('alert', rec.audioCompletedAtMs, rec.producedAtMs);
      logger.info('alert raised', {
        alertId: rec.alertId,
        rule: rec.ruleId,
        severity: rec.severity,
        state: rec.state,
      });
    },
  });
  // At-least-once with held commits (evaluator.ts): a restart or rebalance replays each call
  // from its first record and produces only the alerts the previous owner had not produced.
  const runner = createConsumerRunner<EvaluatorInput>({
    kafka: base.kafka,
    producer,
    service: SERVICE,
    groupId: config.ALERT_GROUP_ID,
    topics: [config.TOPIC_EMOTIONS, config.TOPIC_FEATURES],
    deadLetterTopic: config.TOPIC_DEADLETTER,
    fromBeginning: options.fromBeginning ?? false,
    partitionsConsumedConcurrently: config.ALERT_PARTITIONS_CONCURRENTLY,
    // Low latency: a fetch returns as soon as a record is there; commits every 5 s (a per-flush
    // commit round trip delays the next fetch, i.e. the next alert).
    consumerConfig: { minBytes: 1, maxWaitTimeInMs: 100 },
    commitIntervalMs: 5_000,
    logger,
    metrics,
    decode: (value, headers, topic): EvaluatorInput =>
      topic === config.TOPIC_EMOTIONS
        ? { schema: 'emotion', value: emotionEventCodec.decode(value, headers) }
        : decodeFeaturesTopic(value, headers),
    handle: (record) => evaluator.handle(record),
    onRevoked: (partitions) => evaluator.revoke(partitions),
    commitOffset: (topic, partition, next) => evaluator.commitOffset(topic, partition, next),
    onReplayUntil: (topic, partition, until) => evaluator.setReplayUntil(topic, partition, until),
  });
  const onCallEvent = startHistoryLines(config, base, hub);
  const fanout = createFanout({
    kafka: base.kafka,
    producer,
    service: SERVICE,
    groupId: `${config.ALERT_FANOUT_GROUP_PREFIX}-${instanceId}`,
    topics: {
      calls: config.TOPIC_CALLS,
      emotions: config.TOPIC_EMOTIONS,
      features: config.TOPIC_FEATURES,
      alerts: config.TOPIC_ALERTS,
    },
    registry,
    hub,
    logger,
    onCallEnded: (key) => evaluator.endCall(key),
    onCallEvent,
    metrics,
  });

  const applyRules = (next: RuleSet): void => {
    rules = next;
    evaluator.setRules(next);
    reloads.inc({ outcome: 'ok' });
    logger.info('alert rules loaded', { version: next.version, rules: next.rules.length });
  };
  const rejectRules = (error: Error): void => {
    reloads.inc({ outcome: 'rejected' });
    logger.error('alert rule file rejected; previous rules stay', {
      code: errorCode(error),
      msg: error.message,
      version: rules.version,
    });
  };
  const watcher = watchRulesFile(config.ALERT_RULES_FILE, applyRules, rejectRules);
  const reloadRules = () =>
    watcher.reload().catch((error: Error) => {
      rejectRules(error);
      throw error;
    });
  const onHup = (): void => void reloadRules().catch(() => undefined);
  if (options.handleSignals ?? true) process.on('SIGHUP', onHup);

  const web = await startWebServer({
    host: config.ALERT_HOST,
    port: config.ALERT_PORT,
    webDir: config.ALERT_WEB_DIR,
    users,
    auth,
    hub,
    loginLimiter: createLoginLimiter(loginLimitsOf(config)),
    trustedProxies: config.LOGIN_TRUSTED_PROXIES,
    onLogin: (outcome) => logins.inc({ outcome }),
    onError: (error) => logger.error('page request failed', { error }),
  });

  base.ops.addReadiness('evaluator', () => runner.ready());
  base.ops.addReadiness('fanout', () => fanout.ready());
  base.shutdown.add('websocket clients and pages', async () => {
    await hub.close();
    await web.close();
  });
  base.shutdown.add('rules watcher', () => {
    watcher.close();
    process.off('SIGHUP', onHup);
  });
  base.shutdown.add('evaluator (finish batch, produce, commit)', () => runner.stop());
  base.shutdown.add('fan-out consumer', () => fanout.stop());

  // The fan-out joins first: it reads va.alerts.v1 from "now", and is the only path to clients.
  await fanout.start();
  await waitFor('the Kafka consumers to join', () => fanout.ready(), 60_000, 50);
  await runner.start();
  await waitFor('the Kafka consumers to join', () => fanout.ready() && runner.ready(), 60_000, 50);
  logger.info('alert-service ready', { port: web.port, instanceId, rules: rules.rules.length });
  return {
    base,
    hub,
    registry,
    evaluator,
    web,
    runner,
    fanout,
    instanceId,
    reloadRules,
    stop: (reason = 'stop') => base.shutdown.run(reason),
  };
}
