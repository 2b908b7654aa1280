// Each feature on a signal whose answer is known: pitch, energy, ZCR, VAD, spectral shape,
// alpha ratio / Hammarberg, jitter / shimmer / HNR, pace, tension, functionals.
import { describe, expect, it } from 'vitest';
import { FUNCTIONAL_NAMES, type SpeakerWindow } from '../../../../pipelines/dsp/index.ts';
import { tensionIndex, UNKNOWN_VOICE_QUALITY } from '../../../../pipelines/dsp/tension.ts';
import {
  addNoise,
  bandPass,
  epochPeriods,
  localJitterPct,
  localShimmerPct,
  power,
  synthVoiced,
  tone,
  whiteNoise,
} from '../../../../devkit/audio/test-signals.ts';
import { floatBytes, runChunked } from './helpers.ts';

/** Cycle-to-cycle jitter of a healthy voice (0.5 %; Praat's pathology threshold is 1.04 %). */
const VOICE_JITTER = 0.005;
const f32 = (sampleRateHz: number) => ({ format: { codec: 'float32' as const, sampleRateHz } });
const analyse = (x: Float32Array, sampleRateHz = 8000): SpeakerWindow[] =>
  runChunked(floatBytes(x), f32(sampleRateHz), () => 1280);
const fx = (w: SpeakerWindow, name: string): number => w.functionals[FUNCTIONAL_NAMES.indexOf(name)];

describe('pitch', () => {
  it('finds 150 Hz in a telephone-band vowel whose fundamental is filtered out', () => {
    const x = bandPass(
      synthVoiced({ sampleRateHz: 8000, durationS: 2, f0: () => 150, seed: 1 }).samples,
      8000,
    );
    const w = analyse(x)[0];
    expect(w.pitch.medianHz).toBeGreaterThan(147);
    expect(w.pitch.medianHz).toBeLessThan(153);
    expect(w.voicedFraction).toBeGreaterThan(0.9);
    expect(w.pitch.medianSt).toBeCloseTo(12 * Math.log2(150 / 27.5), 1);
  });
  // 16 kHz input is analysed at 8 kHz (options.ts analysisRateFor; this test once ran at a 16 kHz
  // analysis rate): low and high voices, up to just under the default pitchMaxHz (500 Hz), still track.
  it('tracks 90 Hz, 380 Hz and 480 Hz voices sent at 16 kHz', () => {
    for (const f0 of [90, 380, 480]) {
      const w = analyse(
        bandPass(synthVoiced({ sampleRateHz: 16000, durationS: 2, f0: () => f0, seed: 2 }).samples, 16000),
        16000,
      )[0];
      expect(Math.abs(w.pitch.medianHz - f0) / f0).toBeLessThan(0.02);
    }
  });
  it('measures the slope and range of a glide of 6 semitones per second', () => {
    const f0 = (t: number): number => 110 * Math.pow(2, (6 * t) / 12);
    const w = analyse(
      bandPass(synthVoiced({ sampleRateHz: 8000, durationS: 2, f0, seed: 3 }).samples, 8000),
    )[0];
    expect(w.pitch.slopeStPerS).toBeGreaterThan(5.4);
    expect(w.pitch.slopeStPerS).toBeLessThan(6.6);
    expect(w.pitch.rangeSt).toBeGreaterThan(9.5);
    expect(w.pitch.rangeSt).toBeLessThan(12);
  });
});

describe('energy, ZCR, VAD', () => {
  it('reads a 0.5-amplitude 1 kHz tone as −9.0 dBFS (mean square re full scale) with ZCR 0.25', () => {
    const w = analyse(tone(1000, 8000, 2.5, 0.5))[0];
    expect(fx(w, 'energy_dbfs_peak')).toBeCloseTo(10 * Math.log10(0.125), 0);
    // 2000 crossings per second at 8000 samples per second.
    expect(fx(w, 'zcr_mean')).toBeCloseTo(0.25, 2);
    expect(fx(w, 'centroid_hz_mean')).toBeGreaterThan(950);
    expect(fx(w, 'centroid_hz_mean')).toBeLessThan(1050);
    expect(fx(w, 'rolloff_hz_mean')).toBeGreaterThan(1000);
    expect(fx(w, 'rolloff_hz_mean')).toBeLessThan(1400);
  });
  it('finds speech in the voiced half of an on/off signal', () => {
    const on = (t: number): boolean => Math.floor(t / 0.5) % 2 === 0;
    const x = synthVoiced({
      sampleRateHz: 8000,
      durationS: 4,
      f0: () => 130,
      voiced: on,
      // A voice's own jitter (a zero-jitter monotone is a steady tone: tone-gate.ts).
      jitter: VOICE_JITTER,
      seed: 4,
    }).samples;
    const w = analyse(x)[1];
    expect(w.speechFraction).toBeGreaterThan(0.45);
    expect(w.speechFraction).toBeLessThan(0.65);
    expect(w.voicedFraction).toBeGreaterThan(0.4);
    expect(w.voicedFraction).toBeLessThan(0.55);
    expect(w.pace.pauseRatio).toBeGreaterThan(0.2);
  });
});

describe('spectral shape (meyda extractors)', () => {
  it('rates white noise flatter than a tone', () => {
    const t = analyse(tone(1000, 8000, 2.2, 0.3))[0];
    const n = analyse(whiteNoise(8000 * 2.2, 2).map((v) => v * 0.1))[0];
    expect(fx(n, 'flatness_mean')).toBeGreaterThan(0.5);
    expect(fx(t, 'flatness_mean')).toBeLessThan(0.1);
  });
  it('gives alpha ratio ≈ 0 dB and Hammarberg ≈ 0 dB for equal tones at 500 Hz and 2.5 kHz', () => {
    const a = tone(500, 8000, 2.2, 0.2);
    const b = tone(2500, 8000, 2.2, 0.2);
    const x = synthVoiced({ sampleRateHz: 8000, durationS: 2.2, f0: () => 125, seed: 1 }).samples.map(
      (v, i) => 0.02 * v + a[i] + b[i],
    );
    const w = analyse(x)[0];
    expect(w.voiceQuality.alphaRatioDb).toBeGreaterThan(-1);
    expect(w.voiceQuality.alphaRatioDb).toBeLessThan(1);
    expect(Math.abs(w.voiceQuality.hammarbergDb)).toBeLessThan(1);
  });
});

describe('voice quality', () => {
  it('measures injected jitter, shimmer and harmonics-to-noise ratio', () => {
    const s = synthVoiced({
      sampleRateHz: 8000,
      durationS: 2,
      f0: () => 140,
      jitter: 0.02,
      shimmer: 0.08,
      seed: 5,
    });
    const w = analyse(addNoise(bandPass(s.samples, 8000), 45, 6))[0];
    const j = localJitterPct(epochPeriods(s.epochS));
    const sh = localShimmerPct(s.cycleAmplitude);
    expect(Math.abs(w.voiceQuality.jitterPct - j) / j).toBeLessThan(0.15);
    expect(Math.abs(w.voiceQuality.shimmerPct - sh) / sh).toBeLessThan(0.15);
    const clean = bandPass(
      synthVoiced({ sampleRateHz: 8000, durationS: 2, f0: () => 140, seed: 7 }).samples,
      8000,
    );
    const noise = bandPass(whiteNoise(clean.length, 8), 8000);
    const k = Math.sqrt(power(clean) / (power(noise) * 10));
    const h = analyse(clean.map((v, i) => v + k * noise[i]))[0];
    expect(Math.abs(h.voiceQuality.hnrDb - 10)).toBeLessThan(2);
  });
  it('gives a steady vowel low jitter and shimmer', () => {
    const s = synthVoiced({ sampleRateHz: 8000, durationS: 2, f0: () => 200, seed: 9 });
    const w = analyse(bandPass(s.samples, 8000))[0];
    expect(w.voiceQuality.jitterPct).toBeLessThan(0.2);
    expect(w.voiceQuality.shimmerPct).toBeLessThan(1);
  });
});

describe('pace', () => {
  it('counts 4 syllables per second in voiced bursts of 150 ms every 250 ms', () => {
    const x = synthVoiced({
      sampleRateHz: 8000,
      durationS: 4,
      f0: () => 140,
      voiced: (t) => t % 0.25 < 0.15,
      seed: 10,
    }).samples;
    const w = analyse(bandPass(x, 8000))[1];
    expect(w.pace.syllableRate).toBeGreaterThan(3.4);
    expect(w.pace.syllableRate).toBeLessThan(4.6);
  });
});

describe('tension index', () => {
  it('rises from a relaxed to a tense voice-quality profile and stays in 0..1', () => {
    const relaxed = {
      jitterPct: 0.4,
      shimmerPct: 2,
      shimmerDb: 0.2,
      hnrDb: 22,
      alphaRatioDb: -22,
      hammarbergDb: 32,
      spectralSlope: -3e-4,
    };
    const tense = {
      jitterPct: 3,
      shimmerPct: 15,
      shimmerDb: 1.5,
      hnrDb: 0,
      alphaRatioDb: 2,
      hammarbergDb: 3,
      spectralSlope: 0,
    };
    expect(tensionIndex(relaxed)).toBe(0);
    expect(tensionIndex(tense)).toBe(1);
    expect(tensionIndex({ ...relaxed, alphaRatioDb: -10 })).toBeGreaterThan(0);
    expect(Number.isNaN(tensionIndex(UNKNOWN_VOICE_QUALITY))).toBe(true);
  });
});

describe('functionals', () => {
  it('has unique names and one value per name, NaN pitch functionals without voice', () => {
    expect(new Set(FUNCTIONAL_NAMES).size).toBe(FUNCTIONAL_NAMES.length);
    expect(FUNCTIONAL_NAMES.length).toBeGreaterThanOrEqual(60);
    const w = analyse(whiteNoise(8000 * 2, 1).map((v) => v * 0.01))[0];
    expect(w.functionals.length).toBe(FUNCTIONAL_NAMES.length);
    expect(Number.isNaN(fx(w, 'f0_st_mean'))).toBe(true);
  });
});
