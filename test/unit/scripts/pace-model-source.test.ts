// The generated pace-model.ts of `npm run fit:pace`: the feature list, means and scales the two
// ridge fits share are written once and each model adds its own density column; fits that do not
// share them are refused rather than written wrong.
import { describe, expect, it } from 'vitest';
import { PACE_FALLBACK_MODEL, PACE_MODEL } from '../../../pipelines/dsp/pace-model.ts';
import { paceModelsSource } from '../../../scripts/lib/pace-model-source.ts';

describe('paceModelsSource', () => {
  it('writes the shared standardisation once and each density column after it', () => {
    const source = paceModelsSource(PACE_MODEL, PACE_FALLBACK_MODEL);
    expect(source.match(/features: FEATURES/g)).toHaveLength(2);
    const density = PACE_MODEL.mean.length - 1;
    expect(source).toContain(`mean: new Float64Array([...MEAN, ${PACE_MODEL.mean[density]}])`);
    expect(source).toContain('mean: new Float64Array([...MEAN, 0])');
    expect(source).toContain('scale: new Float64Array([...SCALE, 1])');
    const mean = /const MEAN = \[([^\]]*)\]/.exec(source)?.[1].split(', ').map(Number);
    expect(mean).toEqual(Array.from(PACE_MODEL.mean).slice(0, density));
  });

  it('refuses fits that standardise different rows', () => {
    const other = { ...PACE_FALLBACK_MODEL, mean: Array.from(PACE_FALLBACK_MODEL.mean, (v) => v + 1) };
    expect(() => paceModelsSource(PACE_MODEL, other)).toThrow(/different rows/);
  });
});
