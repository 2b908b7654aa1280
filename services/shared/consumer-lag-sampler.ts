// va_consumer_lag between batches. The runner sets the gauge when a batch arrives, so a reading
// that stops fetching (a stalled fetch path, a paused consumer, an ACL change) left it at its last
// value, usually 0, while the topic grew. Every `intervalMs` this asks the log ends of the
// partitions the consumer reads (the high watermark, as a fetch reports it: high-watermarks.ts)
// and sets each one's lag from the position the reading reached. I/O: Kafka ListOffsets
// (one Metadata and one ListOffsets request per topic and leader per interval) and a timer.
import type { Kafka } from 'kafkajs';
import type { TopicPartition } from './consumer-runner-options.ts';
import { createHighWatermarks } from './high-watermarks.ts';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';

export interface LagSamplerOptions {
  kafka: Kafka;
  gauge: ServiceMetrics['consumerLag'];
  groupId: string;
  intervalMs: number;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** The partitions whose lag this consumer reports now. */
  partitions: () => TopicPartition[];
  /** The next offset the reading would count as a backlog from, or undefined: not known yet. */
  positionOf: (topic: string, partition: number) => number | undefined;
}

export interface LagSampler {
  /** Samples once now (the timer's work; also for a test). */
  sample(): Promise<void>;
  /** Ends the timer, waits for a sample under way, closes the connections. */
  stop(): Promise<void>;
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export function startLagSampler(options: LagSamplerOptions): LagSampler {
  const highWatermarks = createHighWatermarks(options.kafka);
  let failing = false;
  let running: Promise<void> | null = null;

  const sampleTopic = async (topic: string, asked: TopicPartition[]): Promise<void> => {
    const ends = await highWatermarks.of(topic);
    // Read after the answer: a partition revoked meanwhile is left to its next owner, and a
    // position that moved meanwhile counts (a lag a little low, never a stale high one).
    const still = new Set(options.partitions().map((p) => tpKey(p.topic, p.partition)));
    for (const { partition } of asked) {
      const end = ends.get(partition);
      const position = options.positionOf(topic, partition);
      if (end === undefined || position === undefined || !still.has(tpKey(topic, partition))) continue;
      const labels = { group: options.groupId, topic, partition: String(partition) };
      options.gauge.set(labels, Math.max(0, Number(end) - position));
    }
  };

  const sampleAll = async (): Promise<void> => {
    const byTopic = new Map<string, TopicPartition[]>();
    for (const p of options.partitions()) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
    try {
      for (const [topic, asked] of byTopic) await sampleTopic(topic, asked);
      if (failing) options.logger.info('consumer lag sampled again', { group: options.groupId });
      failing = false;
    } catch (error) {
      // The broker away: the batches stop too, and the gauge keeps its last sample. Said once.
      if (!failing)
        options.logger.warn('consumer lag not sampled', {
          code: 'LAG_SAMPLE_FAILED',
          group: options.groupId,
          error,
        });
      failing = true;
    }
  };

  const sample = (): Promise<void> => {
    running ??= sampleAll().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => void sample(), options.intervalMs);
  timer.unref();
  return {
    sample,
    async stop() {
      clearInterval(timer);
      await running;
      await highWatermarks.disconnect();
    },
  };
}
