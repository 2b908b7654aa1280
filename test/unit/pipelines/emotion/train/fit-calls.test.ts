// The training recipe on synthetic call-shaped data (pipelines/emotion/train/fit-calls.ts): it
// learns speaker-relative cues through the live CallBaseline, gives calibrated arousal/valence
// heads and an "uncertain" threshold, and is deterministic (train:emotion reproduces its file).
import { describe, expect, it } from 'vitest';
import { createEmotionTracker, parseEmotionModel } from '../../../../../pipelines/emotion/index.ts';
import type { EmotionModel } from '../../../../../pipelines/emotion/index.ts';
import type { CallWindow, TrainingCall } from '../../../../../pipelines/emotion/train/call-data.ts';
import { FIT_RECIPE, ONE_SETUP_RECIPE, recipeFor } from '../../../../../pipelines/emotion/train/config.ts';
import { fitCallModel } from '../../../../../pipelines/emotion/train/fit-calls.ts';
import { createRng } from '../../../../../pipelines/emotion/train/rng.ts';
import { toyWindow } from '../toy-model.ts';

// neutral 0, angry 2, sad 3: functional 0 rises with anger, functional 1 with sadness.
const SHIFT: Record<number, [number, number, number]> = { 0: [0, 0, 0], 2: [3, 0, 0], 3: [0, 3, 0] };
const TARGETS = [
  { label: 0, arousal: 0, valence: 1 },
  { label: 2, arousal: 1, valence: 0 },
  { label: 3, arousal: 0, valence: 0 },
];

function syntheticCall(corpus: string, speaker: string, seed: number, noise = 0.5): TrainingCall {
  const rng = createRng(seed);
  // Every speaker has their own level: only the change from the calm start carries the emotion.
  const own = [4 * rng.normal(), 4 * rng.normal(), 4 * rng.normal()];
  const windows: CallWindow[] = [];
  const push = (clip: number, calmStart: boolean): void => {
    const shift = SHIFT[TARGETS[clip].label];
    const f = Float64Array.from(own, (o, d) => o + shift[d] + noise * rng.normal());
    windows.push({ speechFraction: 0.9, functionals: f, measures: new Float64Array(6), clip, calmStart });
  };
  for (let i = 0; i < 20; i++) push(0, true);
  for (const clip of [1, 2, 0]) for (let i = 0; i < 15; i++) push(clip, false);
  return { corpus, speaker, augmented: false, clips: TARGETS, windows };
}

const calls = ['a', 'b', 'c'].flatMap((corpus, c) =>
  [1, 2, 3].map((s) => syntheticCall(corpus, `${corpus}-${s}`, 100 * c + s)),
);
const options = { ...FIT_RECIPE, featureNames: ['f0', 'f1', 'f2'], l2Grid: [0.01, 0.1] };
// These tests judge what the fitted model says of each window alone, not the live average over
// windows (probability-average.test.ts).
const EACH_WINDOW = { probabilitySmoothing: 1 };

describe('fitCallModel', () => {
  const model: EmotionModel = parseEmotionModel(JSON.parse(JSON.stringify(fitCallModel(calls, options))));

  it('learns the change from the calm start, whatever the speaker level', () => {
    const test = syntheticCall('d', 'd-1', 999);
    const tracker = createEmotionTracker({
      model,
      callId: 't',
      channel: 'customer',
      thresholds: EACH_WINDOW,
    });
    const events = test.windows.map((w, i) => tracker.push(toyWindow(i, [...w.functionals] as never)));
    const judged = (clip: number) =>
      events.filter((_, i) => !test.windows[i].calmStart && test.windows[i].clip === clip);
    expect(judged(1).filter((e) => e.rawLabel === 'angry').length).toBeGreaterThan(12);
    expect(judged(2).filter((e) => e.rawLabel === 'sad').length).toBeGreaterThan(12);
    expect(judged(1).filter((e) => e.arousal > 0.5).length).toBeGreaterThan(12);
    expect(judged(2).filter((e) => e.valence < 0.5).length).toBeGreaterThan(12);
    expect(judged(0).filter((e) => e.rawLabel === 'neutral').length).toBeGreaterThan(10);
  });

  it('sets the uncertain threshold from out-of-corpus predictions and keeps hysteresis', () => {
    const t = model.thresholds;
    expect(t.enterConfidence).toBeGreaterThan(1 / 7);
    expect(t.enterConfidence).toBeLessThan(1);
    expect(t.stayConfidence).toBeLessThan(t.enterConfidence);
    expect(t.stayConfidence).toBeGreaterThan(1 / 7);
    expect(model.baseline.learnWindows).toBe(FIT_RECIPE.learnWindows);
    expect(t.probabilitySmoothing).toBe(FIT_RECIPE.probabilitySmoothing);
  });

  it('carries the network beside the regression when the recipe asks for it', () => {
    expect(model.emotion.members.map((m) => m.kind)).toEqual(['linear', 'mlp']);
    const alone = fitCallModel(calls, { ...options, emotionMlp: null });
    expect(alone.emotion.members.map((m) => m.kind)).toEqual(['linear']);
  });

  it('is deterministic: the same calls give the same file', () => {
    expect(JSON.stringify(fitCallModel(calls, options))).toBe(JSON.stringify(model));
  });
});

describe("the one-setup recipe (one corpus, e.g. a contact centre's own calls)", () => {
  // Windows so noisy that one alone often misleads: the recent mean must carry the decision.
  const noisy = [1, 2, 3, 4, 5, 6].map((s) => syntheticCall('own', `own-${s}`, 500 + s, 2.5));
  const fit = (recipe: typeof FIT_RECIPE): EmotionModel =>
    parseEmotionModel(
      JSON.parse(
        JSON.stringify(fitCallModel(noisy, { ...recipe, featureNames: ['f0', 'f1', 'f2'], l2Grid: [0.1] })),
      ),
    );
  // Share of the angry blocks' windows judged angry, over several new speakers.
  const angryShare = (model: EmotionModel): number => {
    let hits = 0;
    let total = 0;
    for (const seed of [4242, 4343, 4444, 4545, 4646, 4747]) {
      const test = syntheticCall('own', `own-new-${seed}`, seed, 2.5);
      const tracker = createEmotionTracker({
        model,
        callId: 't',
        channel: 'customer',
        thresholds: EACH_WINDOW,
      });
      test.windows.forEach((w, i) => {
        const e = tracker.push(toyWindow(i, [...w.functionals] as never));
        if (w.calmStart || w.clip !== 1) return;
        total++;
        if (e.rawLabel === 'angry') hits++;
      });
    }
    return hits / total;
  };

  it('is chosen for one recording setup, the pooled recipe for several', () => {
    expect(recipeFor(1)).toBe(ONE_SETUP_RECIPE);
    expect(recipeFor(2)).toBe(FIT_RECIPE);
    expect(ONE_SETUP_RECIPE.contextWindows).toBeGreaterThan(0);
  });

  it('adds the recent-mean inputs and judges noisy windows better with them', () => {
    const withContext = fit(ONE_SETUP_RECIPE);
    const alone = fit({ ...ONE_SETUP_RECIPE, contextWindows: 0 });
    expect(withContext.inputs.context?.windows).toBe(ONE_SETUP_RECIPE.contextWindows);
    expect(withContext.arousal.weights).toHaveLength(2 * withContext.inputs.index.length);
    expect(alone.inputs.context).toBeUndefined();
    expect(angryShare(withContext)).toBeGreaterThan(angryShare(alone) + 0.08);
  });
});
