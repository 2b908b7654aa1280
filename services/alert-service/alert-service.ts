// The alert-service: rules engine over va.emotions.v1 / va.features.v1 (shared consumer group,
// alerts produced to va.alerts.v1 before offsets are committed), a per-instance fan-out of call
// state and alerts, and the pages + WebSocket push. In-process callable (tests, benchmark);
// main.ts wires it to the process. I/O: Kafka, HTTP/WebSocket, the rule and users files, timers.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RuleSet } from '../../pipelines/alerts/index.ts';
import { paceLines, type PaceLineOf } from '../../pipelines/alerts/pace-line.ts';
import type { ConsumerRunner, TopicPartition } from '../shared/consumer-runner.ts';
import type { Logger } from '../shared/logger.ts';
import { loginLimitsOf } from '../shared/auth/login-limiter.ts';
import type { LoginFailureFeed } from '../shared/auth/login-failure-feed.ts';
import { teamsOfAgents } from '../shared/auth/users.ts';
import { loadServiceUsers } from '../shared/auth/users-policy.ts';
import { bootService, type ServiceBase } from '../shared/service-base.ts';
import { createAlertMetrics, registerLiveGauges } from './alert-metrics.ts';
import { createCallRegistry, type CallRegistry } from './call-registry.ts';
import { alertServiceEnv, type AlertServiceConfig } from './config.ts';
import type { Evaluator } from './evaluator.ts';
import type { Fanout } from './fanout.ts';
import type { Hub } from './hub.ts';
import { defaultInstanceId } from './instance-id.ts';
import { startHistoryLines } from './history-lines.ts';
import { loadInitialRules } from '../shared/alert-rules/rule-sources.ts';
import { startWebServer, type WebServer } from './web-server.ts';
import { settingNames } from '../shared/setting-names.ts';
import { createRevocationFeed } from '../shared/auth/revocation-feed.ts';
import { refusingRevoked } from '../shared/auth/revocations.ts';
import { alertHub } from './alert-hub.ts';
import { alertServiceTopics, webSettingsOf } from './config-parts.ts';
import { evaluatorRunner } from './evaluator-runner.ts';
import { instanceFanout } from './instance-fanout.ts';
import { rulesAndEvaluator } from './rules-and-evaluator.ts';
import { loginFailureFeed, serviceAuth } from './service-auth.ts';
import { SERVICE } from './service-name.ts';
import { startConsuming } from './start-consuming.ts';

export { SERVICE };

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
    // Monotonic: an NTP step of this host's wall clock drops no live call.
    idleClock: () => performance.now(),
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
