// A dead letter stays small whatever the bad record carried: a key of any size is cut (and named
// by its hash), so the broker never refuses the dead letter and the partition goes on; and it
// carries none of the record's free text (a schema header that names no contract).
import { describe, expect, it } from 'vitest';
import { DecodeError, namedSchema } from '../../../../services/shared/codec.ts';
import { DEAD_LETTER_MAX_KEY_BYTES, deadLetterRecord } from '../../../../services/shared/dead-letter.ts';
import {
  callEventCodec,
  deadLetterCodec,
  decodeAlertsTopic,
  featureWindowCodec,
} from '../../../../services/shared/records.ts';
import { thrownError } from '../../../support/thrown.ts';

const origin = { service: 'dsp-worker', consumerGroup: 'va-dsp-worker' };
const letter = (key: Buffer, schema = 'va.events.v1.AudioChunk') =>
  deadLetterRecord(
    {
      topic: 'va.audio.v1',
      partition: 0,
      message: {
        key,
        value: Buffer.from('garbage'),
        offset: '7',
        headers: { 'va-schema': Buffer.from(schema) },
      },
      reasonCode: 'DECODE_FAILED',
      reason: 'not an AudioChunk',
    },
    origin,
  );

describe('dead-letter record', () => {
  it('copies an ordinary key whole', () => {
    const record = letter(Buffer.from('acme/call-1'));
    expect(record.message.key).toBe('acme/call-1');
    expect(Buffer.from(deadLetterCodec.decode(record.message.value as Buffer).key).toString()).toBe(
      'acme/call-1',
    );
  });

  it('cuts a huge key (ASCII, or bytes that triple as UTF-8 text) and stays a few kB', () => {
    for (const key of [Buffer.alloc(600_000, 'k'), Buffer.alloc(300_000, 0xff)]) {
      const record = letter(key, 'x'.repeat(100_000));
      const value = record.message.value as Buffer;
      expect(value.byteLength).toBeLessThan(4_096);
      expect(String(record.message.key)).toMatch(/^oversized-key:\d+:[0-9a-f]{16}$/);
      const decoded = deadLetterCodec.decode(value);
      expect(decoded.key.byteLength).toBe(DEAD_LETTER_MAX_KEY_BYTES);
      expect(decoded.message).toMatch(
        /^not an AudioChunk \(key of \d+ bytes: its first 512 kept, sha256 [0-9a-f]{16}…\)$/,
      );
      expect(decoded.originalSchema.length).toBeLessThanOrEqual(200);
    }
  });

  it("names the record's schema only when it is one of the contracts: other header text is the sender's", () => {
    const decoded = (schema: string) =>
      deadLetterCodec.decode(letter(Buffer.from('acme/call-1'), schema).message.value as Buffer);
    expect(decoded('va.events.v1.AudioChunk').originalSchema).toBe('va.events.v1.AudioChunk');
    expect(decoded('schema-JaneDoe-+447700900777').originalSchema).toBe('');
  });
});

describe('schema mismatch', () => {
  it('quotes a header naming another contract, never free text', () => {
    const headers = (schema: string) => ({ 'va-schema': Buffer.from(schema) });
    const bytes = featureWindowCodec.encode({} as never);
    expect(() => callEventCodec.decode(bytes, headers('va.events.v1.FeatureWindow'))).toThrow(
      'expected va.events.v1.CallEvent, record says va.events.v1.FeatureWindow',
    );
    const thrown = thrownError(
      () => callEventCodec.decode(bytes, headers('schema-JaneDoe-jane.doe@example.com')),
      DecodeError,
    );
    const multi = thrownError(
      () => decodeAlertsTopic(bytes, headers('Jane Doe +44 7700 900777')),
      DecodeError,
    );
    expect(multi.message).toMatch(/^record schema an unknown schema \(24 characters\) is not one of /);
    // Only full names of the contracts count: protobufjs's relative lookups are not names.
    expect(namedSchema('AudioChunk')).toBe('an unknown schema (10 characters)');
    expect(thrown.message).toBe(
      'expected va.events.v1.CallEvent, record says an unknown schema (35 characters)',
    );
  });
});
