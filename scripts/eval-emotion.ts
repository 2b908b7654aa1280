// `npm run eval:emotion`: leave-one-speaker-out evaluation of the emotion recipe on EmoDB. For each
// of the 10 speakers, fits the model on the other nine (hyperparameters by inner CV on those nine)
// and scores the held-out speaker at 8 kHz µ-law and 16 kHz. Prints ONE JSON object on stdout
// (progress on stderr). Reads EmoDB and the feature cache (I/O).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { isHighArousal, isPositiveValence } from '../pipelines/emotion/affect.ts';
import { createEmotionTracker, parseEmotionModel } from '../pipelines/emotion/index.ts';
import type { EmotionModel } from '../pipelines/emotion/index.ts';
import { FIT_RECIPE, TRAIN_CONDITIONS } from '../pipelines/emotion/train/config.ts';
import { fitEmotionModel } from '../pipelines/emotion/train/fit.ts';
import {
  confusionMatrix,
  expectedCalibrationError,
  unweightedAverageRecall,
} from '../pipelines/emotion/train/metrics.ts';
import type { FeatureRow } from '../pipelines/emotion/train/speaker-norm.ts';
import { EMOTION_LABELS } from '../pipelines/emotion/types.ts';
import {
  analyseFile,
  fromFixture,
  FUNCTIONAL_NAMES,
  loadConditionRows,
  renderCondition,
} from './lib/emotion-dataset.ts';
import type { FeatureFixture } from './lib/emotion-dataset.ts';
import { listEmodb } from './lib/emodb.ts';
import { predictSpeaker } from './lib/emotion-eval.ts';
import type { Prediction } from './lib/emotion-eval.ts';

const log = (m: string): void => void process.stderr.write(`${m}\n`);
const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;
const EVAL_CONDITIONS = ['pcmu8k', 'linear16k'] as const;
const conditions = (process.env.EMOTION_TRAIN_CONDITIONS?.split(',') ?? [
  ...TRAIN_CONDITIONS,
]) as (typeof TRAIN_CONDITIONS)[number][];

const rows: FeatureRow[] = conditions.flatMap((c) => loadConditionRows(c, log));
// 16 kHz is evaluated, not trained on (unless listed in the training conditions).
const evalOnly: FeatureRow[] = conditions.includes('linear16k' as never)
  ? []
  : loadConditionRows('linear16k', log);
const speakers = [...new Set(rows.map((r) => r.speaker))].sort();
const predictions: Record<string, Prediction[]> = { pcmu8k: [], linear16k: [] };
let lastModel: EmotionModel | null = null;
for (const held of speakers) {
  const t0 = Date.now();
  const fitted = fitEmotionModel(
    rows.filter((r) => r.speaker !== held),
    { ...FIT_RECIPE, featureNames: FUNCTIONAL_NAMES },
  );
  // Through JSON and the parser: the evaluated model is what a model file would hold.
  const model = parseEmotionModel(JSON.parse(JSON.stringify(fitted)));
  lastModel = model;
  for (const c of EVAL_CONDITIONS) {
    const test = [...rows, ...evalOnly].filter((r) => r.speaker === held && r.condition === c);
    predictions[c].push(...predictSpeaker(model, test));
  }
  const p = predictions.pcmu8k.filter((x) => x.id.startsWith(held));
  const uar = unweightedAverageRecall(
    p.map((x) => x.truth),
    p.map((x) => x.predicted),
    EMOTION_LABELS.length,
  );
  log(
    `speaker ${held}: l2=${String(model.training.l2)} T=${model.temperature} 8k UAR ${uar.toFixed(3)} (${Date.now() - t0} ms)`,
  );
}

const K = EMOTION_LABELS.length;
const uar = (p: Prediction[]): number =>
  unweightedAverageRecall(
    p.map((x) => x.truth),
    p.map((x) => x.predicted),
    K,
  );
const binaryUar = (p: Prediction[], group: (l: (typeof EMOTION_LABELS)[number]) => boolean): number => {
  const truth = p.map((x) => (group(EMOTION_LABELS[x.truth]) ? 1 : 0));
  const mass = p.map((x) => x.probs.reduce((s, v, k) => s + (group(EMOTION_LABELS[k]) ? v : 0), 0));
  return unweightedAverageRecall(
    truth,
    mass.map((m) => (m >= 0.5 ? 1 : 0)),
    2,
  );
};
const p8 = predictions.pcmu8k;
const confusion8 = confusionMatrix(
  p8.map((x) => x.truth),
  p8.map((x) => x.predicted),
  K,
);
const confident = p8.filter((x) => x.confidence >= FIT_RECIPE.thresholds.enterConfidence);
// 4-class UAR: the four classes' files only, decided among the four classes' probabilities.
const four = [0, 1, 2, 3];
const p4 = p8.filter((x) => four.includes(x.truth));
const pred4 = p4.map((x) => four.reduce((b, k) => (x.probs[k] > x.probs[b] ? k : b), 0));

const benchItems = listEmodb().slice(0, 40);
const benchWindows = benchItems.map((it) => {
  const { bytes, format } = renderCondition(it, 'pcmu8k');
  return analyseFile(bytes, format);
});

/** Whether today's DSP still computes the features the model file was trained on (its fixture). */
function modelMatchesDsp(): boolean {
  const fixture = fromFixture(
    JSON.parse(
      gunzipSync(readFileSync('test/unit/emotion/fixtures/emodb-features.json.gz')).toString('utf8'),
    ) as FeatureFixture,
  );
  return benchItems.every((it, i) => {
    const row = fixture.find((r) => r.id === it.id && r.condition === 'pcmu8k');
    return (
      row !== undefined &&
      benchWindows[i].functionals.every((v, d) =>
        Number.isFinite(v)
          ? Math.abs(row.functionals[d] - v) <= 1e-5 * Math.max(1, Math.abs(v))
          : Number.isNaN(row.functionals[d]),
      )
    );
  });
}

// Inference time: the full tracker (baseline, model, smoothing, evidence) on real 8 kHz windows.
function usPerWindow(model: EmotionModel): number {
  const windows = benchWindows;
  const tracker = createEmotionTracker({ model, callId: 'bench', channel: 'customer' });
  const n = 20000;
  for (let i = 0; i < 2000; i++) tracker.push(windows[i % windows.length]);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) tracker.push(windows[i % windows.length]);
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}
let benchModel = lastModel!;
try {
  benchModel = parseEmotionModel(JSON.parse(readFileSync('models/emotion-v1.json', 'utf8')));
} catch {
  log('models/emotion-v1.json missing or invalid: timing the last fold model');
}

const result = {
  uar7_8k_mulaw: r4(uar(p8)),
  uar7_16k: r4(uar(predictions.linear16k)),
  uar4_8k_mulaw: r4(
    unweightedAverageRecall(
      p4.map((x) => x.truth),
      pred4,
      K,
    ),
  ),
  arousal_uar_8k_mulaw: r4(binaryUar(p8, isHighArousal)),
  valence_uar_8k_mulaw: r4(binaryUar(p8, isPositiveValence)),
  // Rows: true label, columns: predicted label, both in `labels` order.
  labels: [...EMOTION_LABELS],
  confusion_8k_mulaw: confusion8,
  recall_8k_mulaw: Object.fromEntries(
    EMOTION_LABELS.map((l, k) => [l, r4(confusion8[k][k] / confusion8[k].reduce((a, b) => a + b, 0))]),
  ),
  // Share of windows the tracker would call "uncertain" (confidence < enterConfidence), and the
  // accuracy of the others.
  uncertain_share_8k_mulaw: r4(1 - confident.length / p8.length),
  accuracy_when_confident_8k_mulaw: r4(
    confident.filter((x) => x.truth === x.predicted).length / confident.length,
  ),
  ece_8k_mulaw: r4(
    expectedCalibrationError(
      p8.map((x) => x.confidence),
      p8.map((x) => x.truth === x.predicted),
    ),
  ),
  us_per_window: r4(usPerWindow(benchModel)),
  model_matches_dsp: modelMatchesDsp(),
  protocol: `leave-one-speaker-out over ${speakers.length} speakers, ${p8.length} files; trained on ${conditions.join('+')}`,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
