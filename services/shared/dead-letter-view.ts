// What `npm run deadletters` prints of one dead letter: a JSON line an operator can read (the
// record on va.deadletter.v1 is protobuf, which kafka-console-consumer shows as bytes), and the
// filters it takes. A dead letter never carries the refused value (dead-letter.ts); the line
// names where that record still is (topic, partition, offset) while its topic keeps it. A record
// that is not a dead letter is never shown (it may hold anything). Pure.
import { schemaOf, type RecordHeaders } from './codec.ts';
import { deadLetterCodec, type DeadLetterRecord } from './records.ts';

export interface DeadLetterLine {
  failedAt: string;
  service: string;
  consumerGroup: string;
  reasonCode: string;
  message: string;
  /** The refused record's coordinates and its `va-schema` header (empty when it had none). */
  source: { topic: string; partition: number; offset: string; schema: string };
  /** The refused record's key (tenant and call id) as text, or `hex:` when it is not UTF-8 text. */
  key: string;
  /** Where the dead letter itself is on its topic. */
  deadLetter: { partition: number; offset: string };
}

export interface DeadLetterFilter {
  reasonCode?: string;
  service?: string;
  sourceTopic?: string;
}

const KEY_HEX_BYTES = 64;

function keyText(key: Uint8Array): string {
  const bytes = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  const text = bytes.toString('utf8');
  // A key that does not survive the round trip, or holds control characters, is shown as bytes.
  // eslint-disable-next-line no-control-regex
  if (Buffer.from(text, 'utf8').equals(bytes) && !/[\u0000-\u001f\u007f]/.test(text)) return text;
  const hex = bytes.subarray(0, KEY_HEX_BYTES).toString('hex');
  return `hex:${hex}${bytes.byteLength > KEY_HEX_BYTES ? `…(${bytes.byteLength} bytes)` : ''}`;
}

/**
 * The dead letter a record holds, or null when it is not one a service wrote: it must name the
 * DeadLetter schema in its header and say who refused what. Protobuf decodes most byte strings, so
 * a stray record without the header (a person's name, a card number) printed as a `message`.
 */
export function asDeadLetter(
  value: Buffer | null | undefined,
  headers: RecordHeaders | undefined,
): DeadLetterRecord | null {
  if (schemaOf(headers) !== deadLetterCodec.schema) return null;
  try {
    const letter = deadLetterCodec.decode(value, headers);
    return letter.reasonCode && letter.service && Number(letter.failedAtMs) > 0 ? letter : null;
  } catch {
    return null;
  }
}

export function deadLetterLine(
  record: DeadLetterRecord,
  at: { partition: number; offset: string },
): DeadLetterLine {
  return {
    failedAt: new Date(Number(record.failedAtMs)).toISOString(),
    service: record.service,
    consumerGroup: record.consumerGroup,
    reasonCode: record.reasonCode,
    message: record.message,
    source: {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      schema: record.originalSchema,
    },
    key: keyText(record.key),
    deadLetter: at,
  };
}

export function matchesFilter(line: DeadLetterLine, filter: DeadLetterFilter): boolean {
  return (
    (filter.reasonCode === undefined || line.reasonCode === filter.reasonCode) &&
    (filter.service === undefined || line.service === filter.service) &&
    (filter.sourceTopic === undefined || line.source.topic === filter.sourceTopic)
  );
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * `--since`: a span back from now (`30m`, `6h`, `7d`) or an ISO 8601 time; the epoch ms, or null
 * when the text is neither.
 */
export function sinceMs(text: string, nowMs: number): number | null {
  const span = /^(\d{1,6})([mhd])$/.exec(text.trim());
  // Before 1970 is no time a dead letter has (the broker refused the offset request).
  const at = span
    ? nowMs - Number(span[1]) * UNIT_MS[span[2] as keyof typeof UNIT_MS]
    : /^\d{4}-\d{2}-\d{2}/.test(text.trim())
      ? Date.parse(text)
      : Number.NaN;
  return Number.isFinite(at) && at >= 0 && at <= nowMs ? at : null;
}
