// The committed emotion model as the evaluation reads it: `EMOTION_MODEL_PATH` (the classifier's
// own variable) or models/emotion-v2.json. It judges a user's single corpus in the leave-one-corpus-out
// column (nothing else to train on: the shipped model was trained on other corpora) and times
// the tracker (`us_per_window`). I/O: reads the model file.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEmotionModel } from '../../../pipelines/emotion/index.ts';
import type { EmotionModel } from '../../../pipelines/emotion/index.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function shippedModelPath(): string {
  return resolve(REPO, process.env.EMOTION_MODEL_PATH ?? 'models/emotion-v2.json');
}

/** The shipped model, parsed; throws (with the path named) when it is missing or invalid. */
export function loadShippedModel(): EmotionModel {
  const path = shippedModelPath();
  try {
    return parseEmotionModel(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new Error(`${path} is not a usable emotion model: ${(error as Error).message}`, { cause: error });
  }
}
