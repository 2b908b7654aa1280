// Syllable-density stage of the pace estimator: the committed model matches the input layout, the
// count-supervised trainer learns to count bumps it never saw labelled frame by frame, the
// committed density rises with the bump rate, and outlier windows take the fallback model.
import { describe, expect, it } from 'vitest';
import {
  createSyllableScratch,
  syllableDensity,
  SYLLABLE_BASE,
  SYLLABLE_BASE_NAMES,
  SYLLABLE_INPUTS,
  SYLLABLE_OUTLIER_Z2,
} from '../../../../pipelines/dsp/syllable-density.ts';
import { SYLLABLE_MODEL } from '../../../../pipelines/dsp/syllable-model.ts';
import { PACE_FEATURE_COUNT } from '../../../../pipelines/dsp/pace-features.ts';
import { PACE_FALLBACK_MODEL, PACE_MODEL } from '../../../../pipelines/dsp/pace-model.ts';
import { applyPaceModel, paceRate } from '../../../../pipelines/dsp/pace.ts';
import { fitSyllableModel, type SyllableWindow } from '../../../../scripts/lib/syllable-fit.ts';
import { SYLLABLE_MLP_OPTIONS } from '../../../../scripts/lib/syllable-mlp.ts';
import { rng } from '../../../../devkit/audio/test-signals.ts';
import { bumpWindow } from './helpers.ts';

describe('syllable density', () => {
  it('committed model matches the input layout', () => {
    expect(SYLLABLE_MODEL.base).toBe(SYLLABLE_BASE_NAMES.join(','));
    expect(SYLLABLE_MODEL.mean.length).toBe(SYLLABLE_BASE);
    expect(SYLLABLE_MODEL.w1.length).toBe(SYLLABLE_MODEL.hidden * SYLLABLE_INPUTS);
    expect(SYLLABLE_MODEL.w2.length).toBe(SYLLABLE_MODEL.hidden);
  });

  it('learns to count bumps from window totals only', () => {
    const rand = rng(3);
    const n = 200;
    const make = (count: number): SyllableWindow[] =>
      Array.from({ length: count }, () => {
        const bumps = 2 + Math.floor(rand() * 11);
        return { store: bumpWindow(n, bumps, rand), n, rate: bumps / 2 };
      });
    const model = fitSyllableModel(make(120), { ...SYLLABLE_MLP_OPTIONS, hidden: 4, epochs: 30, stride: 1 });
    const s = createSyllableScratch(n);
    let err = 0;
    const test = make(30);
    for (const w of test) err += Math.abs(syllableDensity(w.store, 0, n, -20, model, s) - w.rate);
    expect(err / test.length).toBeLessThan(0.5);
  });

  it('committed model: more bumps per second give a higher density', () => {
    const rand = rng(9);
    const s = createSyllableScratch(200);
    const slow = syllableDensity(bumpWindow(200, 5, rand), 0, 200, -20, SYLLABLE_MODEL, s);
    const fast = syllableDensity(bumpWindow(200, 12, rand), 0, 200, -20, SYLLABLE_MODEL, s);
    expect(fast).toBeGreaterThan(slow);
  });
});

describe('pace fallback', () => {
  it('uses the model without the density for windows unlike the MLP training frames', () => {
    const x = new Float64Array(PACE_FEATURE_COUNT).fill(1);
    expect(paceRate(PACE_MODEL, PACE_FALLBACK_MODEL, x, SYLLABLE_OUTLIER_Z2 + 1)).toBe(
      applyPaceModel(PACE_FALLBACK_MODEL, x),
    );
    expect(paceRate(PACE_MODEL, PACE_FALLBACK_MODEL, x, 1)).toBe(applyPaceModel(PACE_MODEL, x));
  });
});
