// Training data of the pace estimator (scripts/lib/pace-data.ts): speed-perturbed copies play
// faster or slower with their labelled rate scaled to match, and the ridge's density column comes
// from syllable-density MLPs that never saw the row's speaker (stacking).
import { describe, expect, it } from 'vitest';
import { PACE_FEATURE_COUNT, PACE_FEATURE_NAMES } from '../../../../pipelines/dsp/pace-features.ts';
import {
  speedPerturbed,
  stackedFeatures,
  STACKING_FOLDS,
  type PaceRow,
} from '../../../../scripts/lib/pace-data.ts';
import { fitSyllableModel, type SyllableWindow } from '../../../../scripts/lib/syllable-fit.ts';
import { SYLLABLE_MLP_OPTIONS } from '../../../../scripts/lib/syllable-mlp.ts';
import { rng, whiteNoise } from '../../../../devkit/audio/test-signals.ts';
import { bumpWindow } from './helpers.ts';

describe('speed perturbation', () => {
  const rate = 22050;
  const audio = whiteNoise(2 * rate, 4).map((v) => 0.1 * v);
  const onsets = [0.1, 0.5, 0.9, 1.3, 1.7, 1.85, 1.95];

  it('faster: the 2-s file gives 2 / factor s of audio, every onset below 2 s counts', () => {
    const w = speedPerturbed(audio, rate, onsets, 1.1, 2000);
    expect(Math.abs(w.n - 2000 / 1.1 / 10)).toBeLessThan(4); // frames of 10 ms in 1.82 s
    expect(w.rate).toBeCloseTo(onsets.length / (2 / 1.1), 9);
  });

  it('slower: a full 2-s window that holds the onsets below 2 × factor s', () => {
    const w = speedPerturbed(audio, rate, onsets, 0.9, 2000);
    expect(w.n).toBe(200);
    expect(w.rate).toBeCloseTo(5 / 2, 9); // onsets below 1.8 s, now below 2 s
  });
});

describe('stacked density feature', () => {
  it('scores every row with an MLP fitted without its speaker, each speaker held out once', () => {
    const rand = rng(5);
    const speakers = ['03', '08', '09', '10', '11', '12', '13'];
    const rows: PaceRow[] = speakers.flatMap((speaker) =>
      Array.from({ length: 4 }, (_, k) => {
        const bumps = 4 + k * 2;
        return {
          id: `${speaker}-${k}`,
          speaker,
          text: `t${k}`,
          features: new Float64Array(PACE_FEATURE_COUNT).fill(-1),
          outlier: 0,
          rate: bumps / 2,
          bytes: new Uint8Array(0),
          store: bumpWindow(200, bumps, rand),
          n: 200,
          hopMs: 10,
          perturbed: [],
        };
      }),
    );
    const seen: Set<string>[] = [];
    const fit = (windows: SyllableWindow[]): ReturnType<typeof fitSyllableModel> => {
      seen.push(new Set(windows.map((w) => (w as PaceRow).speaker)));
      return fitSyllableModel(windows, { ...SYLLABLE_MLP_OPTIONS, hidden: 2, epochs: 2 });
    };
    const x = stackedFeatures(rows, fit);
    expect(seen).toHaveLength(STACKING_FOLDS);
    const heldOut = seen.map((s) => speakers.filter((sp) => !s.has(sp)));
    expect(heldOut.flat().sort()).toEqual(speakers); // each speaker out of exactly one fit
    const density = PACE_FEATURE_NAMES.indexOf('mlp_syllable_density');
    for (const [i, r] of rows.entries()) {
      expect(x[i][density]).not.toBe(-1);
      expect(Number.isFinite(x[i][density])).toBe(true);
      expect(rows[i].features[density]).toBe(-1); // the rows themselves are left as they were
      expect(heldOut.some((h) => h.includes(r.speaker))).toBe(true);
    }
  });
});
