// Pace estimator: the committed model matches the feature vector layout, silence gives 0, the
// de Jong & Wempe nucleus count of voiced bursts is exact, and rates grow with the burst rate.
import { describe, expect, it } from 'vitest';
import { createFrameStore, FRAME_FIELD } from '../../../../pipelines/dsp/frame-store.ts';
import {
  createPaceFeatureScratch,
  paceFeatures,
  PACE_FEATURE_COUNT,
  PACE_FEATURE_NAMES,
} from '../../../../pipelines/dsp/pace-features.ts';
import { PACE_MODEL } from '../../../../pipelines/dsp/pace-model.ts';
import { applyPaceModel } from '../../../../pipelines/dsp/pace.ts';
import { bandPass, synthVoiced } from '../../../../devkit/audio/test-signals.ts';
import { floatBytes, runChunked } from './helpers.ts';

const rateOf = (burstHz: number): number => {
  const x = synthVoiced({
    sampleRateHz: 8000,
    durationS: 4,
    f0: () => 140,
    voiced: (t) => (t * burstHz) % 1 < 0.6,
    seed: 12,
  }).samples;
  const w = runChunked(
    floatBytes(bandPass(x, 8000)),
    { format: { codec: 'float32', sampleRateHz: 8000 } },
    () => 333,
  );
  return w[1].pace.syllableRate;
};

describe('pace model', () => {
  it('has one coefficient per feature, in the feature order', () => {
    expect(PACE_MODEL.features).toBe(PACE_FEATURE_NAMES.join(','));
    for (const a of [PACE_MODEL.mean, PACE_MODEL.scale, PACE_MODEL.weights])
      expect(a.length).toBe(PACE_FEATURE_COUNT);
  });

  it('gives 0 for a window without voicing and stays finite for NaN features', () => {
    expect(applyPaceModel(PACE_MODEL, new Float64Array(PACE_FEATURE_COUNT))).toBe(0);
    const nan = new Float64Array(PACE_FEATURE_COUNT).fill(NaN);
    expect(applyPaceModel(PACE_MODEL, nan)).toBe(0);
  });

  it('counts one voiced nucleus per intensity bump', () => {
    const n = 200;
    const store = createFrameStore(n);
    for (let i = 0; i < n; i++) {
      const phase = (i % 25) / 25; // 4 bumps per second at a 10 ms hop
      store.data[store.at(i, FRAME_FIELD.energyDb)] = -20 - 20 * Math.abs(phase - 0.5);
      store.data[store.at(i, FRAME_FIELD.f0)] = 150;
      store.data[store.at(i, FRAME_FIELD.speech)] = 1;
    }
    const out = new Float64Array(PACE_FEATURE_COUNT);
    paceFeatures(store, 0, n, 10, createPaceFeatureScratch(n), out);
    expect(out[0]).toBeCloseTo(4, 0);
  });

  it('rises with the rate of voiced bursts', () => {
    const slow = rateOf(2.5);
    const fast = rateOf(6);
    expect(fast).toBeGreaterThan(slow + 1.5);
  });
});
