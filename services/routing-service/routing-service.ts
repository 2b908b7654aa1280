// The routing-service: a consumer group over va.calls.v1 (call start: customer reference and
// history lookup; call end frees the state), va.emotions.v1 (the customer's recent states) and
// va.alerts.v1 (sustained frustration as the alert engine judged it), the pure hint engine
// (pipelines/routing), hints produced to va.routing.v1 before offsets are committed, and — once the
// broker acknowledged them — queued for the optional signed webhook, whose failures are retried and
// finally dead-lettered to va.deadletter.v1, never blocking the consumer.
// A separate service, not part of the alert-service: the webhook is an outbound dependency on a
// third party (its slowness, failures and secret stay out of the service that pushes alerts to
// agents), and it scales and restarts on its own; it needs only records already on the topics.
// I/O: Kafka, HTTP (webhook), the rule file, timers.
import { Counter, Gauge } from 'prom-client';
import {
  createRoutingEngine,
  parseRoutingRulesText,
  type RoutingHint,
} from '../../pipelines/routing/index.ts';
import { callKey } from '../shared/call-key.ts';
import { readConfigFile } from '../shared/config.ts';
import { createConsumerRunner, type ConsumerRunner } from '../shared/consumer-runner.ts';
import type { Logger } from '../shared/logger.ts';
import { outRecord, sendRecords, type OutRecord } from '../shared/producer.ts';
import {
  callEventCodec,
  deadLetterCodec,
  decodeAlertsTopic,
  emotionEventCodec,
  type AlertAckRecord,
  type AlertEventRecord,
  type CallEvent,
  type EmotionEventRecord,
} from '../shared/records.ts';
import { bootService, type ServiceBase } from '../shared/service-base.ts';
import type { RoutingServiceConfig } from './config.ts';
import { createHistoryClient, historyAllowed } from '../shared/customer-history-client.ts';
import { callStoreHistory, historyWithin, noHistory, type HistorySource } from './history-source.ts';
import { routingHintCodec } from './routing-records.ts';
import { createWebhookSender, type WebhookFailureCode, type WebhookSender } from './webhook.ts';
import { waitFor } from '../shared/wait-for.ts';

export const SERVICE = 'routing-service';

type RoutingInput =
  | { schema: 'call'; value: CallEvent }
  | { schema: 'emotion'; value: EmotionEventRecord }
  | { schema: 'alert'; value: AlertEventRecord }
  | { schema: 'ack'; value: AlertAckRecord };

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
    topics: [
      config.TOPIC_CALLS,
      config.TOPIC_EMOTIONS,
      config.TOPIC_ALERTS,
      config.TOPIC_ROUTING,
      config.TOPIC_DEADLETTER,
    ],
    handleSignals: options.handleSignals,
    logger: options.logger,
  });
  const { logger, metrics, producer } = base;
  const registers = [metrics.registry];
  const history = options.history ?? historySourceOf(config);
  const engine = createRoutingEngine(rules, config.ROUTING_MAX_CALLS);

  const hints = new Counter({
    name: 'va_routing_hints_total',
    help: 'Routing hints produced, by trigger and suggestion',
    labelNames: ['trigger', 'suggested'] as const,
    registers,
  });
  const lookups = new Counter({
    name: 'va_routing_history_lookups_total',
    help: 'Customer-history lookups at call start, by outcome (found, none, timeout, error, opted_out)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const deliveries = new Counter({
    name: 'va_routing_webhook_total',
    help: 'Webhook deliveries by outcome (delivered, retry, or the dead-letter code)',
    labelNames: ['outcome'] as const,
    registers,
  });
  new Gauge({
    name: 'va_routing_calls',
    help: 'Calls whose hint state this instance holds',
    registers,
    collect() {
      this.set(engine.size());
    },
  });

  const deadLetter = (hint: RoutingHint, code: WebhookFailureCode, problem: string, attempts: number) => {
    deliveries.inc({ outcome: code });
    // The hint itself stays on va.routing.v1 (key and hint id below): only the reason travels.
    logger.warn('routing hint not delivered to the webhook', {
      hintId: hint.hintId,
      code,
      problem,
      attempts,
    });
    const record = outRecord(config.TOPIC_DEADLETTER, deadLetterCodec, callKey(hint.tenant, hint.callId), {
      topic: config.TOPIC_ROUTING,
      partition: -1,
      offset: '',
      key: Buffer.from(callKey(hint.tenant, hint.callId)),
      reasonCode: code,
      message: `hint ${hint.hintId}: ${problem} after ${attempts} attempt(s)`,
      originalValue: new Uint8Array(0),
      consumerGroup: config.ROUTING_GROUP_ID,
      service: SERVICE,
      failedAtMs: Date.now(),
      originalSchema: routingHintCodec.schema,
    });
    sendRecords(producer, [record]).catch((error) =>
      logger.error('dead letter of a routing hint not produced', { hintId: hint.hintId, error }),
    );
  };
  const webhook = config.ROUTING_WEBHOOK_URL
    ? createWebhookSender({
        url: config.ROUTING_WEBHOOK_URL,
        secret: config.ROUTING_WEBHOOK_SECRET as string,
        maxAttempts: config.ROUTING_WEBHOOK_MAX_ATTEMPTS,
        backoffMs: config.ROUTING_WEBHOOK_BACKOFF_MS,
        maxBackoffMs: config.ROUTING_WEBHOOK_MAX_BACKOFF_MS,
        timeoutMs: config.ROUTING_WEBHOOK_TIMEOUT_MS,
        maxQueue: config.ROUTING_WEBHOOK_QUEUE_MAX,
        concurrency: config.ROUTING_WEBHOOK_CONCURRENCY,
        onDelivered: () => deliveries.inc({ outcome: 'delivered' }),
        onRetry: () => deliveries.inc({ outcome: 'retry' }),
        onDeadLetter: deadLetter,
      })
    : null;

  const produce = (hint: RoutingHint | null): OutRecord[] => {
    if (!hint) return [];
    hints.inc({ trigger: hint.trigger, suggested: hint.suggested });
    return [outRecord(config.TOPIC_ROUTING, routingHintCodec, callKey(hint.tenant, hint.callId), hint)];
  };

  const handle = async (input: RoutingInput): Promise<OutRecord[]> => {
    switch (input.schema) {
      case 'call': {
        const call = input.value;
        if (call.type === 'ended') {
          engine.end(call.tenant, call.callId);
          return [];
        }
        // No analytics without consent: such a call gets no history lookup and no hint.
        if (!call.consent.analytics) return [];
        // A customer who opted out of history gets live hints only: their past is not looked up.
        const found = historyAllowed(call)
          ? await historyWithin(
              history,
              call.tenant,
              call.customerRef,
              config.ROUTING_HISTORY_TIMEOUT_MS,
              call.callId,
            )
          : { history: null, outcome: 'opted_out' as const };
        lookups.inc({ outcome: found.outcome });
        return produce(
          engine.start(
            {
              tenant: call.tenant,
              callId: call.callId,
              customerRef: call.customerRef,
              agentId: call.agentId,
              queue: call.queue,
              startedAtMs: call.startTimeMs,
            },
            found.history,
          ),
        );
      }
      case 'emotion': {
        const e = input.value;
        return produce(
          engine.emotion({
            tenant: e.tenant,
            callId: e.callId,
            channel: e.channel,
            windowIndex: e.windowIndex,
            startMs: e.startMs,
            state: e.state,
            producedAtMs: e.producedAtMs,
          }),
        );
      }
      case 'alert': {
        const a = input.value;
        return produce(
          engine.alert({
            tenant: a.tenant,
            callId: a.callId,
            ruleId: a.ruleId,
            state: a.state,
            windowIndex: a.windowIndex,
            audioMs: a.audioMs,
            message: a.message,
            firedAtMs: a.firedAtMs,
          }),
        );
      }
      default:
        return [];
    }
  };

  const runner = createConsumerRunner<RoutingInput>({
    kafka: base.kafka,
    producer,
    service: SERVICE,
    groupId: config.ROUTING_GROUP_ID,
    topics: [config.TOPIC_CALLS, config.TOPIC_EMOTIONS, config.TOPIC_ALERTS],
    deadLetterTopic: config.TOPIC_DEADLETTER,
    fromBeginning: options.fromBeginning ?? false,
    consumerConfig: { minBytes: 1, maxWaitTimeInMs: 100 },
    logger,
    metrics,
    decode: (value, headers, topic): RoutingInput => {
      if (topic === config.TOPIC_CALLS)
        return { schema: 'call', value: callEventCodec.decode(value, headers) };
      if (topic === config.TOPIC_EMOTIONS)
        return { schema: 'emotion', value: emotionEventCodec.decode(value, headers) };
      return decodeAlertsTopic(value, headers) as RoutingInput;
    },
    handle: (record) => handle(record.value),
    // Only after the broker has a hint may a router hear of it (no hint a failed produce lost).
    onProduced: (outputs) => {
      if (!webhook) return;
      for (const out of outputs)
        if (out.topic === config.TOPIC_ROUTING)
          webhook.enqueue(routingHintCodec.decode(out.message.value as Buffer, out.message.headers as never));
    },
  });

  base.ops.addReadiness('consumer', () => runner.ready());
  base.shutdown.add('routing consumer (finish batch, produce, commit)', () => runner.stop());
  if (webhook) base.shutdown.add('webhook deliveries in flight', () => webhook.close());
  await runner.start();
  await waitFor('the Kafka consumer to join', () => runner.ready(), 60_000, 50);
  logger.info('routing-service ready', { rules: rules.rules.length, webhook: Boolean(webhook) });
  return { base, runner, webhook, stop: (reason = 'stop') => base.shutdown.run(reason) };
}

/** The call store's history when ROUTING_HISTORY_URL is set (the config checked JWT_SECRET), else none. */
function historySourceOf(config: RoutingServiceConfig): HistorySource {
  if (!config.ROUTING_HISTORY_URL || !config.JWT_SECRET) return noHistory;
  const client = createHistoryClient({
    service: 'routing-service',
    baseUrl: config.ROUTING_HISTORY_URL,
    tokens: { secret: new TextEncoder().encode(config.JWT_SECRET), issuer: config.JWT_ISSUER },
    // historyWithin bounds the wait; the client's own timeout only frees the request.
    timeoutMs: config.ROUTING_HISTORY_TIMEOUT_MS,
    // A customer's next call must see the call that just ended: no cache across calls.
    cacheMs: 0,
    windowDays: config.ROUTING_HISTORY_WINDOW_DAYS,
  });
  return callStoreHistory(client, config.ROUTING_HISTORY_WINDOW_DAYS);
}
