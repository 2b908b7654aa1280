// Keeps a kafkajs consumer running after a crash kafkajs itself gives up on. kafkajs 2.2.4 restarts
// a crashed consumer only when the error's root cause is retriable (consumer/index.js onCrash);
// otherwise it disconnects and stays stopped while the process lives on: /healthz answers, nothing
// is consumed. Such crashes are not all permanent: KafkaJSGroupCoordinatorNotFound is non-retriable
// and follows a cluster restart (kafkajs issue #1445), and a TypeError thrown from a batch handler
// is "unrecoverable" to kafkajs' retrier though the next batch may go through. So the consumer is
// connected and run again, with a backoff doubling from 1 s to 30 s, until the service stops; it
// rejoins from the committed offsets (at-least-once, ids make the replay idempotent). A setting
// the broker refuses fails the same way every time: logged at each attempt, never a silent stop.
// I/O: the consumer's connections and timers.
import type { Consumer, ConsumerRunConfig } from 'kafkajs';
import type { Logger } from './logger.ts';

export interface KeepRunningOptions {
  logger: Pick<Logger, 'error'>;
  /** Aborted when the service stops: no restart after that. */
  signal?: AbortSignal;
  /** Wait before the first restart (default 1 s); doubles per crash up to maxBackoffMs. */
  initialBackoffMs?: number;
  /** Longest wait (default 30 s); a consumer that stayed in its group this long starts over. */
  maxBackoffMs?: number;
}

export interface KeptRunning {
  /** Resolves once no restart is under way: stop the consumer after it, never during one. */
  settled(): Promise<void>;
}

/** consumer.run(config), and again after every crash kafkajs does not restart itself. */
export async function runConsumerKeptRunning(
  consumer: Consumer,
  config: ConsumerRunConfig,
  options: KeepRunningOptions,
): Promise<KeptRunning> {
  const initialMs = options.initialBackoffMs ?? 1_000;
  const maxMs = options.maxBackoffMs ?? 30_000;
  let backoffMs = initialMs;
  let joinedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> = Promise.resolve();
  const stopped = (): boolean => options.signal?.aborted === true;
  options.signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });

  const restart = async (): Promise<void> => {
    if (stopped()) return;
    try {
      await consumer.connect();
      if (!stopped()) await consumer.run(config);
      // Stopped meanwhile: the service's stop waits for this (settled) and then disconnects.
    } catch (error) {
      schedule(error);
    }
  };
  const schedule = (error: unknown): void => {
    if (stopped()) return;
    // A crash soon after joining is the same fault again (a record that always fails): the wait
    // keeps doubling. One that ran for a while is a new fault: it starts over.
    if (joinedAt > 0 && Date.now() - joinedAt >= maxMs) backoffMs = initialMs;
    const delayMs = backoffMs;
    backoffMs = Math.min(backoffMs * 2, maxMs);
    options.logger.error('consumer stopped by kafkajs; starting it again', {
      code: 'CONSUMER_STOPPED',
      error,
      inMs: delayMs,
    });
    clearTimeout(timer);
    timer = setTimeout(() => {
      restarting = restart();
    }, delayMs);
    timer.unref();
  };

  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt = Date.now();
  });
  consumer.on(consumer.events.CRASH, (event) => {
    // kafkajs emits CRASH after it disconnected the consumer; `restart` says whether it restarts it.
    if (!event.payload.restart) schedule(event.payload.error);
  });
  await consumer.run(config);
  return {
    settled: async () => {
      // A restart may schedule another; wait until the latest one has finished.
      for (let seen: Promise<void> | null = null; seen !== restarting;) await (seen = restarting);
    },
  };
}
