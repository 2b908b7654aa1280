// Keeps a CatchUp (catch-up.ts) honest about records that retention deletes while a consumer is
// still reading what was there at its start: a partition whose remaining records expired before
// they were fetched has nothing left to read, no batch is flushed for it, and the consumer was
// never ready (an alert service that welcomed no page, a call store answering 503, until
// restarted). Until the catch-up is done, the partitions' first offsets are looked up every
// interval and count as reached. I/O: Kafka admin requests, a timer.
import type { Admin, Kafka } from 'kafkajs';
import type { CatchUp } from './catch-up.ts';

export interface CatchUpWatch {
  stop(): Promise<void>;
}

export function watchLogStarts(
  kafka: Kafka,
  topics: readonly string[],
  catchUp: CatchUp,
  intervalMs = 1_000,
): CatchUpWatch {
  let admin: Admin | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function look(): Promise<void> {
    admin ??= kafka.admin();
    await admin.connect();
    for (const topic of topics)
      for (const { partition, low } of await admin.fetchTopicOffsets(topic))
        catchUp.reached(topic, partition, low);
  }

  const tick = (): void => {
    if (stopped || catchUp.done()) return void stop();
    // A failed look-up (broker briefly away) is tried again at the next tick.
    look()
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  timer = setTimeout(tick, intervalMs).unref();

  async function stop(): Promise<void> {
    stopped = true;
    clearTimeout(timer);
    const a = admin;
    admin = null;
    await a?.disconnect().catch(() => undefined);
  }
  return { stop };
}
