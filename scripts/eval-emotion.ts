// `npm run eval:emotion [-- --data DIR ...] [--loco-only]`: the emotion recipe judged on voices
// it has never heard. Per held-out speaker one simulated call (calm start, then one block per
// emotion, scripts/lib/emotion-data/call-layout.ts) streamed at 8 kHz µ-law through the channel
// analyzer and the live tracker; clips scored by the windows centred in them. Splits:
// leave-one-corpus-out and leave-speakers-out within each corpus. Cold protocol: each clip alone.
// Alert figures through the real rule engine. Prints ONE JSON object (progress on stderr).
// `--data DIR` evaluates a user's own labelled calls (manifest.csv format) instead of the shipped
// corpora; with one corpus there, its leave-one-corpus-out figures are the shipped model's. I/O: reads the corpora, the feature cache, the committed model.
import { createEmotionTracker } from '../pipelines/emotion/index.ts';
import type { EmotionModel } from '../pipelines/emotion/index.ts';
import { EMOTION_LABELS } from '../pipelines/emotion/types.ts';
import {
  binaryUar,
  chance,
  classUar,
  confidenceFigures,
  confusion,
} from './lib/emotion-data/clip-metrics.ts';
import { foldSpecs, runFolds } from './lib/emotion-data/folds.ts';
import type { FoldResult } from './lib/emotion-data/folds.ts';
import { loadCalls } from './lib/emotion-data/load.ts';
import { replayWindow } from './lib/emotion-data/replay-window.ts';
import type { ClipScore } from './lib/emotion-data/score.ts';
import { DataError } from './lib/corpora/index.ts';
import { missingDataHint, parseDataArgs, USAGE, UsageError } from './lib/emotion-data/args.ts';
import type { DataArgs } from './lib/emotion-data/args.ts';
import type { SpeakerCall } from './lib/emotion-data/features.ts';
import { emitBenchmark } from './lib/benchmarks/store.ts';
import { loadShippedModel, shippedModelPath } from './lib/emotion-data/shipped-model.ts';
import { tensionCueFigures } from './lib/emotion-data/tension-figures.ts';

const log = (m: string): void => void process.stderr.write(`${m}\n`);
const r4 = (v: number | null): number | null =>
  v === null || !Number.isFinite(v) ? null : Math.round(v * 1e4) / 1e4;
// A mean over nothing is no figure (null in the JSON), not 0: arousal-only data has no class UAR.
const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);
const mean = (v: readonly number[]): number => (v.length === 0 ? NaN : sum(v) / v.length);

/** Usage and data errors end the run with one line (and what to do) and exit code 2 (no stack trace). */
function fail(error: unknown, given?: DataArgs): never {
  if (error instanceof UsageError) {
    log(`eval:emotion: ${error.code}: ${error.message}\n${USAGE.eval}`);
    process.exit(2);
  }
  if (error instanceof DataError) {
    log(`eval:emotion: ${error.code}: ${error.message}`);
    if (error.code === 'DATA_MISSING') log(missingDataHint(given));
    process.exit(2);
  }
  throw error;
}
let args: DataArgs | undefined;
let calls: SpeakerCall[];
try {
  args = parseDataArgs(process.argv.slice(2), 'eval');
  if (args.help) {
    process.stdout.write(`${USAGE.eval}\n`);
    process.exit(0);
  }
  calls = loadCalls(args.dataDirs, log);
  // Read before the folds: a bad EMOTION_MODEL_PATH is one line and exit 2, not a worker's stack.
  loadShippedModel();
} catch (error) {
  fail(error, args);
}
const t0 = Date.now();
const speakersByCorpus = new Map<string, string[]>();
for (const c of calls) speakersByCorpus.set(c.corpus, [...(speakersByCorpus.get(c.corpus) ?? []), c.speaker]);
// Within-corpus folds fit the emotion head on the corpus alone: it needs two emotion classes
// (surprise counts for arousal only), as train:emotion does.
const emotionClasses = (corpus: string): number =>
  new Set(
    calls
      .filter((c) => c.corpus === corpus)
      .flatMap((c) => c.clips.flatMap((x) => (x.label === null || x.label === 'surprise' ? [] : [x.label]))),
  ).size;
// …and two speakers: a fold is judged on speakers its model did not train on.
const withinProblem = (corpus: string): string | null =>
  emotionClasses(corpus) < 2
    ? 'fewer than 2 emotion classes'
    : new Set(speakersByCorpus.get(corpus)).size < 2
      ? 'one speaker'
      : null;
const withClasses = new Set([...speakersByCorpus.keys()].filter((corpus) => withinProblem(corpus) === null));
for (const corpus of speakersByCorpus.keys())
  if (!args.locoOnly && !withClasses.has(corpus))
    log(`${corpus}: no within-corpus folds (${withinProblem(corpus)}): its within_* figures are null`);
const folds = await runFolds(args.dataDirs, foldSpecs(speakersByCorpus, !args.locoOnly, withClasses), log);
const of = (kind: FoldResult['spec']['kind'], corpus: string): FoldResult[] =>
  folds.filter((f) => f.spec.kind === kind && f.spec.corpus === corpus);
const clips = (fs: FoldResult[], key: 'call' | 'cold'): ClipScore[] => fs.flatMap((f) => f[key]);

const usesGivenModel = folds.some((f) => f.spec.shippedModel);
const trainedOn = usesGivenModel ? loadShippedModel().training.corpora : [];
const heardCorpora = Array.isArray(trainedOn)
  ? [...speakersByCorpus.keys()].filter((corpus) => trainedOn.includes(corpus))
  : [];
const result: Record<string, unknown> = {};
const ratios: number[] = [];
const uars: number[] = [];
const arousal: number[] = [];
const valence: number[] = [];
let worst: { corpus: string; ratio: number } | null = null;
for (const corpus of speakersByCorpus.keys()) {
  const loco = of('loco', corpus);
  const call = clips(loco, 'call');
  const c = chance(call);
  const uar = classUar(call);
  result[`loco_call_uar_${corpus}`] = r4(uar);
  result[`loco_call_arousal_uar_${corpus}`] = r4(binaryUar(call, 'arousal'));
  result[`loco_call_valence_uar_${corpus}`] = r4(binaryUar(call, 'valence'));
  result[`loco_cold_uar_${corpus}`] = r4(classUar(clips(loco, 'cold')));
  result[`loco_cold_arousal_uar_${corpus}`] = r4(binaryUar(clips(loco, 'cold'), 'arousal'));
  result[`within_call_uar_${corpus}`] = args.locoOnly
    ? null
    : r4(classUar(clips(of('within', corpus), 'call')));
  result[`within_call_arousal_uar_${corpus}`] = args.locoOnly
    ? null
    : r4(binaryUar(clips(of('within', corpus), 'call'), 'arousal'));
  result[`chance_${corpus}`] = r4(c);
  const a = binaryUar(call, 'arousal');
  if (a !== null) arousal.push(a);
  const v = binaryUar(call, 'valence');
  if (v !== null) valence.push(v);
  if (uar !== null && c !== null) {
    uars.push(uar);
    ratios.push(uar / c);
    if (!worst || uar / c < worst.ratio) worst = { corpus, ratio: uar / c };
  }
}
const pooled = folds.filter((f) => f.spec.kind === 'loco');
const confidence = pooled.map((f) => confidenceFigures(f.call, f.enterConfidence));
const labelledCount = pooled.map((f) => f.call.filter((x) => x.targets.label >= 0).length);
const weighted = (k: 'ece' | 'uncertainShare'): number =>
  confidence.reduce((s, c, i) => s + c[k] * labelledCount[i], 0) / Math.max(1, sum(labelledCount));
const confidentCount = confidence.map((c, i) => (1 - c.uncertainShare) * labelledCount[i]);
const alerts = pooled.flatMap((f) => f.alerts);
// The "tense" cue shown instead of "uncertain" (pipelines/emotion/shown-state.ts), on clips with
// an arousal label: share of the uncertain windows that showed it, and how often it was right.
const cueClips = pooled.flatMap((f) => f.call).filter((x) => x.targets.arousal >= 0);
const cueSum = (k: keyof ClipScore['cue']): number => cueClips.reduce((s, x) => s + x.cue[k], 0);
const calmHours = alerts.reduce((s, a) => s + a.calmMs, 0) / 3_600_000;
const angry = alerts.filter((a) => a.hasAngryBlock);
const latencies = angry
  .flatMap((a) => (a.angryLatencyS === null ? [] : [a.angryLatencyS]))
  .sort((x, y) => x - y);

const openerAlerts = pooled.flatMap((f) => f.opener.alerts);
const openerLatencies = openerAlerts
  .flatMap((a) => (a.angryLatencyS === null ? [] : [a.angryLatencyS]))
  .sort((x, y) => x - y);
const shownShare = (s: readonly { windows: number; angry: number }[]): number | null => {
  const windows = s.reduce((a, x) => a + x.windows, 0);
  return windows === 0 ? null : s.reduce((a, x) => a + x.angry, 0) / windows;
};

/** Mean wall time of tracker.push (baseline, model, smoothing, evidence) on real 8 kHz windows. */
function usPerWindow(model: EmotionModel): number {
  const rows = calls.slice(0, 20).flatMap((c) => c.windows);
  const windows = rows.map((r, i) => replayWindow(r, i));
  const tracker = createEmotionTracker({ model, callId: 'bench', channel: 'customer' });
  for (let i = 0; i < 2000; i++) tracker.push(windows[i % windows.length]);
  const n = 20000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) tracker.push(windows[i % windows.length]);
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}
let committed: EmotionModel | null = null;
try {
  committed = loadShippedModel();
} catch (error) {
  log(`${(error as Error).message}: us_per_window not measured`);
}
const worstConfusion = worst ? confusion(clips(of('loco', worst.corpus), 'call')) : [];

Object.assign(result, {
  loco_call_uar_mean: r4(mean(uars)),
  loco_call_uar_mean_ratio_to_chance: r4(mean(ratios)),
  loco_call_arousal_uar_mean: r4(mean(arousal)),
  loco_call_valence_uar_mean: r4(mean(valence)),
  worst_corpus_ratio_to_chance: r4(worst?.ratio ?? null),
  worst_corpus: worst?.corpus ?? null,
  ece_call: r4(weighted('ece')),
  uncertain_share_call: r4(weighted('uncertainShare')),
  accuracy_when_confident_call: r4(
    confidence.reduce((s, c, i) => s + c.accuracyWhenConfident * confidentCount[i], 0) /
      Math.max(
        1,
        confidentCount.reduce((a, b) => a + b, 0),
      ),
  ),
  false_alert_rate_per_call_hour: r4(
    alerts.reduce((s, a) => s + a.falseAlerts, 0) / Math.max(1e-9, calmHours),
  ),
  false_alerts_by_rule: alerts
    .flatMap((a) => a.falseAlertRules)
    .reduce<Record<string, number>>((m, r) => ({ ...m, [r]: (m[r] ?? 0) + 1 }), {}),
  calm_call_hours: r4(calmHours),
  arousal_cue_when_uncertain_call: {
    tense_share: r4(cueSum('tense') / Math.max(1, cueSum('uncertain'))),
    tense_right: r4(cueSum('tenseRight') / Math.max(1, cueSum('tense'))),
  },
  returns_after_anger_announced: `${alerts.reduce((s, a) => s + a.returnsAnnounced, 0)}/${alerts.reduce((s, a) => s + a.returns, 0)}`,
  false_recoveries_in_negative_blocks: `${alerts.reduce((s, a) => s + a.falseRecoveries, 0)}/${alerts.reduce((s, a) => s + a.recoveries, 0)} recovery alerts (${alerts.reduce((s, a) => s + a.negativeBlocks, 0)} negative blocks)`,
  alert_latency_s: r4(latencies.length ? latencies[Math.floor(latencies.length / 2)] : null),
  alert_latency_s_p90: r4(latencies.length ? latencies[Math.floor(0.9 * (latencies.length - 1))] : null),
  angry_blocks_alerted: `${latencies.length}/${angry.length}`,
  // The caller who is upset from the first word (opener-layout.ts): the same speakers and models.
  angry_opener_blocks_alerted: `${openerLatencies.length}/${openerAlerts.filter((a) => a.hasAngryBlock).length}`,
  angry_opener_alert_latency_s: r4(
    openerLatencies.length ? openerLatencies[Math.floor(openerLatencies.length / 2)] : null,
  ),
  angry_shown_share: {
    opener: r4(shownShare(pooled.flatMap((f) => f.opener.shown))),
    calm_start: r4(shownShare(pooled.flatMap((f) => f.opener.calmStartShown))),
  },
  // The agent-stress cue (config/alert-rules.yaml agent-stress-rising) on the same speakers' calls.
  agent_tension_cue: tensionCueFigures(calls),
  us_per_window: committed ? r4(usPerWindow(committed)) : null,
  // One corpus (a user's own calls): the leave-one-corpus-out figures are the given model's (the
  // shipped one, or EMOTION_MODEL_PATH's: a retrained model was labelled "shipped").
  loco_model: usesGivenModel
    ? `${process.env.EMOTION_MODEL_PATH ? 'EMOTION_MODEL_PATH' : 'shipped'}: ${shippedModelPath()}`
    : 'fitted per fold on the other corpora',
  // The evaluated corpora that model was trained on: its loco_* figures there are not on unseen voices.
  loco_model_heard: heardCorpora,
  labels: [...EMOTION_LABELS],
  worst_corpus_confusion: worstConfusion,
  protocol: `call: calm start (≤ 20 s, ≤ 2/3 of the calm clips) then one block per emotion (seeded order, 400 ms gaps), 8 kHz µ-law, live tracker, clip = mean of the windows centred in it; leave-one-corpus-out over ${speakersByCorpus.size} corpora (${calls.length} speakers)${args.locoOnly ? '' : ' and leave-speakers-out within each corpus (min(5, speakers) folds; trained on the other speakers of the corpus alone with the one-setup recipe: all inputs, 3 context windows)'}; cold: each clip alone`,
  seconds: Math.round((Date.now() - t0) / 1000),
});
if (heardCorpora.length > 0)
  log(
    `eval:emotion: the model was trained on ${heardCorpora.join(', ')}: its loco_* figures there are figures on voices it has heard, not on unseen ones (within_* are the honest ones)`,
  );
emitBenchmark('eval-emotion', result);
