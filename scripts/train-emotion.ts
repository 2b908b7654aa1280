// `npm run train:emotion`: fits the emotion model on all 10 EmoDB speakers with the fixed recipe
// (pipelines/emotion/train/config.ts) and writes the versioned model file models/emotion-v1.json.
// Deterministic: the same data and code give a byte-identical file. Reads EmoDB, writes the model.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseEmotionModel } from '../pipelines/emotion/index.ts';
import { FIT_RECIPE, TRAIN_CONDITIONS } from '../pipelines/emotion/train/config.ts';
import { fitEmotionModel } from '../pipelines/emotion/train/fit.ts';
import { FUNCTIONAL_NAMES, loadConditionRows } from './lib/emotion-dataset.ts';

const log = (m: string): void => void process.stderr.write(`${m}\n`);
const out = process.argv[2] ?? 'models/emotion-v1.json';
const rows = TRAIN_CONDITIONS.flatMap((c) => loadConditionRows(c, log));
const model = parseEmotionModel(
  fitEmotionModel(rows, { ...FIT_RECIPE, featureNames: FUNCTIONAL_NAMES, log }),
);
mkdirSync('models', { recursive: true });
writeFileSync(out, `${JSON.stringify(model, null, 1)}\n`);
log(
  `wrote ${out}: l2=${String(model.training.l2)}, T=${model.temperature}, inner-CV UAR ${String(model.training.innerCvUar)}`,
);
process.stdout.write(
  `${JSON.stringify({ model: out, l2: model.training.l2, temperature: model.temperature, innerCvUar: model.training.innerCvUar })}\n`,
);
