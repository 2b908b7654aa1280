// G.711 µ-law / A-law, 16-bit PCM and float32 codecs, and the streaming byte decoder.
import { describe, expect, it } from 'vitest';
import {
  ALAW_TABLE,
  MULAW_TABLE,
  createStreamDecoder,
  decodeALaw,
  decodeMuLaw,
  encodeALaw,
  encodeFloat32,
  encodeLinear16,
  encodeMuLaw,
} from '../../../../pipelines/dsp/codecs.ts';

const ramp = Float32Array.from({ length: 2001 }, (_, i) => -1 + i / 1000);

describe('G.711 µ-law', () => {
  it('encodes silence as 0xFF and full scale into the outer segments (ITU-T G.711 table 2)', () => {
    expect(encodeMuLaw(new Float32Array([0]))[0]).toBe(0xff);
    expect(encodeMuLaw(new Float32Array([0.999]))[0]).toBe(0x80);
    expect(encodeMuLaw(new Float32Array([-0.999]))[0]).toBe(0x00);
  });
  it('round-trips every code byte (decode then encode), except negative zero', () => {
    for (let b = 0; b < 256; b++) {
      if (b === 0x7f) continue;
      expect(encodeMuLaw(decodeMuLaw(new Uint8Array([b])))[0]).toBe(b);
    }
  });
  it('round-trips samples within the segment quantisation step (< 3.2 % of value + 1 LSB)', () => {
    const back = decodeMuLaw(encodeMuLaw(ramp));
    for (let i = 0; i < ramp.length; i++)
      expect(Math.abs(back[i] - ramp[i])).toBeLessThan(0.032 * Math.abs(ramp[i]) + 2 / 32768 + 1e-6);
  });
});

describe('G.711 A-law', () => {
  it('encodes silence as 0xD5 (even-bit inversion)', () => {
    expect(encodeALaw(new Float32Array([0]))[0]).toBe(0xd5);
  });
  it('round-trips every code byte', () => {
    for (let b = 0; b < 256; b++) expect(encodeALaw(decodeALaw(new Uint8Array([b])))[0]).toBe(b);
  });
  it('round-trips samples within the segment quantisation step', () => {
    const back = decodeALaw(encodeALaw(ramp));
    for (let i = 0; i < ramp.length; i++)
      expect(Math.abs(back[i] - ramp[i])).toBeLessThan(0.032 * Math.abs(ramp[i]) + 16 / 32768);
  });
  it('has symmetric decode tables', () => {
    expect(MULAW_TABLE.length).toBe(256);
    expect(ALAW_TABLE.length).toBe(256);
    expect(ALAW_TABLE[0xd5]).toBeCloseTo(-ALAW_TABLE[0x55], 9);
  });
});

describe('linear PCM', () => {
  it('round-trips 16-bit little-endian samples exactly on the 1/32768 grid', () => {
    const x = Float32Array.from([0, 1 / 32768, -1, 32767 / 32768, -12345 / 32768]);
    const bytes = encodeLinear16(x);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, 1, 0]);
    expect(Array.from(createStreamDecoder('linear16').decode(bytes))).toEqual(Array.from(x));
  });
  it('round-trips float32 little-endian samples exactly', () => {
    const x = Float32Array.from([0, 0.25, -0.75, 1e-7]);
    expect(Array.from(createStreamDecoder('float32').decode(encodeFloat32(x)))).toEqual(Array.from(x));
  });
});

describe('stream decoder', () => {
  it('decodes the same samples whatever the byte split (odd counts carry over)', () => {
    const x = Float32Array.from({ length: 501 }, (_, i) => Math.sin(i / 7) * 0.8);
    for (const codec of ['linear16', 'float32'] as const) {
      const bytes = codec === 'linear16' ? encodeLinear16(x) : encodeFloat32(x);
      const whole = Array.from(createStreamDecoder(codec).decode(bytes));
      const dec = createStreamDecoder(codec);
      const parts: number[] = [];
      for (let i = 0, step = 1; i < bytes.length; i += step, step = (step % 7) + 1) {
        parts.push(...dec.decode(bytes.subarray(i, i + step)));
      }
      expect(parts).toEqual(whole);
      expect(dec.pendingBytes()).toBe(0);
    }
  });
  it('decodes a buffer larger than its initial 512-sample buffer in one call', () => {
    const x = Float32Array.from({ length: 5000 }, (_, i) => Math.round(Math.sin(i / 9) * 30000) / 32768);
    for (const codec of ['linear16', 'pcmu'] as const) {
      const bytes = codec === 'linear16' ? encodeLinear16(x) : encodeMuLaw(x);
      const y = createStreamDecoder(codec).decode(bytes);
      expect(y.length).toBe(5000);
      const one = createStreamDecoder(codec);
      for (let i = 0; i < 5000; i += 997) {
        const k = codec === 'linear16' ? 2 : 1;
        expect(Array.from(y.subarray(i, i + 3))).toEqual(
          Array.from(one.decode(bytes.subarray(k * i, k * (i + 3)))),
        );
      }
    }
  });
  it('decodeRange gives the same samples as decode, split at odd byte offsets', () => {
    const x = Float32Array.from({ length: 501 }, (_, i) => Math.sin(i / 5) * 0.9);
    for (const codec of ['pcmu', 'pcma', 'linear16', 'float32'] as const) {
      const bytes =
        codec === 'pcmu'
          ? encodeMuLaw(x)
          : codec === 'pcma'
            ? encodeALaw(x)
            : codec === 'linear16'
              ? encodeLinear16(x)
              : encodeFloat32(x);
      const whole = Array.from(createStreamDecoder(codec).decode(bytes));
      const dec = createStreamDecoder(codec);
      const parts: number[] = [];
      for (let i = 0, step = 3; i < bytes.length; i += step, step = (step % 11) + 2) {
        const n = dec.decodeRange(bytes, i, Math.min(bytes.length, i + step));
        parts.push(...dec.samples().subarray(0, n));
      }
      expect(parts).toEqual(whole);
    }
  });
  it('keeps an odd trailing byte pending instead of inventing a sample', () => {
    const dec = createStreamDecoder('linear16');
    expect(dec.decode(new Uint8Array([1, 2, 3])).length).toBe(1);
    expect(dec.pendingBytes()).toBe(1);
  });
  it('maps NaN and infinities to 0 and clips float input to [-1, 1]', () => {
    const bytes = encodeFloat32(Float32Array.from([NaN, Infinity, -Infinity, 3, -3]));
    expect(Array.from(createStreamDecoder('float32').decode(bytes))).toEqual([0, 0, 0, 1, -1]);
  });
});
