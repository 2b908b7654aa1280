// One speaker's live emotion tracker: calm-start baseline -> model -> smoothed state + evidence,
// one EmotionEvent per SpeakerWindow. Pure, no I/O; buffers preallocated per tracker.
import { SpeakerBaseline } from './baseline.ts';
import { CallBaseline } from './call-baseline.ts';
import { EmotionError } from './errors.ts';
import { eventHead } from './event-head.ts';
import { describeEvidence, EVIDENCE_MEASURES, EVIDENCE_MIN_STD, evidenceMeasures } from './evidence.ts';
import type { EmotionModel } from './model-file.ts';
import { ProbabilityAverage } from './probability-average.ts';
import { createScorer } from './scorer.ts';
import { candidateState, StateSmoother } from './smoothing.ts';
import type { CandidateThresholds } from './smoothing.ts';
import { holdEvent } from './hold-event.ts';
import type { EmotionEvent, EmotionLabel } from './types.ts';
import type { Channel, SpeakerWindow } from '../dsp/types.ts';

export interface EmotionTrackerOptions {
  model: EmotionModel;
  callId: string;
  channel: Channel;
  /** Overrides of the model's thresholds (e.g. a stricter "uncertain"). */
  thresholds?: Partial<EmotionModel['thresholds']>;
  /**
   * Speech windows of the caller the baseline must have learnt before a class is named (default
   * WARMUP_WINDOWS): until then a window is judged against the population, which is no judgement
   * of this voice, so the state says "uncertain" (arousal and valence are still reported).
   */
  warmupWindows?: number;
}

/** About 4 s of the caller's speech. The call protocol's false alerts in the calm start fell from 47 to README. */
export const WARMUP_WINDOWS = 4;

export interface EmotionTracker {
  push(window: SpeakerWindow): EmotionEvent;
}

/** Confidence of a binary decision from its probability: how far from a coin toss, 0.5..1. */
const decisionConfidence = (p: number): number => (p >= 0.5 ? p : 1 - p);

export function createEmotionTracker(options: EmotionTrackerOptions): EmotionTracker {
  const { model, callId, channel } = options;
  const labels = model.labels;
  const thresholds: CandidateThresholds & EmotionModel['thresholds'] = {
    ...model.thresholds,
    ...options.thresholds,
  };
  const scorer = createScorer(model);
  const nf = model.featureNames.length;
  const baseline = new CallBaseline(model.baseline);
  const evidenceBaseline = new SpeakerBaseline({
    ...model.evidenceBaseline,
    priorWeight: model.baseline.priorWeight,
    minStd: EVIDENCE_MIN_STD,
    maxWindows: model.baseline.learnWindows,
  });
  const smoother = new StateSmoother(thresholds.dwellWindows);
  const z = new Float64Array(nf);
  const windowProbs = new Float64Array(labels.length);
  const average = new ProbabilityAverage(labels.length, thresholds.probabilitySmoothing ?? 1);
  const measures = new Float64Array(EVIDENCE_MEASURES.length);
  const evidenceZ = new Float64Array(EVIDENCE_MEASURES.length);
  const order = new Int32Array(EVIDENCE_MEASURES.length);
  const warmup = options.warmupWindows ?? WARMUP_WINDOWS;
  /** The previous event was a hold window's ("uncertain"), shown instead of the smoothed state. */
  let lastOnHold = false;

  return {
    push(window) {
      if (window.functionals.length !== nf) {
        throw new EmotionError(
          'FEATURE_MISMATCH',
          `window has ${window.functionals.length} functionals, the model expects ${nf}`,
        );
      }
      // On hold the channel carries hold music or nobody: nothing judged, nothing learnt (baselines,
      // averaged evidence and smoothed state stay as before the hold, and go on after it).
      if (window.onHold === true) {
        const changed = !lastOnHold && (smoother.current ?? 'uncertain') !== 'uncertain';
        lastOnHold = true;
        const evidence = average.count > 0 ? average.mean : null;
        return holdEvent({ callId, channel, window, labels, evidence, changed });
      }
      // Judged against the baseline of EARLIER windows; the call's calm start is then learnt.
      const learntBefore = baseline.windows;
      baseline.next(window.functionals, window.speechFraction, z);
      const isSpeech = window.speechFraction >= thresholds.minSpeechFraction;
      scorer.score(z, windowProbs, isSpeech);
      // The class evidence so far: a speech window joins the average; a window without enough
      // speech (state no-speech) leaves it as it was.
      if (isSpeech) average.push(windowProbs);
      const probs = average.count > 0 ? average.mean : windowProbs;
      let best = 0;
      for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
      const rawLabel: EmotionLabel = labels[best];
      const confidence = probs[best];
      // Hysteresis against the state before a pause, so a turn of the other side does not reset it.
      const judged = candidateState(smoother.spoken, window.speechFraction, rawLabel, confidence, thresholds);
      const candidate = judged !== 'no-speech' && learntBefore < warmup ? 'uncertain' : judged;
      const smoothedChanged = smoother.next(candidate);
      const changed = lastOnHold ? (smoother.current ?? candidate) !== 'uncertain' : smoothedChanged;
      lastOnHold = false;
      evidenceMeasures(window, measures);
      const evidence = isSpeech
        ? describeEvidence(measures, evidenceBaseline, evidenceZ, order)
        : [`speech ${Math.round(100 * window.speechFraction)} % of the window: too little to judge`];
      if (baseline.windows > learntBefore) evidenceBaseline.add(measures);
      const arousal = scorer.arousal();
      const valence = scorer.valence();
      const probabilities = {} as Record<EmotionLabel, number>;
      for (let k = 0; k < labels.length; k++) probabilities[labels[k]] = probs[k];
      return {
        ...eventHead(callId, channel, window),
        state: smoother.current ?? candidate,
        changed,
        rawLabel,
        probabilities,
        arousal,
        valence,
        arousalConfidence: decisionConfidence(arousal),
        valenceConfidence: decisionConfidence(valence),
        confidence,
        evidence,
      };
    },
  };
}
