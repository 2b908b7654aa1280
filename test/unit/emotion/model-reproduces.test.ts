// The committed model file is the one `npm run train:emotion` produces: its features digest matches
// the committed training-features fixture, and the final fit on that fixture with the recorded
// hyperparameters gives the identical file. (The inner-CV choice of L2 and the temperature are
// too slow for a unit test; `npm run train:emotion -- --check` reproduces them from EmoDB, and
// `npm run eval:emotion` reports `model_matches_dsp`: whether the DSP still computes those features.)
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FUNCTIONAL_NAMES } from '../../../pipelines/dsp/index.ts';
import { parseEmotionModel } from '../../../pipelines/emotion/index.ts';
import { FIT_RECIPE } from '../../../pipelines/emotion/train/config.ts';
import { fitFinal } from '../../../pipelines/emotion/train/fit.ts';
import { fromFixture, rowsDigest } from '../../../scripts/lib/emotion-dataset.ts';
import type { FeatureFixture } from '../../../scripts/lib/emotion-dataset.ts';

const modelText = readFileSync('models/emotion-v1.json', 'utf8');
const model = parseEmotionModel(JSON.parse(modelText));
const fixture = JSON.parse(
  gunzipSync(readFileSync('test/unit/emotion/fixtures/emodb-features.json.gz')).toString('utf8'),
) as FeatureFixture;
const rows = fromFixture(fixture);

describe('models/emotion-v1.json', () => {
  it('expects the functionals the DSP stage produces, in order', () => {
    expect(model.featureNames).toEqual([...FUNCTIONAL_NAMES]);
    expect(fixture.featureNames).toEqual([...FUNCTIONAL_NAMES]);
  });

  it('was trained on the committed features fixture', () => {
    expect(rowsDigest(rows)).toBe(model.training.featuresSha256);
  });

  it('is reproduced by the final fit on the fixture with the recorded hyperparameters', () => {
    const hp = {
      l2: model.training.l2 as number,
      temperature: model.temperature,
      innerCvUar: model.training.innerCvUar as number,
    };
    const refit = fitFinal(
      rows,
      {
        ...FIT_RECIPE,
        featureNames: FUNCTIONAL_NAMES,
        training: { ...FIT_RECIPE.training, featuresSha256: model.training.featuresSha256 },
      },
      hp,
    );
    expect(`${JSON.stringify(parseEmotionModel(refit), null, 1)}\n`).toBe(modelText);
  });
});
