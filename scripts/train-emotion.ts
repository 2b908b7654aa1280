// `npm run train:emotion`: fits the emotion model on all 10 EmoDB speakers with the fixed recipe
// (pipelines/emotion/train/config.ts), writes the versioned model file models/emotion-v1.json and
// the training-features fixture the unit test re-fits from. Deterministic: the same data and code
// give byte-identical files. `-- --check` only compares with the committed files (exit 1 if they
// differ). Reads EmoDB, writes the model and the fixture.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseEmotionModel } from '../pipelines/emotion/index.ts';
import { FIT_RECIPE, TRAIN_CONDITIONS } from '../pipelines/emotion/train/config.ts';
import { fitEmotionModel } from '../pipelines/emotion/train/fit.ts';
import { FUNCTIONAL_NAMES, loadConditionRows, rowsDigest, toFixture } from './lib/emotion-dataset.ts';

const MODEL_PATH = 'models/emotion-v1.json';
const FIXTURE_PATH = 'test/unit/emotion/fixtures/emodb-features.json.gz';

const log = (m: string): void => void process.stderr.write(`${m}\n`);
const check = process.argv.includes('--check');
const rows = TRAIN_CONDITIONS.flatMap((c) => loadConditionRows(c, log));
const featuresSha256 = rowsDigest(rows);
const model = parseEmotionModel(
  fitEmotionModel(rows, {
    ...FIT_RECIPE,
    featureNames: FUNCTIONAL_NAMES,
    training: { ...FIT_RECIPE.training, featuresSha256 },
    log,
  }),
);
const modelText = `${JSON.stringify(model, null, 1)}\n`;
const fixture = gzipSync(JSON.stringify(toFixture(rows)), { level: 9 });
if (check) {
  const same = readFileSync(MODEL_PATH, 'utf8') === modelText && readFileSync(FIXTURE_PATH).equals(fixture);
  process.stdout.write(`${JSON.stringify({ reproduced: same, model: MODEL_PATH, featuresSha256 })}\n`);
  process.exit(same ? 0 : 1);
}
mkdirSync(dirname(MODEL_PATH), { recursive: true });
mkdirSync(dirname(FIXTURE_PATH), { recursive: true });
writeFileSync(MODEL_PATH, modelText);
writeFileSync(FIXTURE_PATH, fixture);
log(`wrote ${MODEL_PATH} (l2=${String(model.training.l2)}, T=${model.temperature}) and ${FIXTURE_PATH}`);
process.stdout.write(
  `${JSON.stringify({ model: MODEL_PATH, l2: model.training.l2, temperature: model.temperature, innerCvUar: model.training.innerCvUar, featuresSha256 })}\n`,
);
