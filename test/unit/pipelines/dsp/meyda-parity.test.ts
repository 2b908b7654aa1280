// The fused, allocation-free spectral extractors give the same values as meyda's own extractor
// functions (meyda.featureExtractors) on the same amplitude spectrum.
import meydaModule from 'meyda';
import { describe, expect, it } from 'vitest';
import { meydaTables } from '../../../../pipelines/dsp/meyda-tables.ts';
import { createSpectralExtractor, createSpectralResult } from '../../../../pipelines/dsp/spectral.ts';
import { rng } from '../../../../devkit/audio/test-signals.ts';

type Extractor = (args: Record<string, unknown>) => unknown;
const extractors = (meydaModule as unknown as { featureExtractors: Record<string, Extractor> })
  .featureExtractors;

describe('meyda parity', () => {
  for (const [sampleRateHz, fftSize] of [
    [8000, 256],
    [16000, 512],
  ] as const) {
    it(`matches meyda's centroid, flatness, slope, rolloff, loudness and MFCC at ${sampleRateHz} Hz`, () => {
      const rand = rng(sampleRateHz);
      const bins = fftSize / 2;
      const ex = createSpectralExtractor(sampleRateHz, fftSize);
      const out = createSpectralResult();
      const t = meydaTables(sampleRateHz, fftSize);
      for (let trial = 0; trial < 5; trial++) {
        const amp = Float64Array.from({ length: bins }, (_, i) => 0.01 + rand() * 2 * Math.exp(-i / 40));
        const ampSpectrum = Float32Array.from(amp);
        ex.compute(amp, out);
        const args = {
          ampSpectrum,
          sampleRate: sampleRateHz,
          bufferSize: fftSize,
          melFilterBank: t.melFilterBank,
          barkScale: t.barkScale,
          numberOfMFCCCoefficients: 13,
        };
        const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-9, Math.abs(b));
        expect(
          rel(out.centroidHz / (sampleRateHz / fftSize), extractors.spectralCentroid(args) as number),
        ).toBeLessThan(1e-5);
        expect(rel(out.flatness, extractors.spectralFlatness(args) as number)).toBeLessThan(1e-5);
        expect(rel(out.slope, extractors.spectralSlope(args) as number)).toBeLessThan(1e-4);
        expect(out.rolloffHz).toBeCloseTo(extractors.spectralRolloff(args) as number, 3);
        expect(rel(out.loudness, (extractors.loudness(args) as { total: number }).total)).toBeLessThan(1e-5);
        const mfcc = extractors.mfcc(args) as number[];
        for (let k = 0; k < 13; k++) expect(out.mfcc[k]).toBeCloseTo(mfcc[k], 3);
      }
    });
  }
});
