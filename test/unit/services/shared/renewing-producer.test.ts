// The renewing producer with scripted kafkajs producers: a refused idempotence state
// (OUT_OF_ORDER_SEQUENCE_NUMBER after a leader failover) replaces the producer, the failing send
// still rejects (its caller sends again), and the next send goes through the new producer.
import type { Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../services/shared/logger.ts';
import {
  createRenewingProducer,
  isProducerStateError,
} from '../../../../services/shared/renewing-producer.ts';

const logger = createLogger({ service: 'test', write: () => undefined });

function scripted(id: number, log: string[], fail?: Error): Producer {
  return {
    connect: async () => void log.push(`connect ${id}`),
    disconnect: async () => void log.push(`disconnect ${id}`),
    sendBatch: async () => {
      log.push(`send ${id}`);
      if (fail) throw fail;
      return [];
    },
  } as unknown as Producer;
}

describe('renewing producer', () => {
  it('replaces a producer whose sequence the broker refused and sends through the new one next', async () => {
    const log: string[] = [];
    const outOfOrder = Object.assign(new Error('out of order'), {
      name: 'KafkaJSProtocolError',
      type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      retriable: false,
    });
    let made = 0;
    let renewed = 0;
    const producer = createRenewingProducer(
      () => {
        made += 1;
        return scripted(made, log, made === 1 ? outOfOrder : undefined);
      },
      logger,
      () => (renewed += 1),
    );
    await producer.connect();
    await expect(producer.sendBatch({ topicMessages: [] })).rejects.toThrow('out of order');
    await producer.sendBatch({ topicMessages: [] });
    expect(log).toEqual(['connect 1', 'send 1', 'disconnect 1', 'connect 2', 'send 2']);
    expect(renewed).toBe(1);
  });

  it('keeps the producer on other failures (a lost broker is retried by kafkajs and the caller)', async () => {
    const log: string[] = [];
    let made = 0;
    const producer = createRenewingProducer(() => {
      made += 1;
      return scripted(made, log, new Error('connection refused'));
    }, logger);
    await expect(producer.sendBatch({ topicMessages: [] })).rejects.toThrow('connection refused');
    expect(made).toBe(1);
    expect(isProducerStateError({ type: 'UNKNOWN_PRODUCER_ID' })).toBe(true);
    expect(isProducerStateError({ type: 'MESSAGE_TOO_LARGE' })).toBe(false);
  });
});
