// Dead-letter helper: wraps a record a consumer could not process, with its origin and a stable
// reason code, into a DeadLetter record on va.deadletter.v1 (key = the original key). Only the
// reason and the coordinates (topic, partition, offset) travel: never the original value, which
// for va.audio.v1 is call audio that must only transit (1 h retention, not the dead letters' 7 d).
// I/O: produces through the given kafkajs producer.
import { createHash } from 'node:crypto';
import type { KafkaMessage, Producer } from 'kafkajs';
import { namedSchema, schemaOf } from './codec.ts';
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

/**
 * Bytes of the original key a dead letter copies (as its key and in `key`). A key is a tenant and
 * a call id (under 300 bytes); a bad record's may be anything: copied whole, a 600 kB key made the
 * dead letter larger than the broker accepts, its produce failed, and the consumer re-read the
 * same record for good (the partition stalled). A longer key is cut and named by its hash.
 */
export const DEAD_LETTER_MAX_KEY_BYTES = 512;

/** The record's schema header when it names one of the contracts: other header text is not copied. */
function knownSchemaOrEmpty(header: string | undefined): string {
  return header !== undefined && namedSchema(header) === header ? header : '';
}

function boundedKey(key: Buffer): { bytes: Buffer; text: string; note: string } {
  if (key.byteLength <= DEAD_LETTER_MAX_KEY_BYTES)
    return { bytes: key, text: key.toString('utf8'), note: '' };
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 16);
  const bytes = key.subarray(0, DEAD_LETTER_MAX_KEY_BYTES);
  return {
    bytes,
    text: `oversized-key:${key.byteLength}:${digest}`,
    note: ` (key of ${key.byteLength} bytes: its first ${DEAD_LETTER_MAX_KEY_BYTES} kept, sha256 ${digest}…)`,
  };
}

/** The DeadLetter record for one failed input (not yet sent). */
export function deadLetterRecord(
  input: DeadLetterInput,
  origin: { service: string; consumerGroup: string },
  topic: string = TOPICS.deadletter,
): OutRecord {
  const key = boundedKey(input.message.key ?? Buffer.alloc(0));
  return outRecord(topic, deadLetterCodec, key.text, {
    topic: input.topic,
    partition: input.partition,
    offset: input.message.offset,
    key: key.bytes,
    reasonCode: input.reasonCode,
    message: (input.reason.slice(0, 1000) + key.note).slice(0, 1200),
    // Never copied (see above): the record stays readable at its coordinates while retained.
    originalValue: new Uint8Array(0),
    consumerGroup: origin.consumerGroup,
    service: origin.service,
    failedAtMs: Date.now(),
    originalSchema: knownSchemaOrEmpty(schemaOf(input.message.headers as Record<string, Buffer>)),
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
