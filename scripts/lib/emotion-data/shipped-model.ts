// The committed emotion model as the evaluation reads it: `EMOTION_MODEL_PATH` (the classifier's
// own variable) or models/emotion-v2.json. It judges a user's single corpus in the leave-one-corpus-out
// column (nothing else to train on: the shipped model was trained on other corpora) and times
// the tracker (`us_per_window`). I/O: reads the model file.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDspEmotionModel } from '../../../pipelines/emotion/index.ts';
import type { EmotionModel } from '../../../pipelines/emotion/index.ts';
import { DataError } from '../corpora/clip.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** EMOTION_MODEL_PATH from the working folder, as the classifier reads it; else the repo's model. */
export function shippedModelPath(): string {
  const given = process.env.EMOTION_MODEL_PATH;
  return given ? resolve(given) : resolve(REPO, 'models/emotion-v2.json');
}

/** The shipped model, parsed; MODEL_INVALID (naming the path) when it is missing or invalid. */
export function loadShippedModel(): EmotionModel {
  const path = shippedModelPath();
  try {
    return parseDspEmotionModel(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new DataError(
      'MODEL_INVALID',
      `${path}${process.env.EMOTION_MODEL_PATH ? ' (EMOTION_MODEL_PATH)' : ''} is not a usable emotion model: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
