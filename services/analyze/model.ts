// Loads the emotion model file for the `analyze` command (default: models/emotion-v2.json of this
// package, found relative to this module so it works from any working directory). Reads one file.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDspEmotionModel } from '../../pipelines/emotion/index.ts';
import type { EmotionModel } from '../../pipelines/emotion/index.ts';
import { AnalyzeError } from './errors.ts';

export const DEFAULT_MODEL_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../models/emotion-v2.json',
);

/** The model file's JSON, checked by the model parser (so workers can parse it again cheaply). */
export function readModelJson(path: string = DEFAULT_MODEL_PATH): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AnalyzeError('MODEL_NOT_FOUND', `emotion model not found: ${path}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AnalyzeError('MODEL_INVALID', `emotion model ${path} is not JSON`, { cause: err });
  }
  toModel(json, path);
  return json;
}

export function toModel(json: unknown, path = 'emotion model'): EmotionModel {
  try {
    return parseDspEmotionModel(json);
  } catch (err) {
    throw new AnalyzeError('MODEL_INVALID', `${path}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

/** The sha256 of the model file: which model produced a result (every retrained model may share a name). */
export function modelFileSha256(path: string = DEFAULT_MODEL_PATH): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
