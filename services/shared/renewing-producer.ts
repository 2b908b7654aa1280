// An idempotent kafkajs producer that is replaced by a fresh one (a new producer id, sequences
// from 0) when the broker refuses its idempotence state: after a leader fails over mid-request,
// kafkajs 2.2.4 can send a sequence the new leader does not expect, and every later send of that
// producer to the partition fails the same way (OUT_OF_ORDER_SEQUENCE_NUMBER). The failing send
// still rejects: its callers already send again (gateway sink) or replay (consumer runner); the
// repeat, under the new producer id, may duplicate records that consumers drop by id.
// I/O: Kafka connections of the inner producers.
import type { Producer, ProducerBatch } from 'kafkajs';
import type { Logger } from './logger.ts';

/** Broker error types that mean this producer's idempotence state is void (Kafka protocol codes 45, 47, 59). */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
  'UNKNOWN_PRODUCER_ID',
]);

export function isProducerStateError(error: unknown): boolean {
  const e = error as { type?: string; cause?: { type?: string } } | null;
  return PRODUCER_STATE_ERRORS.has(e?.type ?? '') || PRODUCER_STATE_ERRORS.has(e?.cause?.type ?? '');
}

export function createRenewingProducer(make: () => Producer, logger: Logger, onRenew?: () => void): Producer {
  let inner = make();
  let renewing: Promise<void> | null = null;
  const renew = (): Promise<void> => {
    renewing ??= (async () => {
      const old = inner;
      inner = make();
      onRenew?.();
      logger.warn('producer idempotence state refused by the broker: using a new producer id');
      await old.disconnect().catch(() => undefined);
      await inner.connect();
    })().finally(() => {
      renewing = null;
    });
    return renewing;
  };
  const guarded = async <T>(send: () => Promise<T>): Promise<T> => {
    if (renewing) await renewing;
    try {
      return await send();
    } catch (error) {
      if (isProducerStateError(error)) await renew().catch(() => undefined);
      throw error;
    }
  };
  return {
    ...inner,
    connect: () => inner.connect(),
    disconnect: () => inner.disconnect(),
    isIdempotent: () => inner.isIdempotent(),
    on: ((...args: Parameters<Producer['on']>) => inner.on(...args)) as Producer['on'],
    send: (record) => guarded(() => inner.send(record)),
    sendBatch: (batch: ProducerBatch) => guarded(() => inner.sendBatch(batch)),
  };
}
