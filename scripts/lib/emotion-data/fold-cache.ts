// Cache of the evaluation's fold models (.data/cache/emotion-folds/): a fold is refitted only when
// its training speakers, the recipe or the training code change, so re-scoring (e.g. alert rules)
// does not refit. I/O: reads and writes the cache folder.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dspDigest } from './features.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// EMOTION_CACHE_DIR: another cache root (the tests keep theirs in a temp folder).
const CACHE_DIR = join(process.env.EMOTION_CACHE_DIR ?? join(REPO, '.data/cache'), 'emotion-folds');

function codeDigest(): string {
  const h = createHash('sha256');
  // What a fit depends on: the training code, the baseline it reproduces, the model file shape
  // (not the tracker's smoothing or evidence, which only score).
  const train = join(REPO, 'pipelines/emotion/train');
  const files = [
    ...readdirSync(train)
      .filter((n) => n.endsWith('.ts'))
      .sort()
      .map((n) => join(train, n)),
    ...['call-baseline.ts', 'baseline.ts', 'model-file.ts', 'evidence.ts'].map((n) =>
      join(REPO, 'pipelines/emotion', n),
    ),
  ];
  for (const f of files) h.update(readFileSync(f));
  return h.digest('hex');
}

export function cachedFit(key: unknown, recipe: unknown, fit: () => unknown): unknown {
  const name = createHash('sha256')
    .update(codeDigest())
    .update(dspDigest())
    .update(JSON.stringify({ key, FIT_RECIPE: recipe }))
    .digest('hex')
    .slice(0, 20);
  const file = join(CACHE_DIR, `${name}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const model = JSON.parse(JSON.stringify(fit())) as unknown;
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify(model));
  return model;
}
