// The optional signed webhooks of the routing-service (webhook.ts; one per tenant or one for every
// tenant, tenant-webhooks.ts) wired to their outcomes: counted, and a hint that could not be
// delivered is logged and dead-lettered to va.deadletter.v1 with its reason (the hint itself stays
// on va.routing.v1). I/O: HTTP (webhooks), Kafka (dead letters).
import type { Counter } from 'prom-client';
import type { Producer } from 'kafkajs';
import type { RoutingHint } from '../../pipelines/routing/index.ts';
import { callKey } from '../shared/call-key.ts';
import type { Logger } from '../shared/logger.ts';
import { outRecord, sendRecords } from '../shared/producer.ts';
import { deadLetterCodec } from '../shared/records.ts';
import type { RoutingServiceConfig } from './config.ts';
import { routingHintCodec } from './routing-records.ts';
import { createWebhookSender, type WebhookFailureCode, type WebhookSender } from './webhook.ts';
import type { WebhookTarget } from './tenant-webhooks.ts';
import { dispatchByTenant } from './webhook-dispatch.ts';

export interface RoutingWebhookWiring {
  producer: Producer;
  logger: Logger;
  deliveries: Counter<'outcome'>;
  /** The dead letter's `service` field. */
  service: string;
}

/** The webhook senders (one per receiver, each hint to its tenant's) when any is set, else null. */
export function routingWebhookOf(
  config: RoutingServiceConfig,
  w: RoutingWebhookWiring,
): WebhookSender | null {
  if (config.webhookTargets.size === 0) return null;
  const { producer, logger, deliveries } = w;
  // Dead letters being produced: a stop waits for them before the producer disconnects (the
  // hints a stop aborts are dead-lettered at that moment; they were sent unawaited, review).
  const producing = new Set<Promise<void>>();
  const deadLetter = (hint: RoutingHint, code: WebhookFailureCode, problem: string, attempts: number) => {
    deliveries.inc({ outcome: code });
    // The hint itself stays on va.routing.v1 (key and hint id below): only the reason travels.
    logger.warn('routing hint not delivered to the webhook', {
      hintId: hint.hintId,
      code,
      problem,
      attempts,
    });
    const record = outRecord(config.DEADLETTER_TOPIC, deadLetterCodec, callKey(hint.tenant, hint.callId), {
      topic: config.ROUTING_TOPIC,
      partition: -1,
      offset: '',
      key: Buffer.from(callKey(hint.tenant, hint.callId)),
      reasonCode: code,
      message: `hint ${hint.hintId}: ${problem} after ${attempts} attempt(s)`,
      originalValue: new Uint8Array(0),
      consumerGroup: config.ROUTING_GROUP_ID,
      service: w.service,
      failedAtMs: Date.now(),
      originalSchema: routingHintCodec.schema,
    });
    const sending = sendRecords(producer, [record])
      .catch((error) =>
        logger.error('dead letter of a routing hint not produced', { hintId: hint.hintId, error }),
      )
      .finally(() => producing.delete(sending));
    producing.add(sending);
  };
  const senderOf = ({ url, secret, previousSecret }: WebhookTarget) =>
    createWebhookSender({
      url,
      secrets: previousSecret === undefined ? [secret] : [secret, previousSecret],
      maxAttempts: config.ROUTING_WEBHOOK_MAX_ATTEMPTS,
      backoffMs: config.ROUTING_WEBHOOK_BACKOFF_MS,
      maxBackoffMs: config.ROUTING_WEBHOOK_MAX_BACKOFF_MS,
      timeoutMs: config.ROUTING_WEBHOOK_TIMEOUT_MS,
      maxQueue: config.ROUTING_WEBHOOK_QUEUE_MAX,
      concurrency: config.ROUTING_WEBHOOK_CONCURRENCY,
      onDelivered: () => deliveries.inc({ outcome: 'delivered' }),
      onRetry: () => deliveries.inc({ outcome: 'retry' }),
      onDeadLetter: deadLetter,
    });
  const senders = dispatchByTenant(
    new Map([...config.webhookTargets].map(([tenant, target]) => [tenant, senderOf(target)])),
  );
  return {
    ...senders,
    close: async (graceMs) => {
      await senders.close(graceMs);
      await Promise.all(producing);
    },
  };
}
