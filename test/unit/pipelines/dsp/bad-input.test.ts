// Bad audio never throws out of the stage; bad options get typed errors with stable codes.
import { describe, expect, it } from 'vitest';
import {
  createCallAnalyzer,
  createChannelAnalyzer,
  DspError,
  encodeLinear16,
  encodeMuLaw,
  FUNCTIONAL_NAMES,
  toTelephoneBand,
  type SpeakerWindow,
} from '../../../../pipelines/dsp/index.ts';
import { synthVoiced, tone, whiteNoise } from '../../../../devkit/audio/test-signals.ts';
import { floatBytes, runChunked } from './helpers.ts';
import { thrownCode } from '../../../support/thrown.ts';

const mu8k = { format: { codec: 'pcmu' as const, sampleRateHz: 8000 } };

function wellFormed(windows: readonly SpeakerWindow[]): void {
  // No window at all would pass every check below: a stage that swallowed the input must fail.
  expect(windows.length).toBeGreaterThan(0);
  for (const w of windows) {
    expect(w.functionals.length).toBe(FUNCTIONAL_NAMES.length);
    expect(w.speechFraction).toBeGreaterThanOrEqual(0);
    expect(w.speechFraction).toBeLessThanOrEqual(1);
    expect(Number.isFinite(w.loudness.meanDbfs)).toBe(true);
    expect(Number.isFinite(w.pace.syllableRate)).toBe(true);
    for (const v of w.functionals) expect(v === Infinity || v === -Infinity).toBe(false);
  }
}

function voiced(seconds: number): Float32Array {
  return synthVoiced({ sampleRateHz: 8000, durationS: seconds, f0: () => 140, seed: 1 }).samples;
}

describe('bad input', () => {
  it('accepts odd byte counts of 16-bit PCM (the dangling byte waits for the next chunk)', () => {
    const bytes = encodeLinear16(voiced(2.5));
    const w = runChunked(
      bytes.subarray(0, bytes.length - 1),
      { format: { codec: 'linear16', sampleRateHz: 8000 } },
      (k) => (k % 2 ? 3 : 161),
    );
    expect(w.length).toBeGreaterThan(0);
    wellFormed(w);
  });
  it('treats NaN and ±Infinity float samples as silence', () => {
    const x = voiced(2.5);
    for (let i = 0; i < x.length; i += 37) x[i] = i % 3 === 0 ? NaN : i % 3 === 1 ? Infinity : -Infinity;
    const w = runChunked(floatBytes(x), { format: { codec: 'float32', sampleRateHz: 8000 } }, () => 640);
    wellFormed(w);
    expect(w[0].pitch.medianHz).toBeGreaterThan(120);
  });
  it('survives clipping (samples far beyond full scale) and still hears the voice', () => {
    const x = voiced(2.5).map((v) => v * 40);
    const w = runChunked(floatBytes(x), { format: { codec: 'float32', sampleRateHz: 8000 } }, () => 320);
    wellFormed(w);
    // Clipping squares the waveform but keeps its period: still voiced, still 140 Hz.
    expect(w[0].voicedFraction).toBeGreaterThan(0.5);
    expect(w[0].pitch.medianHz).toBeGreaterThan(126);
    expect(w[0].pitch.medianHz).toBeLessThan(154);
  });
  it('ignores a DC offset (pitch and voicing as without it)', () => {
    const x = voiced(2.5);
    const withDc = x.map((v) => v + 0.4);
    const a = runChunked(floatBytes(x), { format: { codec: 'float32', sampleRateHz: 8000 } }, () => 320);
    const b = runChunked(floatBytes(withDc), { format: { codec: 'float32', sampleRateHz: 8000 } }, () => 320);
    expect(b[0].pitch.medianHz).toBeCloseTo(a[0].pitch.medianHz, 0);
    expect(Math.abs(b[0].voicedFraction - a[0].voicedFraction)).toBeLessThan(0.05);
  });
  it('reports digital silence as no speech, no voice, finite loudness', () => {
    const w = runChunked(new Uint8Array(8000 * 3).fill(0xff), mu8k, () => 160);
    wellFormed(w);
    expect(w[0].speechFraction).toBe(0);
    expect(w[0].voicedFraction).toBe(0);
    expect(Number.isNaN(w[0].pitch.medianHz)).toBe(true);
  });
  it('reports steady white noise as (almost) no voiced speech', () => {
    const noise = whiteNoise(8000 * 4, 3).map((v) => v * 0.1);
    const w = runChunked(encodeMuLaw(noise), mu8k, () => 160);
    wellFormed(w);
    expect(w[w.length - 1].voicedFraction).toBeLessThan(0.05);
    expect(w[w.length - 1].speechFraction).toBeLessThan(0.1);
  });
  it('accepts tiny and empty chunks, and flushes a short stream into one partial window', () => {
    const a = createChannelAnalyzer(mu8k);
    expect(a.push(new Uint8Array(0))).toEqual([]);
    const bytes = encodeMuLaw(voiced(0.3));
    for (const b of bytes) a.push(new Uint8Array([b]));
    const w = a.flush();
    expect(w.length).toBe(1);
    expect(w[0].endMs).toBeCloseTo(300, -1);
    wellFormed(w);
  });
  it('returns nothing for a flush without audio', () => {
    expect(createChannelAnalyzer(mu8k).flush()).toEqual([]);
  });
});

describe('typed errors', () => {
  const code = (f: () => unknown) => thrownCode(f, DspError);
  it('rejects an unsupported codec with UNSUPPORTED_CODEC', () => {
    expect(
      code(() => createChannelAnalyzer({ format: { codec: 'opus' as never, sampleRateHz: 8000 } })),
    ).toBe('UNSUPPORTED_CODEC');
    expect(code(() => toTelephoneBand(tone(440, 8000, 0.1), 8000, 'gsm' as never))).toBe('UNSUPPORTED_CODEC');
  });
  it('rejects unsupported sample rates with UNSUPPORTED_SAMPLE_RATE', () => {
    for (const sampleRateHz of [0, -8000, 8000.5, 1000, NaN, 10_000_000]) {
      expect(code(() => createChannelAnalyzer({ format: { codec: 'pcmu', sampleRateHz } }))).toBe(
        'UNSUPPORTED_SAMPLE_RATE',
      );
    }
  });
  it('rejects invalid options with INVALID_OPTIONS', () => {
    expect(code(() => createChannelAnalyzer({ ...mu8k, windowMs: -1 }))).toBe('INVALID_OPTIONS');
    expect(code(() => createChannelAnalyzer({ ...mu8k, pitchMinHz: 300, pitchMaxHz: 200 }))).toBe(
      'INVALID_OPTIONS',
    );
    expect(code(() => createChannelAnalyzer(null as never))).toBe('INVALID_OPTIONS');
  });
  it('rejects an unknown channel with UNKNOWN_CHANNEL', () => {
    const call = createCallAnalyzer({ format: { codec: 'pcmu', sampleRateHz: 8000 } });
    expect(code(() => call.push('supervisor' as never, new Uint8Array(160)))).toBe('UNKNOWN_CHANNEL');
  });
});
