// The routing-service: a consumer group over va.calls.v1 (call start: customer reference and
// history lookup; call end frees the state), va.emotions.v1 (the customer's recent states) and
// va.alerts.v1 (sustained frustration as the alert engine judged it), the pure hint engine
// (pipelines/routing), hints produced to va.routing.v1 before offsets are committed, and — once the
// broker acknowledged them — queued for the optional signed webhook, whose failures are retried and
// finally dead-lettered to va.deadletter.v1, never blocking the consumer.
// A separate service, not part of the alert-service: the webhook is an outbound dependency on a
// third party (its slowness, failures and secret stay out of the service that pushes alerts to
// agents), and it scales and restarts on its own; it needs only records already on the topics.
// Parts: routing-handler.ts (each record), routing-replay.ts (held commits, replay marks: a
// successor rebuilds each live call), idle-calls.ts (frees calls whose end never came), call-directory.ts (who every live call is, read by every
// instance), routing-webhook.ts, routing-metrics.ts; this file wires them. I/O: Kafka, HTTP
// (webhook), the rule file, timers.
import { randomUUID } from 'node:crypto';
import { createRoutingEngine, parseRoutingRulesText } from '../../pipelines/routing/index.ts';
import { readConfigFile } from '../shared/config.ts';
import { createConsumerRunner, type ConsumerRunner } from '../shared/consumer-runner.ts';
import type { Logger } from '../shared/logger.ts';
import { callEventCodec, decodeAlertsTopic, emotionEventCodec } from '../shared/records.ts';
import { bootService, type ServiceBase } from '../shared/service-base.ts';
import { routingServiceEnv, type RoutingServiceConfig } from './config.ts';
import { createHistoryClient, HISTORY_REFUSED } from '../shared/customer-history-client.ts';
import { callStoreHistory, noHistory, type HistorySource } from './history-source.ts';
import { createRoutingHandler, type RoutingInput } from './routing-handler.ts';
import { createRoutingMetrics } from './routing-metrics.ts';
import { routingHintCodec } from './routing-records.ts';
import { routingWebhookOf } from './routing-webhook.ts';
import type { WebhookSender } from './webhook.ts';
import { waitFor } from '../shared/wait-for.ts';
import { callKey, keyMatches } from '../shared/call-key.ts';
import { windowJumpProblem } from '../shared/audio-pace.ts';
import { DecodeError } from '../shared/codec.ts';
import type { CallEvent } from '../shared/records.ts';
import { createCallDirectory } from './call-directory.ts';
import { createRoutingReplay } from './routing-replay.ts';
import { createIdleCalls } from './idle-calls.ts';
import { settingNames } from '../shared/setting-names.ts';

export const SERVICE = 'routing-service';

export interface RoutingService {
  readonly base: ServiceBase;
  readonly runner: ConsumerRunner;
  readonly webhook: WebhookSender | null;
  stop(reason?: string): Promise<void>;
}

export interface RoutingStartOptions {
  handleSignals?: boolean;
  logger?: Logger;
  fromBeginning?: boolean;
  /** The customer-history summary; default: none for everyone (see history-source.ts). */
  history?: HistorySource;
}

export async function startRoutingService(
  config: RoutingServiceConfig,
  options: RoutingStartOptions = {},
): Promise<RoutingService> {
  // The rule file first: a bad one is a configuration error before touching Kafka.
  const rules = parseRoutingRulesText(readConfigFile('ROUTING_RULES_FILE', config.ROUTING_RULES_FILE));
  const base = await bootService({
    service: SERVICE,
    config,
    settings: settingNames(routingServiceEnv),
    topics: [
      config.CALLS_TOPIC,
      config.EMOTIONS_TOPIC,
      config.ALERTS_TOPIC,
      config.ROUTING_TOPIC,
      config.DEADLETTER_TOPIC,
    ],
    handleSignals: options.handleSignals,
    logger: options.logger,
  });
  const { logger, metrics, producer } = base;
  for (const warning of config.warnings) logger.warn(warning);
  const history = options.history ?? historySourceOf(config, logger);
  const inputs = [config.CALLS_TOPIC, config.EMOTIONS_TOPIC, config.ALERTS_TOPIC];
  const replay = createRoutingReplay(inputs, config.ROUTING_COMMIT_HOLD_MAX_RECORDS);
  // Ends read by the directory free the call here too, whichever instance's partition held it.
  const directory = createCallDirectory(config.ROUTING_MAX_CALLS, (tenant, callId) => {
    engine.end(tenant, callId);
    replay.release(callKey(tenant, callId));
    idle.forget(callKey(tenant, callId));
  });
  const engine = createRoutingEngine(rules, {
    maxCalls: config.ROUTING_MAX_CALLS,
    callOf: directory.callOf,
    windowJump: (prev, next) => windowJumpProblem(prev, next, Date.now()),
  });
  // Idleness on the monotonic clock (an NTP step frees no call); expiries stay wall-clock times.
  const idle = createIdleCalls(config.ROUTING_CALL_IDLE_MS, engine, replay, () => performance.now());
  const counters = createRoutingMetrics(metrics.registry, engine);
  const webhook = routingWebhookOf(config, {
    producer,
    logger,
    deliveries: counters.deliveries,
    service: SERVICE,
  });
  const handle = createRoutingHandler({
    config,
    engine,
    history,
    hints: counters.hints,
    lookups: counters.lookups,
    // The directory's ends reach the engine (above): an unknown call is not taken for an ended one.
    hasEnded: (tenant, callId) => engine.hasEnded(tenant, callId),
  });

  const runner = createConsumerRunner<RoutingInput>({
    kafka: base.kafka,
    producer,
    service: SERVICE,
    groupId: config.ROUTING_GROUP_ID,
    topics: inputs,
    deadLetterTopic: config.DEADLETTER_TOPIC,
    fromBeginning: options.fromBeginning ?? false,
    consumerConfig: { minBytes: 1, maxWaitTimeInMs: 100 },
    logger,
    metrics,
    decode: (value, headers, topic): RoutingInput => {
      if (topic === config.CALLS_TOPIC)
        return { schema: 'call', value: callEventCodec.decode(value, headers) };
      if (topic === config.EMOTIONS_TOPIC)
        return { schema: 'emotion', value: emotionEventCodec.decode(value, headers) };
      return decodeAlertsTopic(value, headers) as RoutingInput;
    },
    handle: async (record) => {
      const { tenant, callId } = record.value.value;
      // A body naming another call or tenant than its key: refused (dead-lettered), as every other
      // consumer of these topics refuses it, not routed as the call it names.
      if (!keyMatches(record.key, tenant, callId))
        throw new DecodeError('DECODE_FAILED', 'record key is not the record call');
      const offset = Number(record.offset);
      const replayed = replay.replayed(record.topic, record.partition, offset);
      const outputs = await handle(record.value, { replayed });
      const key = callKey(tenant, callId);
      if (engine.has(tenant, callId)) {
        replay.note(record.topic, record.partition, key, offset);
        idle.seen(tenant, callId, Date.now());
      } else {
        replay.release(key);
        idle.forget(key);
      }
      return outputs;
    },
    onRevoked: (partitions) => {
      const keys = replay.revoke(partitions);
      engine.forget(keys);
      for (const key of keys) idle.forget(key);
    },
    commitOffset: (topic, partition, next) => replay.commitOffset(topic, partition, next),
    onReplayUntil: (topic, partition, until) => replay.setReplayUntil(topic, partition, until),
    // Only after the broker has a hint may a router hear of it (no hint a failed produce lost).
    onProduced: (outputs) => {
      if (!webhook) return;
      for (const out of outputs)
        if (out.topic === config.ROUTING_TOPIC)
          webhook.enqueue(routingHintCodec.decode(out.message.value as Buffer, out.message.headers as never));
    },
  });

  /** Next offset the directory will read, per partition of the calls topic. */
  const directoryReached = new Map<number, number>();
  const directoryRunner = createConsumerRunner<CallEvent | null>({
    kafka: base.kafka,
    producer,
    service: SERVICE,
    // A group of its own per process: every instance reads every call, from the beginning.
    groupId: `${config.ROUTING_GROUP_ID}-directory-${randomUUID().slice(0, 8)}`,
    topics: [config.CALLS_TOPIC],
    fromBeginning: true,
    commitOffsets: false,
    poison: 'skip', // decode never throws (above); the group consumer dead-letters bad records
    consumerConfig: { minBytes: 1, maxWaitTimeInMs: 500 },
    logger,
    metrics: { errors: metrics.errors },
    // A record it cannot read still counts as read (the catch-up below waits for every offset);
    // the group consumer dead-letters it.
    decode: (value, headers) => {
      try {
        return callEventCodec.decode(value, headers);
      } catch {
        return null;
      }
    },
    handle: (record) => {
      // A record keyed for another call is the group consumer's to dead-letter, not a call here.
      if (record.value && keyMatches(record.key, record.value.tenant, record.value.callId))
        directory.apply(record.value);
      directoryReached.set(record.partition, Number(record.offset) + 1);
      return [];
    },
  });

  // Calls whose end never came are freed after ROUTING_CALL_IDLE_MS (idle-calls.ts); the commits
  // they held move on at once (no record may come to commit them), as the classifier's sweep does.
  const sweepEveryMs = Math.max(50, Math.min(1000, Math.floor(config.ROUTING_CALL_IDLE_MS / 4)));
  const sweeper = setInterval(() => {
    if (!runner.ready()) return idle.stalled(Date.now());
    const freed = idle.sweep(Date.now());
    if (freed.length > 0) void runner.recommit(freed);
  }, sweepEveryMs);
  sweeper.unref();

  base.ops.addReadiness('consumer', () => runner.ready());
  base.ops.addReadiness('call directory', () => directoryRunner.ready());
  base.shutdown.add('idle sweeper', () => clearInterval(sweeper));
  base.shutdown.add('call directory', () => directoryRunner.stop());
  base.shutdown.add('routing consumer (finish batch, produce, commit)', () => runner.stop());
  if (webhook) base.shutdown.add('webhook deliveries in flight', () => webhook.close());
  await directoryRunner.start();
  // The calls live now must be known before the group replays their emotions and alerts.
  await caughtUp(base, config.CALLS_TOPIC, directoryReached).catch((error: unknown) =>
    logger.warn('call directory still catching up; hints may lack the customer for a while', {
      error: (error as Error).message,
    }),
  );
  const service = { base, runner, webhook, stop: (reason = 'stop') => base.shutdown.run(reason) };
  // A stop during the catch-up already stopped the runner: it must not start after that.
  if (base.shutdown.signal.aborted) return service;
  await runner.start();
  await waitFor('the Kafka consumer to join', () => runner.ready(), 60_000, 50);
  base.markStarted();
  logger.info('routing-service ready', { rules: rules.rules.length, webhooks: config.webhookTargets.size });
  return service;
}

/** Resolves once `reached` is at the end every partition of `topic` had when asked (60 s at most). */
async function caughtUp(
  base: ServiceBase,
  topic: string,
  reached: ReadonlyMap<number, number>,
): Promise<void> {
  const admin = base.kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await waitFor(
      `the call directory to read ${topic} to its end`,
      () =>
        ends.every(
          (end) =>
            Number(end.high) <= Number(end.low) || (reached.get(end.partition) ?? 0) >= Number(end.high),
        ),
      60_000,
      50,
    );
  } finally {
    await admin.disconnect();
  }
}

/** The call store's history when ROUTING_HISTORY_URL is set (the config checked its key), else none. */
function historySourceOf(config: RoutingServiceConfig, logger: Logger): HistorySource {
  if (!config.ROUTING_HISTORY_URL || !config.serviceKey) return noHistory;
  const client = createHistoryClient({
    service: 'routing-service',
    baseUrl: config.ROUTING_HISTORY_URL,
    tokens: { secret: new TextEncoder().encode(config.serviceKey), issuer: config.JWT_ISSUER },
    // historyWithin bounds the wait; the client's own timeout only frees the request.
    timeoutMs: config.ROUTING_HISTORY_TIMEOUT_MS,
    // A customer's next call must see the call that just ended: no cache across calls.
    cacheMs: 0,
    windowDays: config.ROUTING_HISTORY_WINDOW_DAYS,
    onRefused: (status) => logger.error(HISTORY_REFUSED, { code: 'HISTORY_REFUSED', status }),
  });
  return callStoreHistory(client, config.ROUTING_HISTORY_WINDOW_DAYS);
}
