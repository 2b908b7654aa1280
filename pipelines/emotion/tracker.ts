// One speaker's live emotion tracker: speaker baseline -> model -> smoothed state + evidence, one
// EmotionEvent per SpeakerWindow. Pure, no I/O; buffers preallocated per tracker.
import { groupMass, HIGH_AROUSAL, POSITIVE_VALENCE } from './affect.ts';
import { SpeakerBaseline } from './baseline.ts';
import { EmotionError } from './errors.ts';
import { describeEvidence, EVIDENCE_MEASURES, EVIDENCE_MIN_STD, evidenceMeasures } from './evidence.ts';
import type { EmotionModel } from './model-file.ts';
import { createScorer } from './scorer.ts';
import { candidateState, StateSmoother } from './smoothing.ts';
import type { CandidateThresholds } from './smoothing.ts';
import type { EmotionEvent, EmotionLabel } from './types.ts';
import type { Channel, SpeakerWindow } from '../dsp/types.ts';

export interface EmotionTrackerOptions {
  model: EmotionModel;
  callId: string;
  channel: Channel;
  /** Overrides of the model's thresholds (e.g. a stricter "uncertain"). */
  thresholds?: Partial<EmotionModel['thresholds']>;
  /**
   * Assume the speaker starts the call calm (default true when the model has `calmStart`): the
   * z-scores against the learnt part of the baseline are mapped to the all-emotion scale the model
   * was trained on. With `calmBaselineOnly` (also default) this keeps calm speakers "neutral" and
   * still detects anger quickly: README.
   */
  calmStart?: boolean;
  /** The baseline stops learning after this many speech windows (default 60: the call's first minute). */
  baselineMaxWindows?: number;
  /**
   * Learn the baseline only from windows judged low-arousal (after `baselineWarmupWindows`, default
   * 3), so a long stretch of anger does not become "how this person sounds" and hide itself.
   * Default: on whenever the calm-start mapping is on.
   */
  calmBaselineOnly?: boolean;
  baselineWarmupWindows?: number;
}

export interface EmotionTracker {
  push(window: SpeakerWindow): EmotionEvent;
}

export function createEmotionTracker(options: EmotionTrackerOptions): EmotionTracker {
  const { model, callId, channel } = options;
  const labels = model.labels;
  const thresholds: CandidateThresholds & { dwellWindows: number } = {
    ...model.thresholds,
    ...options.thresholds,
  };
  const maxWindows = options.baselineMaxWindows ?? 60;
  const scorer = createScorer(model);
  const nf = model.featureNames.length;
  const baseline = new SpeakerBaseline({ ...model.baseline, maxWindows });
  const evidenceBaseline = new SpeakerBaseline({
    ...model.evidenceBaseline,
    priorWeight: model.baseline.priorWeight,
    minStd: EVIDENCE_MIN_STD,
    maxWindows,
  });
  const smoother = new StateSmoother(thresholds.dwellWindows);
  const z = new Float64Array(nf);
  const probs = new Float64Array(labels.length);
  const measures = new Float64Array(EVIDENCE_MEASURES.length);
  const evidenceZ = new Float64Array(EVIDENCE_MEASURES.length);
  const order = new Int32Array(EVIDENCE_MEASURES.length);
  const calm = options.calmStart !== false ? model.calmStart : undefined;
  const calmBaselineOnly = options.calmBaselineOnly ?? calm !== undefined;
  const w0 = model.baseline.priorWeight;

  return {
    push(window) {
      if (window.functionals.length !== nf) {
        throw new EmotionError(
          'FEATURE_MISMATCH',
          `window has ${window.functionals.length} functionals, the model expects ${nf}`,
        );
      }
      baseline.normalise(window.functionals, z);
      if (calm) {
        // Weight of the speaker's own windows in the pooled baseline: the prior part is already
        // on the all-emotion scale, only the learnt part needs the calm-start mapping.
        for (let d = 0; d < nf; d++) {
          const w = baseline.windows(d) / (baseline.windows(d) + w0);
          z[d] = z[d] * (1 - w + w * calm.stdRatio[d]) + w * calm.offset[d];
        }
      }
      scorer.score(z, probs);
      let best = 0;
      for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
      const rawLabel: EmotionLabel = labels[best];
      const confidence = probs[best];
      const candidate = candidateState(
        smoother.current,
        window.speechFraction,
        rawLabel,
        confidence,
        thresholds,
      );
      const changed = smoother.next(candidate);
      const isSpeech = window.speechFraction >= thresholds.minSpeechFraction;
      evidenceMeasures(window, measures);
      const evidence = isSpeech
        ? describeEvidence(measures, evidenceBaseline, evidenceZ, order)
        : [`speech ${Math.round(100 * window.speechFraction)} % of the window: too little to judge`];
      // Learn the baseline after judging the window: the baseline is the speaker's EARLIER speech.
      const arousal = groupMass(probs, labels, HIGH_AROUSAL);
      const learn =
        isSpeech &&
        (!calmBaselineOnly || baseline.windows() < (options.baselineWarmupWindows ?? 3) || arousal < 0.5);
      if (learn) {
        baseline.add(window.functionals);
        evidenceBaseline.add(measures);
      }
      const probabilities = {} as Record<EmotionLabel, number>;
      for (let k = 0; k < labels.length; k++) probabilities[labels[k]] = probs[k];
      return {
        eventId: `${callId}:${channel}:${window.windowIndex}:emotion`,
        callId,
        channel,
        windowIndex: window.windowIndex,
        startMs: window.startMs,
        endMs: window.endMs,
        state: smoother.current ?? candidate,
        changed,
        rawLabel,
        probabilities,
        arousal,
        valence: groupMass(probs, labels, POSITIVE_VALENCE),
        confidence,
        evidence,
      };
    },
  };
}
