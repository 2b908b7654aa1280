// The channel analyzer's output is identical whatever the chunking of the byte stream.
import { describe, expect, it } from 'vitest';
import { encodeLinear16, encodeMuLaw } from '../../../../pipelines/dsp/index.ts';
import { addNoise, bandPass, synthVoiced } from '../../../../devkit/audio/test-signals.ts';
import { floatBytes, runChunked, serialise } from './helpers.ts';

function speech(sampleRateHz: number, seconds: number): Float32Array {
  const s = synthVoiced({
    sampleRateHz,
    durationS: seconds,
    f0: (t) => 120 + 40 * Math.sin(t * 3),
    voiced: (t) => t % 0.5 < 0.3,
    jitter: 0.01,
    shimmer: 0.05,
    seed: 4,
  });
  return addNoise(bandPass(s.samples, sampleRateHz), 25, 9);
}

describe('chunking invariance', () => {
  const x8 = speech(8000, 3.3);
  const cases = [
    { name: 'µ-law 8 kHz', bytes: encodeMuLaw(x8), format: { codec: 'pcmu' as const, sampleRateHz: 8000 } },
    {
      name: '16-bit PCM 8 kHz',
      bytes: encodeLinear16(x8),
      format: { codec: 'linear16' as const, sampleRateHz: 8000 },
    },
    {
      name: 'float32 16 kHz (resampled to 8 kHz)',
      bytes: floatBytes(speech(16000, 2.4)),
      format: { codec: 'float32' as const, sampleRateHz: 16000 },
    },
    {
      name: '16-bit PCM 44.1 kHz (resampled)',
      bytes: encodeLinear16(speech(44100, 2.2)),
      format: { codec: 'linear16' as const, sampleRateHz: 44100 },
    },
  ];
  for (const c of cases) {
    it(`gives identical windows for whole-buffer, 160-byte, odd and 1-byte chunks (${c.name})`, () => {
      const whole = serialise(runChunked(c.bytes, { format: c.format }, () => c.bytes.length));
      expect(JSON.parse(whole).length).toBeGreaterThan(1);
      expect(serialise(runChunked(c.bytes, { format: c.format }, () => 160))).toBe(whole);
      expect(serialise(runChunked(c.bytes, { format: c.format }, (k) => [161, 7, 333, 1, 159][k % 5]))).toBe(
        whole,
      );
      if (c.bytes.length < 60000)
        expect(serialise(runChunked(c.bytes, { format: c.format }, () => 1))).toBe(whole);
    });
  }
  it('gives identical windows with non-default window and frame options', () => {
    const options = {
      format: { codec: 'pcmu' as const, sampleRateHz: 8000 },
      windowMs: 1500,
      windowHopMs: 500,
      frameMs: 30,
      hopMs: 10,
    };
    const bytes = encodeMuLaw(x8);
    expect(serialise(runChunked(bytes, options, (k) => 37 + (k % 3)))).toBe(
      serialise(runChunked(bytes, options, () => bytes.length)),
    );
  });
});

describe('window times', () => {
  it('are whole milliseconds, also for a stream that stops mid-millisecond', () => {
    // 3.5 s and 5 samples of 8 kHz audio: 3500.625 ms.
    const x = speech(8000, 3.6).subarray(0, 28_005);
    const windows = runChunked(encodeMuLaw(x), { format: { codec: 'pcmu', sampleRateHz: 8000 } }, () => 160);
    expect(windows.length).toBeGreaterThan(1);
    for (const w of windows) {
      expect(Number.isInteger(w.startMs) && Number.isInteger(w.endMs)).toBe(true);
    }
    expect(windows.at(-1)?.endMs).toBe(3501);
  });
});
