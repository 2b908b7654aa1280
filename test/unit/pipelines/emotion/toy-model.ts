// A hand-made 3-functional emotion model and SpeakerWindow builder for the unit tests: functional 0
// drives "angry", functional 1 drives "sad", otherwise "neutral". Pure, no I/O.
import type { SpeakerWindow } from '../../../../pipelines/dsp/types.ts';
import { gridWindow } from '../../../../devkit/records/speaker-window.ts';
import { MODEL_FORMAT, MODEL_VERSION } from '../../../../pipelines/emotion/model-file.ts';
import type { EmotionModel } from '../../../../pipelines/emotion/model-file.ts';
import { EMOTION_LABELS } from '../../../../pipelines/emotion/types.ts';

export function toyModel(): EmotionModel {
  const row = (a: number, b: number): number[] => [a, b, 0];
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: 'toy',
    labels: [...EMOTION_LABELS],
    featureNames: ['f0', 'f1', 'f2'],
    baseline: {
      priorMean: [0, 0, 0],
      priorStd: [1, 1, 1],
      priorWeight: 2,
      minStd: [0.1, 0.1, 0.1],
      learnWindows: 20,
      learnMinSpeech: 0.5,
    },
    evidenceBaseline: { priorMean: [20, 6, 4, -30, 0.4, 0.2], priorStd: [2, 2, 1, 4, 0.1, 0.1] },
    inputs: { index: [0, 1, 2], clip: 5, mean: [0, 0, 0], std: [1, 1, 1] },
    emotion: {
      members: [
        {
          kind: 'linear',
          // neutral, happy, angry, sad, anxious, bored, disgust
          weights: [row(0, 0), row(0, 0), row(4, 0), row(0, 4), row(0, 0), row(0, 0), row(0, 0)],
          bias: [2, -2, -2, -2, -2, -2, -2],
        },
      ],
      temperature: 1,
    },
    // Functional 0 raises arousal, functional 1 lowers valence.
    arousal: { weights: [3, 0, 0], bias: -1, temperature: 1 },
    valence: { weights: [-2, -3, 0], bias: 1, temperature: 1 },
    thresholds: { minSpeechFraction: 0.25, enterConfidence: 0.45, stayConfidence: 0.3, dwellWindows: 2 },
    training: {},
  };
}

export function toyWindow(
  index: number,
  f: [number, number, number],
  over: Partial<SpeakerWindow> = {},
): SpeakerWindow {
  return {
    ...gridWindow(index),
    speechFraction: 0.8,
    voicedFraction: 0.6,
    pace: { syllableRate: 4, articulationRate: 5, pauseRatio: 0.2, meanPauseMs: 300 },
    pitch: { medianHz: 200, medianSt: 20, meanSt: 20, stdSt: 2, rangeSt: 6, slopeStPerS: 0 },
    loudness: { meanDbfs: -30, stdDb: 5, peakDbfs: -10 },
    voiceQuality: {
      jitterPct: 1,
      shimmerPct: 3,
      shimmerDb: 0.3,
      hnrDb: 12,
      alphaRatioDb: -10,
      hammarbergDb: 20,
      spectralSlope: -0.01,
    },
    tensionIndex: 0.4,
    functionals: Float64Array.from(f),
    ...over,
  };
}
