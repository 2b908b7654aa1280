// Worker thread of folds.ts: loads the calls (feature cache), and for each fold it was dealt fits
// the shipped recipe on the training calls (or takes the shipped model, `spec.shippedModel`),
// then scores the test speakers through the live tracker (call and, for leave-one-corpus-out,
// cold protocol and the alert figures). Reads files.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { parseRuleSetText } from '../../../pipelines/alerts/index.ts';
import { FUNCTIONAL_NAMES } from '../../../pipelines/dsp/index.ts';
import { parseEmotionModel } from '../../../pipelines/emotion/index.ts';
import type { EmotionModel } from '../../../pipelines/emotion/index.ts';
import { recipeFor } from '../../../pipelines/emotion/train/config.ts';
import type { FIT_RECIPE } from '../../../pipelines/emotion/train/config.ts';
import { fitCallModel } from '../../../pipelines/emotion/train/fit-calls.ts';
import { callAlertFigures } from './alert-figures.ts';
import { cachedFit } from './fold-cache.ts';
import type { FoldResult, WorkerInput } from './folds.ts';
import { loadCalls, loadAugmentedCalls, loadOpenerCalls } from './load.ts';
import { angryShown } from './angry-shown.ts';
import { callsDigest, type SpeakerCall } from './features.ts';
import { loadShippedModel } from './shipped-model.ts';
import { runTracker, scoreCall, scoreCold } from './score.ts';
import { trainingCall } from './training-calls.ts';

const port = parentPort;
if (!port) throw new Error('fold-worker.ts runs as a worker thread');
const input = workerData as WorkerInput;
const log = (m: string): void => port.postMessage({ log: m });
const calls = loadCalls(input.dataDirs, log);
const augmented = loadAugmentedCalls(input.dataDirs, log);
// ALERT_RULES_FILE: score another rule file (the rules are tuned on this protocol, README).
const rules = parseRuleSetText(
  readFileSync(
    process.env.ALERT_RULES_FILE ?? new URL('../../../config/alert-rules.yaml', import.meta.url),
    'utf8',
  ),
);
const overrides = JSON.parse(process.env.EMOTION_RECIPE_OVERRIDES ?? '{}') as Partial<typeof FIT_RECIPE>;

let openerCalls: SpeakerCall[] | null = null;
const openers = (): SpeakerCall[] => (openerCalls ??= loadOpenerCalls(input.dataDirs, 'angry', log));
let shippedModel: EmotionModel | null = null;
const shipped = (): EmotionModel => (shippedModel ??= loadShippedModel());

for (const spec of input.folds) {
  const t0 = Date.now();
  const test = new Set(spec.testSpeakers);
  // Leave-one-corpus-out: every other corpus. Within a corpus: its other speakers only, as a
  // contact centre retraining on its own calls would (one recording setup, its own recipe).
  const trains = (c: { corpus: string; speaker: string }): boolean =>
    spec.kind === 'loco' ? c.corpus !== spec.corpus : c.corpus === spec.corpus && !test.has(c.speaker);
  const train = [...calls.filter(trains), ...augmented.filter(trains)];
  const recipe = recipeFor(new Set(train.map((c) => c.corpus)).size);
  // Through JSON and the parser: the evaluated model is what a model file would hold.
  const model = spec.shippedModel
    ? shipped()
    : parseEmotionModel(
        cachedFit(
          {
            spec,
            overrides,
            dataDirs: input.dataDirs,
            train: train.map((c) => `${c.speaker}:${c.condition}`),
            // What the fit sees: the same speakers with other audio or labels are another fold.
            data: callsDigest(train),
          },
          recipe,
          () =>
            fitCallModel(train.map(trainingCall), {
              ...recipe,
              ...overrides,
              featureNames: FUNCTIONAL_NAMES,
            }),
        ),
      );
  const held = calls.filter((c) => c.corpus === spec.corpus && test.has(c.speaker));
  const heldOpeners =
    spec.kind === 'loco' ? openers().filter((c) => c.corpus === spec.corpus && test.has(c.speaker)) : [];
  const openerEvents = heldOpeners.map((c) => runTracker(model, c.windows, c.speaker));
  const withAngry = held.filter((c) => heldOpeners.some((o) => o.speaker === c.speaker));
  const result: FoldResult = {
    spec,
    enterConfidence: model.thresholds.enterConfidence,
    call: held.flatMap((c) => scoreCall(model, c)),
    cold: spec.kind === 'loco' ? held.flatMap((c) => scoreCold(model, c)) : [],
    alerts:
      spec.kind === 'loco'
        ? held.map((c) => callAlertFigures(c, runTracker(model, c.windows, c.speaker), rules))
        : [],
    opener: {
      alerts: heldOpeners.map((c, i) => callAlertFigures(c, openerEvents[i], rules)),
      shown: heldOpeners.map((c, i) => angryShown(c, openerEvents[i])),
      calmStartShown: withAngry.map((c) => angryShown(c, runTracker(model, c.windows, c.speaker))),
    },
  };
  log(
    `fold ${spec.kind} ${spec.corpus} (${spec.testSpeakers.length} speakers): ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
  port.postMessage({ result });
}
