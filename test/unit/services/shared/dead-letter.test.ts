// A dead letter stays small whatever the bad record carried: a key of any size is cut (and named
// by its hash), so the broker never refuses the dead letter and the partition goes on.
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_MAX_KEY_BYTES, deadLetterRecord } from '../../../../services/shared/dead-letter.ts';
import { deadLetterCodec } from '../../../../services/shared/records.ts';

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
});
