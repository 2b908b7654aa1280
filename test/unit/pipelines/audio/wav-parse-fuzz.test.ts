// Fuzzes the WAV parser (`analyze` reads user-supplied files with it): random bytes, mutated valid
// files of every encoding, and RIFF files built from random chunks either parse into consistent
// audio or throw WavError with a documented code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WavError, encodeWav, parseWav, type WavErrorCode } from '../../../../pipelines/audio/wav.ts';
import { ENCODINGS, type WavEncoding } from '../../../../pipelines/audio/wav-format.ts';
import { FUZZ, mutated, settle } from '../../../support/fuzz/typed-error.ts';

// INVALID_ARGUMENT is the encoder's; the parser must never throw it.
const CODES: WavErrorCode[] = [
  'NOT_RIFF',
  'NOT_WAVE',
  'TRUNCATED',
  'NO_FMT_CHUNK',
  'NO_DATA_CHUNK',
  'BAD_FMT_CHUNK',
  'UNSUPPORTED_ENCODING',
];

const VALID = (Object.keys(ENCODINGS) as WavEncoding[]).flatMap((encoding) =>
  [false, true].map((extensible) =>
    encodeWav(
      { sampleRateHz: 8000, channels: [Float32Array.of(0, 0.5, -0.5), Float32Array.of(0.25, -1, 1)] },
      encoding,
      { extensible },
    ),
  ),
);

const u32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** A RIFF/WAVE header then random chunks whose declared sizes may lie (too big, odd, 0xffffffff). */
const chunked = fc
  .array(
    fc.record({
      id: fc.oneof(
        fc.constantFrom('fmt ', 'data', 'LIST', 'fact'),
        fc.string({ minLength: 4, maxLength: 4 }),
      ),
      body: fc.oneof(
        fc.uint8Array({ maxLength: 48 }),
        fc.constantFrom(...VALID).map((v) => v.subarray(20, 60)),
      ),
      lie: fc.option(fc.oneof(fc.nat(100), fc.constant(0xffffffff))),
    }),
    { maxLength: 5 },
  )
  .map((chunks) => {
    const parts = chunks.flatMap(({ id, body, lie }) => [ascii(id), u32(lie ?? body.length), body]);
    const out = [ascii('RIFF'), u32(0), ascii('WAVE'), ...parts];
    return Uint8Array.from(out.flatMap((p) => [...p]));
  });

describe('fuzz: WAV parser', () => {
  it('any bytes parse into consistent audio or throw a typed WavError', () => {
    let parsed = 0;
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 128 }), mutated(VALID), chunked),
        fc.nat(3),
        (bytes, shift) => {
          // A view at an odd offset into a larger buffer, as a Buffer slice from fs would be.
          const padded = new Uint8Array(bytes.length + shift);
          padded.set(bytes, shift);
          const out = settle(() => parseWav(padded.subarray(shift)), WavError, CODES);
          if (!out.ok) return;
          parsed += 1;
          const lengths = new Set(out.value.channels.map((ch) => ch.length));
          expect(lengths.size).toBeLessThanOrEqual(1);
          expect(out.value.sampleRateHz).toBeGreaterThan(0);
        },
      ),
      FUZZ,
    );
    // Not only rejections: mutated files must reach the sample decoding.
    expect(parsed).toBeGreaterThan(100);
  });
});
