// A stand-in emotion model over the real FUNCTIONAL_NAMES for the CLI tests (the trained model is
// judged by eval:emotion, not here): zero weights, so every speech window is "neutral".
import { FUNCTIONAL_NAMES } from '../../../pipelines/dsp/index.ts';
import { MODEL_FORMAT, MODEL_VERSION } from '../../../pipelines/emotion/index.ts';
import { EMOTION_LABELS } from '../../../pipelines/emotion/types.ts';

export function testModelJson(): unknown {
  const nf = FUNCTIONAL_NAMES.length;
  const fill = (v: number) => new Array<number>(nf).fill(v);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: 'cli-test',
    labels: [...EMOTION_LABELS],
    featureNames: [...FUNCTIONAL_NAMES],
    baseline: {
      priorMean: fill(0),
      priorStd: fill(1),
      priorWeight: 2,
      minStd: fill(0.1),
      learnWindows: 20,
      learnMinSpeech: 0.5,
    },
    evidenceBaseline: { priorMean: [20, 6, 4, -30, 0.4, 0.2], priorStd: [2, 2, 1, 4, 0.1, 0.1] },
    inputs: { index: FUNCTIONAL_NAMES.map((_, i) => i), clip: 5, mean: fill(0), std: fill(1) },
    emotion: {
      members: [{ kind: 'linear', weights: EMOTION_LABELS.map(() => fill(0)), bias: [3, 0, 0, 0, 0, 0, 0] }],
      temperature: 1,
    },
    arousal: { weights: fill(0), bias: -1, temperature: 1 },
    valence: { weights: fill(0), bias: 1, temperature: 1 },
    thresholds: { minSpeechFraction: 0.25, enterConfidence: 0.45, stayConfidence: 0.3, dwellWindows: 2 },
    training: {},
  };
}
