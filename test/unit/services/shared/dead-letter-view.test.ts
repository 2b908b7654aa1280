import { describe, expect, it } from 'vitest';
import {
  asDeadLetter,
  deadLetterLine,
  matchesFilter,
  sinceMs,
} from '../../../../services/shared/dead-letter-view.ts';
import { deadLetterCodec } from '../../../../services/shared/records.ts';
import type { DeadLetterRecord } from '../../../../services/shared/records.ts';

const record = (key: Uint8Array): DeadLetterRecord => ({
  topic: 'va.features.v1',
  partition: 2,
  offset: '41',
  key,
  reasonCode: 'SCHEMA_MISMATCH',
  message: 'record of another type',
  originalValue: new Uint8Array(0),
  consumerGroup: 'va-emotion-classifier',
  service: 'emotion-classifier',
  failedAtMs: Date.UTC(2026, 11, 7, 3, 0, 0),
  originalSchema: 'va.events.v1.AudioChunk',
});

describe('a dead letter as a line', () => {
  it('names when, who, why and where the refused record is', () => {
    const line = deadLetterLine(record(Buffer.from('acme/call-7')), { partition: 0, offset: '3' });
    expect(line).toEqual({
      failedAt: '2026-12-07T03:00:00.000Z',
      service: 'emotion-classifier',
      consumerGroup: 'va-emotion-classifier',
      reasonCode: 'SCHEMA_MISMATCH',
      message: 'record of another type',
      source: { topic: 'va.features.v1', partition: 2, offset: '41', schema: 'va.events.v1.AudioChunk' },
      key: 'acme/call-7',
      deadLetter: { partition: 0, offset: '3' },
    });
  });

  it('shows a key that is not text as bytes, cut after 64', () => {
    expect(deadLetterLine(record(Uint8Array.of(0xff, 0x00, 0x41)), { partition: 0, offset: '0' }).key).toBe(
      'hex:ff0041',
    );
    expect(deadLetterLine(record(Buffer.from('a\u0007b')), { partition: 0, offset: '0' }).key).toBe(
      'hex:610762',
    );
    const long = deadLetterLine(record(new Uint8Array(100).fill(0xfe)), { partition: 0, offset: '0' }).key;
    expect(long).toBe(`hex:${'fe'.repeat(64)}…(100 bytes)`);
  });

  it('passes the filters it is given, all of them', () => {
    const line = deadLetterLine(record(Buffer.from('k')), { partition: 0, offset: '0' });
    expect(matchesFilter(line, {})).toBe(true);
    expect(matchesFilter(line, { reasonCode: 'SCHEMA_MISMATCH', service: 'emotion-classifier' })).toBe(true);
    expect(matchesFilter(line, { reasonCode: 'SCHEMA_MISMATCH', service: 'call-store' })).toBe(false);
    expect(matchesFilter(line, { sourceTopic: 'va.audio.v1' })).toBe(false);
  });
});

describe('--since', () => {
  const now = Date.UTC(2026, 11, 7, 12, 0, 0);
  it('reads a span back from now or an ISO time in the past', () => {
    expect(sinceMs('30m', now)).toBe(now - 30 * 60_000);
    expect(sinceMs('6h', now)).toBe(now - 6 * 3_600_000);
    expect(sinceMs('7d', now)).toBe(now - 7 * 86_400_000);
    expect(sinceMs('2026-12-07T10:00:00Z', now)).toBe(Date.UTC(2026, 11, 7, 10, 0, 0));
  });
  it('refuses anything else', () => {
    for (const bad of [
      '',
      '6',
      'h',
      '-1h',
      '1.5h',
      '6w',
      'yesterday',
      '2026-13-45',
      '2027-01-01T00:00:00Z',
      '999999d',
    ])
      expect(sinceMs(bad, now), bad).toBeNull();
  });
});

describe('what counts as a dead letter', () => {
  const letter = record(Buffer.from('acme/call-7'));
  it('is a record a service wrote: the DeadLetter schema header, who refused what', () => {
    expect(asDeadLetter(deadLetterCodec.encode(letter), deadLetterCodec.headers())).toMatchObject({
      reasonCode: 'SCHEMA_MISMATCH',
      service: 'emotion-classifier',
    });
  });
  it('is never a stray record, though protobuf decodes it (it printed its text as a message)', () => {
    const text = Buffer.from('2#Jane Doe 07700 900123 card 41111111');
    expect(() => deadLetterCodec.decode(text)).not.toThrow(); // why the header is required
    expect(asDeadLetter(text, {})).toBeNull();
    expect(asDeadLetter(text, deadLetterCodec.headers())).toBeNull(); // no reason, no service
    expect(
      asDeadLetter(deadLetterCodec.encode(letter), { 'va-schema': 'va.events.v1.AudioChunk' }),
    ).toBeNull();
    expect(asDeadLetter(null, deadLetterCodec.headers())).toBeNull();
  });
});
