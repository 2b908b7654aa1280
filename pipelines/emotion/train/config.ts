// The training recipe of models/emotion-v2.json, fixed in advance (shared by train:emotion and
// eval:emotion so the evaluated procedure is exactly the shipped one). Pure constants.
import type { CallFitOptions } from './fit-calls.ts';

/** Seed of the simulated calls' block order (scripts/lib/emotion-data/call-layout.ts). */
export const TRAINING_SEED = 20261204;

/**
 * nEMO speakers never trained on by the shipped model: the demo calls and the end-to-end test
 * (assets/nemo-calls) are built from them, so what they show is a judgement on unseen voices.
 */
export const HELD_OUT_SPEAKERS: readonly string[] = ['nemo-IC0', 'nemo-KD0', 'nemo-SM0'];

export const FIT_RECIPE: Omit<CallFitOptions, 'featureNames' | 'log'> = {
  name: 'emotion-v2',
  l2Grid: [0.01, 0.03, 0.1, 0.3],
  // MFCCs carry the microphone and the room; absolute level (dBFS energy, loudness) the line gain,
  // which the calm-start baseline cancels only partly (its population prior). Leaving both out
  // raised leave-one-corpus-out class UAR 0.415 → 0.436 and arousal 0.759 → 0.777 (README log)
  // and keeps the arousal decision when a line is 20 dB quieter.
  excludeInputs: '^(mfcc\\d|loudness_|energy_)',
  priorWeight: 5,
  // Context inputs cost leave-one-corpus-out UAR on the corpus whose rooms vary most (ASED, with
  // 5 windows: 0.305 → 0.262 in the README's log): across recording setups, a window alone.
  contextWindows: 0,
  // About the first 20 s of the caller's speech (a real caller states the issue in the opening
  // seconds). Trials (leave-one-corpus-out, README): 12 windows gave class UAR 0.388, 20 gave 0.415.
  learnWindows: 20,
  learnMinSpeech: 0.5,
  clip: 5,
  minSpeechFraction: 0.25,
  // Share of inner out-of-corpus clips below the enter threshold. The held-out corpora's uncertain
  // share comes out 0.05–0.06 above it (0.35 gave 0.409 with the probability average, past the
  // 0.40 the issue allows; 0.33 gives 0.379 with the committed recipe).
  uncertainShare: 0.33,
  stayMargin: 0.5,
  dwellWindows: 2,
  // The state rests on the average of the caller's recent windows, not one window (README log:
  // accuracy of the 60 % most confident clips 0.475 → 0.535 at 0.2; 0.5 / 0.3 / 0.1 gave 0.505 /
  // 0.530 / 0.517, leave-one-corpus-out).
  probabilitySmoothing: 0.2,
  // A small network beside the regression, logits averaged: the two err on different clips
  // (Python copy, leave-one-corpus-out with the 0.2 average: accuracy of the 60 % most confident
  // clips 0.540 → 0.563, class UAR 0.447 → 0.467; README log). Settings fixed in advance.
  emotionMlp: { hidden: 32, epochs: 20, batchSize: 64, learningRate: 0.001, l2: 0.01, seed: TRAINING_SEED },
  training: { seed: TRAINING_SEED, heldOutSpeakers: [...HELD_OUT_SPEAKERS] },
};

/**
 * The recipe for training data from ONE recording setup (one corpus; a contact centre's own
 * labelled calls, `--data`): train and live calls share the lines and microphones, so the inputs
 * that carry them (MFCCs, levels) are kept, and the mean of the last 3 speech windows joins each
 * window's inputs. Leave-speakers-out within EmoDB (README log): class UAR 0.58 with the pooled
 * recipe's inputs, 0.65 with all inputs, 0.69 with all inputs and 3 context windows.
 */
export const ONE_SETUP_RECIPE: Omit<CallFitOptions, 'featureNames' | 'log'> = {
  ...FIT_RECIPE,
  name: 'emotion-one-setup',
  excludeInputs: '',
  contextWindows: 3,
  // The one-setup figures (README) were measured with the regression alone.
  emotionMlp: null,
  // Within one setup the recent-mean inputs already carry the context, and averaging the class
  // over windows cost more on the corpora whose speakers change emotion every few clips than it
  // gained on the others: leave-speakers-out UAR mean over the six corpora 0.567 without, 0.561
  // with the 0.2 average (EmoDB 0.715 → 0.679; README log).
  probabilitySmoothing: 1,
};

/** The recipe for training data from `setups` recording setups (corpora). */
export function recipeFor(setups: number): Omit<CallFitOptions, 'featureNames' | 'log'> {
  return setups > 1 ? FIT_RECIPE : ONE_SETUP_RECIPE;
}
