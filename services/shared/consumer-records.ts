// The consumer runner's per-record pieces: a fetched Kafka message as a decoded record, what
// becomes of a record that failed decode or handling (counted by code, its coordinates logged,
// never its value; then dead-lettered or skipped), and the subscription of each topic from the
// beginning or from now. I/O: the subscribe call only.
import type { Consumer, KafkaMessage } from 'kafkajs';
import type { Counter } from 'prom-client';
import { errorCode, errorReason } from '../../pipelines/errors.ts';
import type { RecordHeaders } from './codec.ts';
import type { ConsumedRecord, ConsumerRunnerOptions } from './consumer-runner-options.ts';
import { deadLetterRecord } from './dead-letter.ts';
import type { Logger } from './logger.ts';
import type { OutRecord } from './producer.ts';
import { TOPICS } from './topics.ts';
import { createLogThrottle } from './log-throttle.ts';

export function consumedRecord<T>(
  decode: ConsumerRunnerOptions<T>['decode'],
  topic: string,
  partition: number,
  message: KafkaMessage,
): ConsumedRecord<T> {
  const key = message.key?.toString('utf8') ?? '';
  return {
    topic,
    partition,
    offset: message.offset,
    key,
    value: decode(message.value, message.headers as RecordHeaders, topic, key),
    timestampMs: Number(message.timestamp),
  };
}

export interface PoisonPolicy {
  service: string;
  groupId: string;
  logger: Logger;
  errors?: Counter<'code'>;
  poison?: 'dead-letter' | 'skip';
  deadLetterTopic?: string;
}

const poisonLogs = createLogThrottle(10_000);

/** Counts and logs a record that failed decode or handling; returns its dead letter, if any. */
export function poisonOutput(
  policy: PoisonPolicy,
  source: { topic: string; partition: number; message: KafkaMessage },
  error: unknown,
  fallbackCode: string,
): OutRecord | null {
  const { topic, partition, message } = source;
  const code = errorCode(error, fallbackCode);
  policy.errors?.inc({ code });
  const where = { topic, partition, offset: message.offset, code };
  // One line per topic and code every 10 s (2 000 poison records wrote 6 000 lines): the counter
  // counts each, the dead letter keeps each one's coordinates and reason.
  const held = poisonLogs.admit(`${policy.service}|${policy.poison}|${topic}|${code}`);
  const repeated = held !== null && held > 0 ? { repeated: held } : {};
  if (policy.poison === 'skip') {
    if (held !== null) policy.logger.warn('record skipped', { ...where, ...repeated });
    return null;
  }
  const reason = errorReason(error);
  if (held !== null) policy.logger.warn('record dead-lettered', { ...where, reason, ...repeated });
  return deadLetterRecord(
    { topic, partition, message, reasonCode: code, reason },
    { service: policy.service, consumerGroup: policy.groupId },
    policy.deadLetterTopic ?? TOPICS.deadletter,
  );
}

/** Subscribes each topic from the beginning or from now (where no offset is committed). */
export async function subscribeTopics(
  consumer: Consumer,
  topics: readonly string[],
  fromBeginning: boolean | ((topic: string) => boolean) = true,
): Promise<void> {
  const early = (topic: string) =>
    typeof fromBeginning === 'function' ? fromBeginning(topic) : fromBeginning;
  for (const atBeginning of [true, false]) {
    const some = topics.filter((topic) => early(topic) === atBeginning);
    if (some.length > 0) await consumer.subscribe({ topics: some, fromBeginning: atBeginning });
  }
}
