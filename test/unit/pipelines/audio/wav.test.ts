// parseWav / encodeWav: round trips of every encoding, real-world chunk layouts (any order, odd
// padding, EXTENSIBLE, streaming sizes) and each typed error code.
import { describe, expect, it } from 'vitest';
import { WavError, encodeWav, parseWav } from '../../../../pipelines/audio/wav.ts';
import type { WavEncoding } from '../../../../pipelines/audio/wav.ts';
import { thrownCode } from '../../../support/thrown.ts';

function sine(n: number, hz: number, rate: number, amp = 0.5): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amp * Math.sin((2 * Math.PI * hz * i) / rate);
  return out;
}

function u32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
function u16(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff];
}
function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}
function chunk(id: string, body: number[]): number[] {
  return [...ascii(id), ...u32(body.length), ...body, ...(body.length & 1 ? [0] : [])];
}
function fmtBody(tag: number, channels: number, rate: number, bits: number): number[] {
  const align = (channels * bits) / 8;
  return [...u16(tag), ...u16(channels), ...u32(rate), ...u32(rate * align), ...u16(align), ...u16(bits)];
}
function riff(...chunks: number[][]): Uint8Array {
  const body = chunks.flat();
  return Uint8Array.from([...ascii('RIFF'), ...u32(4 + body.length), ...ascii('WAVE'), ...body]);
}
const codeOf = (fn: () => unknown) => thrownCode(fn, WavError);

const TOLERANCE: Record<WavEncoding, number> = {
  pcm8: 1 / 128,
  pcm16: 1 / 32768,
  pcm24: 1 / 8388608,
  pcm32: 1e-7,
  float32: 0,
  float64: 0,
  mulaw: 0.02, // G.711 step at 0.5 full scale is 1024/32768
  alaw: 0.02,
};

describe('encodeWav -> parseWav round trip', () => {
  for (const encoding of Object.keys(TOLERANCE) as WavEncoding[]) {
    it(`keeps stereo ${encoding} samples within one quantisation step`, () => {
      const left = sine(1001, 440, 16000);
      const right = sine(1001, 97, 16000, 0.9);
      const wav = parseWav(encodeWav({ sampleRateHz: 16000, channels: [left, right] }, encoding));
      expect(wav.encoding).toBe(encoding);
      expect(wav.sampleRateHz).toBe(16000);
      expect(wav.channels).toHaveLength(2);
      for (const [got, want] of [
        [wav.channels[0], left],
        [wav.channels[1], right],
      ]) {
        expect(got.length).toBe(want.length);
        let maxErr = 0;
        for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - want[i]));
        expect(maxErr).toBeLessThanOrEqual(TOLERANCE[encoding] + 1e-9);
      }
    });
  }

  it('reads multichannel (6 channels, EXTENSIBLE written by default) in channel order', () => {
    const channels = Array.from({ length: 6 }, (_, c) => new Float32Array(50).fill((c + 1) / 10));
    const bytes = encodeWav({ sampleRateHz: 48000, channels }, 'pcm24');
    expect(new DataView(bytes.buffer).getUint16(20, true)).toBe(0xfffe);
    const wav = parseWav(bytes);
    expect(wav.channels.map((ch) => Math.round(ch[25] * 10))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE float and µ-law', () => {
    for (const encoding of ['float32', 'mulaw'] as const) {
      const x = sine(64, 1000, 8000);
      const wav = parseWav(encodeWav({ sampleRateHz: 8000, channels: [x] }, encoding, { extensible: true }));
      expect(wav.encoding).toBe(encoding);
      expect(Math.abs(wav.channels[0][5] - x[5])).toBeLessThan(0.02);
    }
  });

  it('decodes a cut recording only when asked, saying how much is missing', () => {
    const whole = encodeWav(
      { sampleRateHz: 8000, channels: [sine(8000, 440, 8000), sine(8000, 440, 8000)] },
      'pcm16',
    );
    const cut = whole.subarray(0, whole.length - 16_000 - 2); // 0.5 s and half a frame short
    expect(() => parseWav(cut)).toThrow(/data chunk declares 32000 bytes but only 15998 follow/);
    const wav = parseWav(cut, { acceptCut: true });
    expect(wav.channels.map((ch) => ch.length)).toEqual([3999, 3999]);
    expect(wav.missingS).toBeCloseTo(0.5000625, 6);
    expect(parseWav(whole, { acceptCut: true }).missingS).toBe(0);
  });

  it('pads an odd-sized data chunk to an even length', () => {
    const bytes = encodeWav({ sampleRateHz: 8000, channels: [new Float32Array(3)] }, 'mulaw');
    expect(bytes.length % 2).toBe(0);
    expect(parseWav(bytes).channels[0].length).toBe(3);
  });

  it('clamps out-of-range samples and writes NaN as silence', () => {
    const wav = parseWav(encodeWav({ sampleRateHz: 8000, channels: [Float32Array.of(2, -2, NaN)] }));
    expect(wav.channels[0][0]).toBeCloseTo(32767 / 32768, 6);
    expect(wav.channels[0][1]).toBe(-1);
    expect(wav.channels[0][2]).toBe(0);
  });

  it('rejects channels of different lengths and bad rates', () => {
    expect(
      codeOf(() => encodeWav({ sampleRateHz: 8000, channels: [new Float32Array(2), new Float32Array(3)] })),
    ).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => encodeWav({ sampleRateHz: 0, channels: [new Float32Array(2)] }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => encodeWav({ sampleRateHz: 8000, channels: [] }))).toBe('INVALID_ARGUMENT');
  });
});

describe('parseWav on hand-built files', () => {
  const pcm16Data = [...u16(1000), ...u16(0xffff & -1000), ...u16(0x7fff)];

  it('walks LIST, fact and unknown chunks in any order, with the data chunk before fmt', () => {
    const list = chunk('LIST', [...ascii('INFO'), ...chunk('INAM', ascii('odd'))]); // odd-sized sub-chunk
    const junk = chunk('junk', [1, 2, 3]); // odd size: one pad byte follows
    const bytes = riff(
      list,
      junk,
      chunk('data', pcm16Data),
      chunk('fact', u32(3)),
      chunk('fmt ', fmtBody(1, 1, 8000, 16)),
    );
    const wav = parseWav(bytes);
    expect(wav.sampleRateHz).toBe(8000);
    expect(Array.from(wav.channels[0])).toEqual([1000 / 32768, -1000 / 32768, 32767 / 32768]);
  });

  it('decodes 8-bit unsigned PCM', () => {
    const wav = parseWav(riff(chunk('fmt ', fmtBody(1, 1, 8000, 8)), chunk('data', [128, 0, 255])));
    expect(wav.encoding).toBe('pcm8');
    expect(Array.from(wav.channels[0])).toEqual([0, -1, 127 / 128]);
  });

  it('decodes 24-bit negative samples with sign extension', () => {
    const wav = parseWav(
      riff(chunk('fmt ', fmtBody(1, 1, 8000, 24)), chunk('data', [0xff, 0xff, 0xff, 0, 0, 0x80])),
    );
    expect(Array.from(wav.channels[0])).toEqual([-1 / 8388608, -1]);
  });

  it('decodes G.711 code words per the ITU tables', () => {
    const mu = parseWav(
      riff(chunk('fmt ', [...fmtBody(7, 1, 8000, 8), 0, 0]), chunk('data', [0xff, 0x7f, 0x00, 0x80])),
    );
    expect(Array.from(mu.channels[0]).map((v) => v * 32768)).toEqual([0, 0, -32124, 32124]);
    const a = parseWav(
      riff(chunk('fmt ', [...fmtBody(6, 1, 8000, 8), 0, 0]), chunk('data', [0xd5, 0x55, 0xaa, 0x2a])),
    );
    expect(Array.from(a.channels[0]).map((v) => v * 32768)).toEqual([8, -8, 32256, -32256]);
  });

  it('accepts 12-bit samples in 16-bit containers and reports the valid bits', () => {
    const fmt = fmtBody(1, 1, 8000, 16);
    fmt[14] = 12; // wBitsPerSample = 12, block align still 2
    const wav = parseWav(riff(chunk('fmt ', fmt), chunk('data', u16(0x7ff0))));
    expect(wav.encoding).toBe('pcm16');
    expect(wav.validBits).toBe(12);
  });

  it('drops an incomplete last frame', () => {
    const wav = parseWav(riff(chunk('fmt ', fmtBody(1, 2, 8000, 16)), chunk('data', [0, 1, 0, 2, 0, 3])));
    expect(wav.channels[0].length).toBe(1);
  });

  it('reads to the end of the file when a streaming writer left the data size at 0xFFFFFFFF', () => {
    const bytes = riff(chunk('fmt ', fmtBody(1, 1, 8000, 16)), [
      ...ascii('data'),
      ...u32(0xffffffff),
      ...pcm16Data,
    ]);
    expect(parseWav(bytes).channels[0].length).toBe(3);
  });

  it('ignores a wrong RIFF size and a truncated metadata chunk after the audio', () => {
    const bytes = riff(chunk('fmt ', fmtBody(1, 1, 8000, 16)), chunk('data', pcm16Data), [
      ...ascii('LIST'),
      ...u32(500),
      1,
    ]);
    new DataView(bytes.buffer).setUint32(4, 12, true);
    expect(parseWav(bytes).channels[0].length).toBe(3);
  });

  it('reads from a Uint8Array view into a larger buffer (e.g. a Node Buffer slice)', () => {
    const inner = encodeWav({ sampleRateHz: 8000, channels: [Float32Array.of(0.25, -0.5)] });
    const big = new Uint8Array(inner.length + 7);
    big.set(inner, 7);
    expect(Array.from(parseWav(big.subarray(7)).channels[0])).toEqual([0.25, -0.5]);
  });

  it('reads an empty data chunk as zero samples', () => {
    expect(parseWav(riff(chunk('fmt ', fmtBody(1, 1, 8000, 16)), chunk('data', []))).channels[0].length).toBe(
      0,
    );
  });
});

describe('parseWav errors', () => {
  const fmt16 = chunk('fmt ', fmtBody(1, 1, 8000, 16));
  const cases: [string, Uint8Array, string][] = [
    ['empty input', new Uint8Array(0), 'TRUNCATED'],
    ['not RIFF', Uint8Array.from(ascii('OggS........')), 'NOT_RIFF'],
    ['a short text file', Uint8Array.from(ascii('hello\n')), 'NOT_RIFF'],
    ['a RIFF header cut short', Uint8Array.from(ascii('RIFF\u0004\u0000')), 'TRUNCATED'],
    ['RIFF but not WAVE', Uint8Array.from([...ascii('RIFF'), ...u32(4), ...ascii('AVI ')]), 'NOT_WAVE'],
    ['no fmt chunk', riff(chunk('data', [0, 0])), 'NO_FMT_CHUNK'],
    ['no data chunk', riff(fmt16), 'NO_DATA_CHUNK'],
    ['data shorter than declared', riff(fmt16, [...ascii('data'), ...u32(100), 0, 0]), 'TRUNCATED'],
    ['fmt shorter than declared', riff([...ascii('fmt '), ...u32(16), 1, 0]), 'TRUNCATED'],
    ['fmt chunk too small', riff(chunk('fmt ', [1, 0, 1, 0]), chunk('data', [])), 'BAD_FMT_CHUNK'],
    ['zero channels', riff(chunk('fmt ', fmtBody(1, 0, 8000, 16)), chunk('data', [])), 'BAD_FMT_CHUNK'],
    ['zero sample rate', riff(chunk('fmt ', fmtBody(1, 1, 0, 16)), chunk('data', [])), 'BAD_FMT_CHUNK'],
    ['IMA ADPCM', riff(chunk('fmt ', fmtBody(0x11, 1, 8000, 4)), chunk('data', [])), 'UNSUPPORTED_ENCODING'],
    [
      'MP3 in WAV',
      riff(chunk('fmt ', fmtBody(0x55, 1, 8000, 16)), chunk('data', [])),
      'UNSUPPORTED_ENCODING',
    ],
    ['40-bit PCM', riff(chunk('fmt ', fmtBody(1, 1, 8000, 40)), chunk('data', [])), 'UNSUPPORTED_ENCODING'],
    [
      'packed 12-bit stereo',
      riff(
        chunk('fmt ', [...u16(1), ...u16(2), ...u32(8000), ...u32(24000), ...u16(3), ...u16(12)]),
        chunk('data', []),
      ),
      'BAD_FMT_CHUNK',
    ],
    [
      'EXTENSIBLE without its 40 bytes',
      riff(chunk('fmt ', [...fmtBody(0xfffe, 1, 8000, 16), 0, 0]), chunk('data', [])),
      'BAD_FMT_CHUNK',
    ],
  ];
  for (const [name, bytes, code] of cases) {
    it(`throws ${code} on ${name}`, () => {
      expect(codeOf(() => parseWav(bytes))).toBe(code);
    });
  }

  it('is a WavError with a readable message', () => {
    expect(() => parseWav(Uint8Array.from(ascii('RIF')))).toThrow(WavError);
    expect(() => parseWav(Uint8Array.from(ascii('RIF')))).toThrow(/too short for a RIFF header/);
  });
});
