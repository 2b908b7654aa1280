// Dead-letter helper: wraps a record a consumer could not process, with its origin and a stable
// reason code, into a DeadLetter record on va.deadletter.v1 (key = the original key). Only the
// reason and the coordinates (topic, partition, offset) travel: never the original value, which
// for va.audio.v1 is call audio that must only transit (1 h retention, not the dead letters' 7 d).
// I/O: produces through the given kafkajs producer.
import type { KafkaMessage, Producer } from 'kafkajs';
import { schemaOf } from './codec.ts';
import { outRecord, sendRecords, type OutRecord } from './producer.ts';
import { deadLetterCodec } from './records.ts';
import { TOPICS } from './topics.ts';

export interface DeadLetterInput {
  topic: string;
  partition: number;
  message: Pick<KafkaMessage, 'key' | 'value' | 'offset' | 'headers'>;
  /** Stable code: DECODE_FAILED, SCHEMA_MISMATCH, or the processing error's `code`. */
  reasonCode: string;
  reason: string;
}

/** The DeadLetter record for one failed input (not yet sent). */
export function deadLetterRecord(
  input: DeadLetterInput,
  origin: { service: string; consumerGroup: string },
  topic: string = TOPICS.deadletter,
): OutRecord {
  const key = input.message.key ?? Buffer.alloc(0);
  return outRecord(topic, deadLetterCodec, key.toString('utf8'), {
    topic: input.topic,
    partition: input.partition,
    offset: input.message.offset,
    key,
    reasonCode: input.reasonCode,
    message: input.reason.slice(0, 1000),
    // Never copied (see above): the record stays readable at its coordinates while retained.
    originalValue: new Uint8Array(0),
    consumerGroup: origin.consumerGroup,
    service: origin.service,
    failedAtMs: Date.now(),
    originalSchema: schemaOf(input.message.headers as Record<string, Buffer>) ?? '',
  });
}

export interface DeadLetterSink {
  send(input: DeadLetterInput): Promise<void>;
}

export function createDeadLetterSink(
  producer: Producer,
  origin: { service: string; consumerGroup: string },
  topic: string = TOPICS.deadletter,
): DeadLetterSink {
  return { send: (input) => sendRecords(producer, [deadLetterRecord(input, origin, topic)]) };
}
