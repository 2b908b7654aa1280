// Real FFT against a direct DFT, and the band-limited resampler (frequency kept, aliasing
// suppressed, streaming = one-shot).
import { describe, expect, it } from 'vitest';
import { createRealFft } from '../../../../pipelines/dsp/fft.ts';
import { createStreamResampler, resample } from '../../../../pipelines/dsp/resample.ts';
import { power, tone } from '../../../../devkit/audio/test-signals.ts';

/** Magnitude of the DFT of x at frequency f (Goertzel-free direct sum), normalised to sine amplitude. */
function amplitudeAt(x: Float32Array, f: number, fs: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i] * Math.cos((2 * Math.PI * f * i) / fs);
    im -= x[i] * Math.sin((2 * Math.PI * f * i) / fs);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

describe('real FFT', () => {
  it.each([4, 8, 64, 128, 256, 512])(
    'matches a direct DFT and inverts a power spectrum into the circular autocorrelation (n = %i)',
    (n) => {
      const fft = createRealFft(n);
      const x = Float64Array.from(
        { length: n },
        (_, i) => Math.sin(i * 0.7) + 0.3 * Math.cos(i * 2.1) + (i % 5) * 0.1,
      );
      const re = new Float64Array(n / 2 + 1);
      const im = new Float64Array(n / 2 + 1);
      fft.forward(x, re, im);
      for (let k = 0; k <= n / 2; k++) {
        let sr = 0;
        let si = 0;
        for (let t = 0; t < n; t++) {
          sr += x[t] * Math.cos((2 * Math.PI * k * t) / n);
          si -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
        }
        expect(re[k]).toBeCloseTo(sr, 9);
        expect(im[k]).toBeCloseTo(si, 9);
      }
      const p = Float64Array.from({ length: n / 2 + 1 }, (_, k) => re[k] * re[k] + im[k] * im[k]);
      const ac = new Float64Array(n);
      fft.inverseEvenReal(p, ac);
      for (let lag = 0; lag < n; lag++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += x[t] * x[(t + lag) % n];
        expect(ac[lag]).toBeCloseTo(s, 8);
      }
      // Only the first lags requested: the same values.
      const few = new Float64Array(n);
      fft.inverseEvenReal(p, few, n / 2 + 1);
      for (let lag = 0; lag <= n / 2; lag++) expect(few[lag]).toBe(ac[lag]);
    },
  );
  it('rejects sizes that are not powers of two', () => {
    expect(() => createRealFft(100)).toThrow(RangeError);
  });
});

describe('resample', () => {
  it('keeps a 1 kHz tone at 1 kHz from 48 kHz to 8 kHz, with the expected length', () => {
    const y = resample(tone(1000, 48000, 1, 0.5), 48000, 8000);
    expect(Math.abs(y.length - 8000)).toBeLessThanOrEqual(1);
    const mid = y.subarray(1000, 7000);
    expect(amplitudeAt(mid, 1000, 8000)).toBeCloseTo(0.5, 2);
    expect(amplitudeAt(mid, 1100, 8000)).toBeLessThan(0.01);
  });
  it('suppresses a 6 kHz tone (above the new Nyquist) by more than 60 dB instead of aliasing it to 2 kHz', () => {
    const y = resample(tone(6000, 48000, 1, 0.5), 48000, 8000);
    const mid = y.subarray(1000, 7000);
    expect(10 * Math.log10(power(mid) / 0.125)).toBeLessThan(-60);
    expect(amplitudeAt(mid, 2000, 8000)).toBeLessThan(0.0005);
  });
  it('converts 44.1 kHz and 22.05 kHz (non-integer ratios) keeping a 440 Hz tone', () => {
    for (const fs of [44100, 22050]) {
      const y = resample(tone(440, fs, 1, 0.5), fs, 8000);
      expect(amplitudeAt(y.subarray(800, 7200), 440, 8000)).toBeCloseTo(0.5, 2);
    }
  });
  it('upsamples 8 kHz to 16 kHz keeping the tone', () => {
    const y = resample(tone(1000, 8000, 0.5, 0.5), 8000, 16000);
    expect(amplitudeAt(y.subarray(1000, 7000), 1000, 16000)).toBeCloseTo(0.5, 2);
  });
  // 16 and 48 kHz down to 8 kHz take the integer-decimation path (four outputs per pass).
  for (const [from, to] of [
    [44100, 16000],
    [16000, 8000],
    [48000, 8000],
  ]) {
    it(`gives the same samples streamed in odd chunks as in one call (${from} -> ${to} Hz)`, () => {
      const x = tone(700, from, 0.3, 0.4);
      const once = resample(x, from, to);
      const r = createStreamResampler(from, to);
      const parts: number[] = [];
      for (let i = 0, step = 1; i < x.length; i += step, step = (step * 7 + 3) % 500)
        parts.push(...r.push(x.subarray(i, i + step)));
      parts.push(...r.flush());
      expect(parts.length).toBe(once.length);
      for (let i = 0; i < once.length; i++) expect(parts[i]).toBe(once[i]);
    });
  }
});
