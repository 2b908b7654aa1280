// A stop's dead letters reach the dead-letter topic before the producer disconnects: the routing
// service's webhook close waits for them. They were produced unawaited, so a producer closed
// right after the stop could drop them (review). Real broker, real HTTP receiver; the producer's
// sends are held 300 ms, as a broker slow to answer would.
import { Registry, Counter } from 'prom-client';
import type { Producer } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { loadRoutingServiceConfig } from '../../../services/routing-service/config.ts';
import { routingWebhookOf } from '../../../services/routing-service/routing-webhook.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { topicMessages } from '../history/evidence.ts';
import { receiver } from './webhook-receiver.ts';
import { sampleHint } from './sample-hint.ts';

const hint = (n: number) =>
  sampleHint({ hintId: `acme/c-${n}:routing:live:frustration-sustained:a20`, callId: `c-${n}` });

/** The producer with every batch held `ms` before it is sent. */
function slowed(producer: Producer, ms: number): Producer {
  return Object.assign(Object.create(producer) as Producer, {
    sendBatch: async (batch: Parameters<Producer['sendBatch']>[0]) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return producer.sendBatch(batch);
    },
  });
}

describe('routing webhook dead letters at a stop', () => {
  it('are on the dead-letter topic when close resolves, before the producer disconnects', async () => {
    const kafka = testKafka();
    const dl = uniqueName('va.deadletter.stop');
    await createTestTopics(kafka, [dl], 1);
    const hook = await receiver(() => ({ status: 200, delayMs: 3_000 }));
    const config = loadRoutingServiceConfig({
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      LOG_LEVEL: 'error',
      DEADLETTER_TOPIC: dl,
      ROUTING_WEBHOOK_URL: hook.url,
      ROUTING_WEBHOOK_SECRET: 's'.repeat(40),
      ROUTING_WEBHOOK_CONCURRENCY: '2',
    });
    const producer = kafka.producer();
    await producer.connect();
    const webhook = routingWebhookOf(config, {
      producer: slowed(producer, 300),
      logger: createLogger({ service: 'routing-service', level: 'error' }),
      deliveries: new Counter({
        name: 'deliveries',
        help: 'test',
        labelNames: ['outcome'],
        registers: [new Registry()],
      }),
      service: 'routing-service',
    })!;
    for (const n of [1, 2, 3]) webhook.enqueue(hint(n));
    await expect.poll(() => hook.requests.length).toBe(2);
    await webhook.close(200);
    await producer.disconnect();
    const dead = await topicMessages(kafka, dl);
    expect(dead.map((m) => m.key).sort()).toEqual(['acme/c-1', 'acme/c-2', 'acme/c-3']);
  });
});
