// The alert-service: rules engine over va.emotions.v1 / va.features.v1 (shared consumer group,
// alerts produced to va.alerts.v1 before offsets are committed), a per-instance fan-out of call
// state and alerts, and the pages + WebSocket push. In-process callable (tests, benchmark);
// main.ts wires it to the process. I/O: Kafka, HTTP/WebSocket, the rule and users files, timers.
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createAlertEngine, type RuleSet } from '../../pipelines/alerts/index.ts';
import { paceLines, type PaceLineOf } from '../../pipelines/alerts/pace-line.ts';
import { windowJumpProblem } from '../shared/audio-pace.ts';
import { callKey } from '../shared/call-key.ts';
import { createConsumerRunner, type ConsumerRunner, type TopicPartition } from '../shared/consumer-runner.ts';
import type { Logger } from '../shared/logger.ts';
import type { ServiceMetrics } from '../shared/metrics.ts';
import { outRecord, sendRecords } from '../shared/producer.ts';
import { alertAckCodec, decodeFeaturesTopic, emotionEventCodec } from '../shared/records.ts';
import { loginLimitsOf } from '../shared/auth/login-limiter.ts';
import { createLoginFailureFeed, type LoginFailureFeed } from '../shared/auth/login-failure-feed.ts';
import { keyBytes } from '../shared/auth/key-rotation.ts';
import { createAuth, type Auth } from '../shared/auth/tokens.ts';
import { teamsOfAgents } from '../shared/auth/users.ts';
import { loadServiceUsers } from '../shared/auth/users-policy.ts';
import { bootService, type ServiceBase } from '../shared/service-base.ts';
import { createAlertMetrics, registerLiveGauges, type AlertMetrics } from './alert-metrics.ts';
import { toAckRecord } from './alert-records.ts';
import { createCallRegistry, type CallRegistry } from './call-registry.ts';
import { alertServiceEnv, type AlertServiceConfig } from './config.ts';
import { createEvaluator, type Evaluator, type EvaluatorInput } from './evaluator.ts';
import { createFanout, type Fanout, type FanoutOptions } from './fanout.ts';
import { createHub, type Hub, type HubOptions } from './hub.ts';
import { defaultInstanceId } from './instance-id.ts';
import { startHistoryLines } from './history-lines.ts';
import {
  keepRuleSources,
  loadInitialRules,
  type InitialRules,
  type RuleSources,
} from '../shared/alert-rules/rule-sources.ts';
import { startWebServer, type WebServer } from './web-server.ts';
import { waitFor } from '../shared/wait-for.ts';
import { ConfigError } from '../shared/config.ts';
import { settingNames } from '../shared/setting-names.ts';
import { createRevocationFeed } from '../shared/auth/revocation-feed.ts';
import { refusingRevoked } from '../shared/auth/revocations.ts';

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
  /** Failed logins shared with every instance of both login services. */
  readonly loginFailures: LoginFailureFeed;
  /** Re-reads the rule file (what SIGHUP does); rejects with the validation error. */
  reloadRules(): Promise<RuleSet>;
  /** Re-reads the tenants' rule folder (ALERT_TENANT_RULES_DIR; SIGHUP does, too). */
  reloadTenantRules(): Promise<void>;
  stop(reason?: string): Promise<void>;
}

export interface StartOptions {
  handleSignals?: boolean;
  logger?: Logger;
  /** Evaluate from the beginning of the topics when the group has no offsets (tests). */
  fromBeginning?: boolean;
}

/** The hub's settings from the service config (limits, timers, caps). */
function hubSettingsOf(config: AlertServiceConfig) {
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

interface HubWiring {
  registry: CallRegistry;
  auth: Auth;
  producer: ServiceBase['producer'];
  onEvent: NonNullable<HubOptions['onEvent']>;
  onAlertPushed: NonNullable<HubOptions['onAlertPushed']>;
  caughtUp: () => boolean;
}

/** The WebSocket hub; an acknowledgement is stored on va.alerts.v1 before it is broadcast. */
function alertHub(config: AlertServiceConfig, w: HubWiring): Hub {
  return createHub({
    ...hubSettingsOf(config),
    registry: w.registry,
    auth: w.auth,
    caughtUp: w.caughtUp,
    persistAck: async (ack, alert) => {
      await sendRecords(w.producer, [
        outRecord(
          config.ALERTS_TOPIC,
          alertAckCodec,
          callKey(alert.tenant, ack.callId),
          toAckRecord(ack, alert.tenant),
        ),
      ]);
    },
    onEvent: w.onEvent,
    onAlertPushed: w.onAlertPushed,
  });
}

/** Every topic the service reads or writes (created if missing at boot). */
function alertServiceTopics(config: AlertServiceConfig): string[] {
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
function webSettingsOf(config: AlertServiceConfig) {
  return {
    host: config.ALERT_HOST,
    port: config.ALERT_PORT,
    webDir: config.ALERT_WEB_DIR,
    trustedProxies: config.LOGIN_TRUSTED_PROXIES,
  };
}

/**
 * Failed logins counted with every instance of both login services. Without JWT_SECRET (a random
 * token key) the digests are this process's own: nothing another instance writes matches them.
 */
function loginFailureFeed(config: AlertServiceConfig, base: ServiceBase): LoginFailureFeed {
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
function serviceAuth(config: AlertServiceConfig, logger: Logger): Auth {
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

interface EvaluatorWiring {
  config: AlertServiceConfig;
  registry: CallRegistry;
  rules: () => RuleSet;
  raised: AlertMetrics['raised'];
  metrics: ServiceMetrics;
  logger: Logger;
}

/** The rules engine's per-call evaluation; raised alerts are counted, timed and logged here. */
function alertEvaluator({ config, registry, rules, raised, metrics, logger }: EvaluatorWiring): Evaluator {
  return createEvaluator({
    createEngine: () =>
      createAlertEngine({
        rules: rules(),
        windowJump: (prev, next) => windowJumpProblem(prev, next, Date.now()),
      }),
    alertsTopic: config.ALERTS_TOPIC,
    maxHoldRecords: config.ALERT_COMMIT_HOLD_MAX_RECORDS,
    maxEndedCalls: config.ALERT_ENDED_CALLS_REMEMBERED,
    endGraceMs: config.ALERT_END_GRACE_MS,
    ownerOf: (tenant, callId) => registry.owner(tenant, callId),
    isErased: (tenant, callId) => registry.isErased(tenant, callId),
    // Counted and logged only: clients get the alert from the fan-out of va.alerts.v1, i.e. once
    // the broker has it. Pushing here, before the produce, showed clients alerts that a failed
    // produce never wrote (ghost alerts).
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
}

/** The rules engine's consumer of va.emotions.v1 and va.features.v1 (the shared group). */
function evaluatorRunner(
  config: AlertServiceConfig,
  base: ServiceBase,
  evaluator: Evaluator,
  fromBeginning: boolean,
): ConsumerRunner {
  // At-least-once with held commits (evaluator.ts): a restart or rebalance replays each call
  // from its first record and produces only the alerts the previous owner had not produced.
  return createConsumerRunner<EvaluatorInput>({
    kafka: base.kafka,
    producer: base.producer,
    service: SERVICE,
    groupId: config.ALERT_GROUP_ID,
    topics: [config.EMOTIONS_TOPIC, config.FEATURES_TOPIC],
    deadLetterTopic: config.DEADLETTER_TOPIC,
    fromBeginning,
    partitionsConsumedConcurrently: config.ALERT_PARTITIONS_CONCURRENTLY,
    // A fetch gathers up to 100 ms of emotions and features (alerts are promised within seconds):
    // returning at each record meant a fetch per produce of every dsp-worker and classifier, per
    // broker. Commits every 5 s (a per-flush commit round trip delays the next fetch).
    consumerConfig: { minBytes: 65_536, maxWaitTimeInMs: 100 },
    commitIntervalMs: 5_000,
    logger: base.logger,
    metrics: base.metrics,
    decode: (value, headers, topic): EvaluatorInput =>
      topic === config.EMOTIONS_TOPIC
        ? { schema: 'emotion', value: emotionEventCodec.decode(value, headers) }
        : decodeFeaturesTopic(value, headers),
    handle: (record) => evaluator.handle(record),
    onRevoked: (partitions) => evaluator.revoke(partitions),
    commitOffset: (topic, partition, next) => evaluator.commitOffset(topic, partition, next),
    onReplayUntil: (topic, partition, until) => evaluator.setReplayUntil(topic, partition, until),
  });
}

interface RulesWiring {
  registry: CallRegistry;
  counters: AlertMetrics;
  metrics: ServiceMetrics;
  logger: Logger;
  handleSignals: boolean;
  /** Called with the merged rules in force at start and after each accepted change. */
  onRules: (rules: RuleSet) => void;
}

/**
 * Each rule's count at 0 from the start, and from the reload that adds it: a series born at its
 * first alert reads no increase for it, and VaAlertsNotPushed (deploy/prometheus/alerts.yml)
 * missed the first alerts.
 */
function ruleCounts(counters: AlertMetrics): (rules: RuleSet) => void {
  let counted = new Set<string>();
  return (rules) => {
    const ids = new Set(rules.rules.map((rule) => rule.id));
    // An id gone from every file takes its series along: a tenant's administrator renaming its
    // rules added up to 200 series per reload to /metrics, never removed.
    for (const rule of counted)
      if (!ids.has(rule)) for (const kind of ['fired', 'escalated']) counters.raised.remove({ rule, kind });
    for (const rule of ids) counters.raised.inc({ rule, kind: 'fired' }, 0);
    counted = ids;
  };
}

/** The rules in force (reloaded on change or SIGHUP) and the evaluator that applies them. */
function rulesAndEvaluator(
  config: AlertServiceConfig,
  initial: InitialRules,
  { registry, counters, metrics, logger, handleSignals, onRules }: RulesWiring,
): { rules: RuleSources; evaluator: Evaluator } {
  const zeroRuleCounts = ruleCounts(counters);
  const rules = keepRuleSources({
    config,
    initial,
    onApplied: (next) => {
      evaluator.setRules(next);
      zeroRuleCounts(next);
      onRules(next);
    },
    counters,
    logger,
    handleSignals,
  });
  zeroRuleCounts(rules.current());
  onRules(rules.current());
  const evaluator = alertEvaluator({
    config,
    registry,
    rules: rules.current,
    raised: counters.raised,
    metrics,
    logger,
  });
  return { rules, evaluator };
}

interface Running {
  hub: Hub;
  web: WebServer;
  rules: RuleSources;
  runner: ConsumerRunner;
  fanout: Fanout;
}

interface FanoutWiring {
  instanceId: string;
  registry: CallRegistry;
  hub: Hub;
  onCallEnded: FanoutOptions['onCallEnded'];
  onCallEvent: FanoutOptions['onCallEvent'];
}

/**
 * This instance's own consumer (a group per instance) of calls, emotions, features and alerts:
 * it keeps the call registry and pushes to this instance's WebSocket clients.
 */
function instanceFanout(config: AlertServiceConfig, base: ServiceBase, w: FanoutWiring): Fanout {
  return createFanout({
    kafka: base.kafka,
    producer: base.producer,
    service: SERVICE,
    groupId: `${config.ALERT_FANOUT_GROUP_PREFIX}-${w.instanceId}`,
    rebuildMs: config.ALERT_LIVE_REBUILD_MS,
    topics: {
      calls: config.CALLS_TOPIC,
      emotions: config.EMOTIONS_TOPIC,
      features: config.FEATURES_TOPIC,
      alerts: config.ALERTS_TOPIC,
      erasures: config.ERASURES_TOPIC,
    },
    registry: w.registry,
    hub: w.hub,
    logger: base.logger,
    onCallEnded: w.onCallEnded,
    onCallEvent: w.onCallEvent,
    metrics: base.metrics,
  });
}

/** How long the leader of a shared fan-out group waits for the others to refuse and go. */
const SHARED_LEADER_WAIT_MS = 60_000;

/** Readiness, the shutdown order, then the consumers: the fan-out first, the evaluator once it caught up. */
async function startConsuming(
  base: ServiceBase,
  { hub, web, rules, runner, fanout }: Running,
): Promise<void> {
  base.ops.addReadiness('evaluator', () => runner.ready());
  base.ops.addReadiness('fanout', () => fanout.ready());
  base.shutdown.add('websocket clients and pages', async () => {
    await hub.close();
    await web.close();
  });
  base.shutdown.add('rules watcher', () => rules.close());
  base.shutdown.add('evaluator (finish batch, produce, commit)', () => runner.stop());
  base.shutdown.add('fan-out consumer', () => fanout.stop());

  // The fan-out joins first: it is the only path to clients. Its rebuild of the live view may take
  // longer than a join: /readyz says "fanout" until it has read what the topics held at start.
  await fanout.start();
  await waitFor('the Kafka consumers to join', () => fanout.joined(), 60_000, 50);
  // The evaluator names each alert's agent, team and queue (and skips erased calls) from what the
  // fan-out has read: joined before the fan-out had read the calls' starts (a rolling deploy, a
  // scale-out), it fired the live calls' alerts to no agent or team. No deadline: the catch-up
  // grows with the topics; the other instances evaluate meanwhile, and a stop ends the wait.
  // The group's leader waits for the others to go; one that stays (a running instance that was
  // out of the group, restarting its consumer, when this one joined and led it) makes it go too.
  let leadingSharedSince: number | null = null;
  while (!fanout.ready()) {
    if (base.shutdown.signal.aborted) return;
    leadingSharedSince = fanout.sharedLeading() ? (leadingSharedSince ?? Date.now()) : null;
    const stayed = leadingSharedSince !== null && Date.now() - leadingSharedSince > SHARED_LEADER_WAIT_MS;
    if (fanout.shared() || stayed) {
      // The running instance that has this id keeps its pages; this one must not split them.
      await base.shutdown.run('fan-out group shared');
      throw new ConfigError([
        'ALERT_INSTANCE_ID: another running instance uses this id, so both would read in one fan-out group and each show only part of the calls: give every instance its own (or leave it unset)',
      ]);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await runner.start();
  await waitFor('the Kafka consumers to join', () => fanout.joined() && runner.ready(), 60_000, 50);
}

export async function startAlertService(
  config: AlertServiceConfig,
  options: StartOptions = {},
): Promise<AlertService> {
  // Files first: a bad rule or users file is a configuration error, before touching Kafka.
  const initialRules = await loadInitialRules(config);
  const users = await loadServiceUsers('ALERT_USERS_FILE', config.ALERT_USERS_FILE, config.runMode);
  const base = await bootService({
    service: SERVICE,
    config,
    settings: settingNames(alertServiceEnv),
    topics: alertServiceTopics(config),
    revocationsTopic: config.REVOCATIONS_TOPIC,
    loginFailures: { topic: config.LOGIN_FAILURES_TOPIC, retentionMs: loginLimitsOf(config).forgetAfterMs },
    handleSignals: options.handleSignals,
    logger: options.logger,
  });
  const { logger, metrics, producer } = base;
  const instanceId =
    config.ALERT_INSTANCE_ID ??
    defaultInstanceId(hostname(), config.ALERT_PORT, () => randomUUID().slice(0, 8));
  for (const warning of config.warnings) logger.warn(warning);
  const counters = createAlertMetrics(metrics.registry);
  // Signed-out tokens and revoked users (any instance, either service): refused at sign-in, and
  // the sockets they opened are closed when the revocation arrives.
  let closeRevoked = (): void => undefined;
  const revocations = createRevocationFeed({
    kafka: base.kafka,
    producer,
    service: SERVICE,
    groupPrefix: config.ALERT_REVOCATIONS_GROUP_PREFIX,
    topic: config.REVOCATIONS_TOPIC,
    logger,
    metrics,
    onRevoked: () => closeRevoked(),
  });
  const auth = refusingRevoked(serviceAuth(config, logger), revocations.list);

  // The agent page's pace note judges the agent-too-fast rule in force for each call (set below,
  // once the rules are read, and on each reload: live calls follow from their next window).
  let paceLineOf: PaceLineOf = () => null;
  const registry = createCallRegistry({
    paceLine: (tenant, queue) => paceLineOf(tenant, queue),
    teamOfAgent: teamsOfAgents(users),
    idleMs: config.ALERT_CALL_IDLE_MS,
    // Its records re-read at a start (produced within ALERT_LIVE_REBUILD_MS) must not bring it
    // back, nor late ones: a worker up to ALERT_CALL_IDLE_MS behind produces windows that long
    // after the call's end (a record re-read at a start was produced up to the rebuild window ago,
    // and up to the idle time after the end).
    endedRememberedMs: config.ALERT_LIVE_REBUILD_MS + config.ALERT_CALL_IDLE_MS,
    // A call that never ended (or ended a while ago) also leaves the rules engine.
    onPurged: (key) => recommitFreed(evaluator.forgetCall(key)),
  });
  // The fan-out is built after the hub it feeds: welcomes wait for its rebuild (hub-options.ts).
  let fanoutCaughtUp = (): boolean => false;
  const hub = alertHub(config, {
    registry,
    auth,
    producer,
    // Welcomes wait for the revoked tokens too: a signed-out token must not get a snapshot.
    caughtUp: () => fanoutCaughtUp() && revocations.ready(),
    onEvent: (event, labels) => counters.wsEvents.inc({ event, code: labels?.code ?? labels?.role ?? '' }),
    // Alerts re-read while the live view is rebuilt are days old: not a push delay.
    onAlertPushed: (alert) => {
      if (fanoutCaughtUp()) counters.pushSeconds.observe(Math.max(0, Date.now() - alert.firedAtMs) / 1000);
    },
  });
  closeRevoked = () => void hub.closeRevoked((token) => revocations.list.revokes(token) !== null);
  registerLiveGauges(metrics.registry, hub, registry);
  const { rules, evaluator } = rulesAndEvaluator(config, initialRules, {
    registry,
    counters,
    metrics,
    logger,
    handleSignals: options.handleSignals ?? true,
    onRules: (next) => (paceLineOf = paceLines(next)),
  });
  const runner = evaluatorRunner(config, base, evaluator, options.fromBeginning ?? false);
  // The commit a freed call held moves on now, not at its partition's next record (the classifier
  // does the same): on a quiet partition the lag looked stuck and a restart replayed the call.
  const recommitFreed = (held: TopicPartition[]): void => {
    if (held.length > 0) void runner.recommit(held);
  };
  // Ended calls leave the rules engine once their grace is over (evaluator.ts).
  const endedSweep = setInterval(() => recommitFreed(evaluator.freeEndedCalls()), 1_000).unref();
  base.shutdown.add('ended-call sweep', () => clearInterval(endedSweep));
  const onCallEvent = startHistoryLines(config, base, hub);
  const fanout = instanceFanout(config, base, {
    instanceId,
    registry,
    hub,
    onCallEnded: (key) => recommitFreed(evaluator.endCall(key)),
    onCallEvent,
  });
  // Latched: in a Kafka outage (consumer rejoining) the view kept in memory is still whole.
  fanoutCaughtUp = fanout.rebuilt;

  const loginFailures = loginFailureFeed(config, base);
  const web = await startWebServer({
    ...webSettingsOf(config),
    loginLimiter: loginFailures.limiter,
    users,
    auth,
    hub,
    onLogin: (outcome) => counters.logins.inc({ outcome }),
    revoke: revocations.revoke,
    onError: (error) => logger.error('page request failed', { error }),
  });

  base.ops.addReadiness('revocations', () => revocations.ready());
  // Not ready before it has read the failures there were: a new or restarted instance would give
  // a locked account its free failures again (SECURITY.md "Logins").
  base.ops.addReadiness('login-failures', () => loginFailures.ready());
  await revocations.start();
  await loginFailures.start();
  await startConsuming(base, { hub, web, rules, runner, fanout });
  // After the pages and sockets (shutdown runs in order): revocations apply until they are closed.
  base.shutdown.add('revocation feed', () => revocations.stop());
  base.shutdown.add('login-failure feed', () => loginFailures.stop());
  base.markStarted();
  logger.info('alert-service ready', { port: web.port, instanceId, rules: rules.current().rules.length });
  return {
    base,
    hub,
    registry,
    evaluator,
    web,
    runner,
    fanout,
    instanceId,
    loginFailures,
    reloadRules: rules.reload,
    reloadTenantRules: rules.reloadTenants,
    stop: (reason = 'stop') => base.shutdown.run(reason),
  };
}
