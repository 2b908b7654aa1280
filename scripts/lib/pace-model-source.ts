// The TypeScript source of pipelines/dsp/pace-model.ts for `npm run fit:pace`: the main ridge and
// its fallback fitted without the density. Both fits standardise the same rows, so the feature
// list and every mean and scale but the density column's are written once. Pure.
import type { PaceModel } from '../../pipelines/dsp/pace.ts';

/** Eight significant digits, as the generated models have always been written. */
export const formatNumbers = (a: ArrayLike<number>): string =>
  `[${Array.from(a, (v) => String(Number(v.toPrecision(8)))).join(', ')}]`;

/** The two models' declarations; throws when they do not share features and standardisation. */
export function paceModelsSource(main: PaceModel, fallback: PaceModel): string {
  const names = main.features.split(',');
  const density = names.length - 1;
  if (names[density] !== 'mlp_syllable_density' || fallback.features !== main.features)
    throw new Error('pace models: the density must be the last feature of both models');
  const shared = (a: ArrayLike<number>): string => formatNumbers(Array.from(a).slice(0, density));
  if (shared(main.mean) !== shared(fallback.mean) || shared(main.scale) !== shared(fallback.scale))
    throw new Error('pace models: the fits standardise different rows');
  const model = (name: string, m: PaceModel): string => `export const ${name}: PaceModel = {
  features: FEATURES,
  mean: new Float64Array([...MEAN, ${formatNumbers([m.mean[density]]).slice(1, -1)}]),
  scale: new Float64Array([...SCALE, ${formatNumbers([m.scale[density]]).slice(1, -1)}]),
  weights: new Float64Array(${formatNumbers(m.weights)}),
  intercept: ${Number(m.intercept.toPrecision(8))},
};
`;
  return `const FEATURES = '${main.features}';
// Mean and scale of each feature but the density (the last), the same rows in both fits.
const MEAN = ${shared(main.mean)};
const SCALE = ${shared(main.scale)};

${model('PACE_MODEL', main)}
${model('PACE_FALLBACK_MODEL', fallback)}`;
}
