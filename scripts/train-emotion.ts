// `npm run train:emotion [-- --data DIR ...] [--out FILE] [--check]`: fits the emotion recipe
// (pipelines/emotion/train/config.ts) on every speaker of the shipped corpora except the held-out
// demo speakers, or on a user's own labelled calls (`--data`, manifest.csv format), and writes the
// versioned model file (default models/emotion-v2.json). Deterministic: the same data and code give
// a byte-identical file; `--check` compares with the existing file instead (exit 1 if it differs).
// I/O: reads the corpora and the feature cache, writes the model.
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { makeFolders } from '../services/shared/make-folders.ts';
import { FUNCTIONAL_NAMES } from '../pipelines/dsp/index.ts';
import { parseEmotionModel } from '../pipelines/emotion/index.ts';
import { HELD_OUT_SPEAKERS, recipeFor } from '../pipelines/emotion/train/config.ts';
import { fitCallModel } from '../pipelines/emotion/train/fit-calls.ts';
import { DataError } from './lib/corpora/index.ts';
import type { SpeakerCall } from './lib/emotion-data/features.ts';
import { missingDataHint, parseDataArgs, USAGE, UsageError } from './lib/emotion-data/args.ts';
import { dspProbe, PROBE_SPEAKERS } from './lib/emotion-data/dsp-probe.ts';
import { loadCalls, loadAugmentedCalls } from './lib/emotion-data/load.ts';
import { trainingCall } from './lib/emotion-data/training-calls.ts';
import { assertTrainable } from './lib/emotion-data/trainable.ts';

const log = (m: string): void => void process.stderr.write(`${m}\n`);
let args;
try {
  args = parseDataArgs(process.argv.slice(2), 'train');
  // Before hours of fitting: a model file cannot be written over a folder.
  if (args.out !== null && existsSync(args.out) && statSync(args.out).isDirectory())
    throw new UsageError(
      `--out ${args.out} is a folder: give a file name, e.g. ${args.out}/emotion-own.json`,
    );
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  log(`train:emotion: USAGE: ${error.message}\n${USAGE.train}`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${USAGE.train}\n`);
  process.exit(0);
}
const own = args.dataDirs.length > 0;
const modelPath = args.out ?? (own ? 'models/emotion-own.json' : 'models/emotion-v2.json');
// Before the fit (minutes): a path that cannot take the model is found now, not after it.
if (args.check && !existsSync(modelPath)) {
  log(
    `train:emotion: USAGE: --check compares with ${modelPath}, which does not exist (--out names the model to compare)\n${USAGE.train}`,
  );
  process.exit(2);
}
if (!args.check) {
  try {
    writableModelPath(modelPath);
  } catch (error) {
    log(
      `train:emotion: USAGE: --out ${modelPath} cannot be written (${(error as Error).message})\n${USAGE.train}`,
    );
    process.exit(2);
  }
}
const kept = (c: { speaker: string }): boolean => own || !HELD_OUT_SPEAKERS.includes(c.speaker);
let calls: SpeakerCall[];
let augmented: SpeakerCall[];
try {
  calls = loadCalls(args.dataDirs, log).filter(kept);
  augmented = loadAugmentedCalls(args.dataDirs, log).filter(kept);
  assertTrainable(calls);
} catch (error) {
  if (!(error instanceof DataError)) throw error;
  log(`train:emotion: ${error.code}: ${error.message}`);
  if (error.code === 'DATA_MISSING') log(missingDataHint(args));
  process.exit(2);
}
const corpora = [...new Set(calls.map((c) => c.corpus))].sort();
log(`training on ${calls.length} speakers of ${corpora.join(', ')}`);
// One recording setup (e.g. a contact centre's own calls) keeps the channel inputs (config.ts).
const recipe = recipeFor(corpora.length);
const model = parseEmotionModel(
  fitCallModel([...calls, ...augmented].map(trainingCall), {
    ...recipe,
    name: own ? 'emotion-own' : recipe.name,
    featureNames: FUNCTIONAL_NAMES,
    training: {
      // The demo speakers held out of the shipped model mean nothing for a user's own data.
      ...(own ? { seed: recipe.training.seed } : recipe.training),
      data: own ? 'user data (--data)' : 'EmoDB, ASED, nEMO, EMOVO, SAVEE, TESS, BAVED (8 kHz µ-law)',
      ...(own ? {} : { dspProbe: dspProbe(calls.filter((c) => PROBE_SPEAKERS.includes(c.speaker))) }),
    },
    log,
  }),
);
const text = `${JSON.stringify(model, null, 1)}\n`;
if (args.check) {
  let same = false;
  try {
    same = readFileSync(modelPath, 'utf8') === text;
  } catch {
    same = false;
  }
  process.stdout.write(`${JSON.stringify({ reproduced: same, model: modelPath })}\n`);
  process.exit(same ? 0 : 1);
}
warnIfChance(model.training.heads, calls);
writeFileSync(`${modelPath}.partial`, text);
renameSync(`${modelPath}.partial`, modelPath);
process.stdout.write(
  `${JSON.stringify({ model: modelPath, speakers: calls.length, corpora, thresholds: model.thresholds, heads: model.training.heads })}\n`,
);

/** Creates the model's folder and proves a file can be written beside the model (then removes it). */
function writableModelPath(path: string): void {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error('it is a folder');
  makeFolders(dirname(resolve(path)));
  closeSync(openSync(`${path}.partial`, 'w'));
  rmSync(`${path}.partial`);
}

/**
 * A head no better than chance on the speakers it did not train on (its inner UAR; one or two
 * speakers, a label with few clips) is still written, but said: such a model knows nothing a
 * contact centre could rely on.
 */
function warnIfChance(heads: unknown, trained: readonly SpeakerCall[]): void {
  const labels = new Set(trained.flatMap((c) => c.clips.map((clip) => clip.label)).filter((l) => l !== null));
  const chance: Record<string, number> = {
    emotion: 1 / Math.max(1, labels.size),
    arousal: 0.5,
    valence: 0.5,
  };
  for (const [head, figures] of Object.entries((heads ?? {}) as Record<string, { innerUar?: number }>)) {
    const uar = figures.innerUar;
    if (uar === undefined || chance[head] === undefined || uar > chance[head] + 0.02) continue;
    log(
      `train:emotion: warning: the ${head} head scores ${uar.toFixed(3)} on speakers it did not train on, chance is ${chance[head].toFixed(3)}: more speakers (5 or more) and clips per label are needed`,
    );
  }
}
