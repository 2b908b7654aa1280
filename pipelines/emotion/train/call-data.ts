// Training data of the emotion model in the shape of live calls: per speaker, the windows of one
// call in order, each with the clip it is centred in and that clip's targets. The model's inputs
// are the z-scores the live tracker computes (CallBaseline over the same windows in the same
// order), so training sees exactly what a live call shows it. Pure, no I/O.
import { CallBaseline } from '../call-baseline.ts';
import type { CallBaselineOptions } from '../call-baseline.ts';

/** Targets of one clip; -1 = not known (e.g. `surprise` has no class, BAVED no class or valence). */
export interface ClipTargets {
  /** Index into EMOTION_LABELS. */
  label: number;
  /** 1 high, 0 low. */
  arousal: number;
  /** 1 positive, 0 negative. */
  valence: number;
}

export interface CallWindow {
  speechFraction: number;
  functionals: Float64Array;
  /** Evidence measures (evidence.ts order). */
  measures: Float64Array;
  /** Index of the clip the window is centred in, -1 in a gap. */
  clip: number;
  /** Centred in the call's calm start (the baseline's material). */
  calmStart: boolean;
}

export interface TrainingCall {
  corpus: string;
  speaker: string;
  /** A training augmentation (e.g. line noise): only the arousal head learns from it, nothing is judged on it. */
  augmented: boolean;
  clips: ClipTargets[];
  windows: CallWindow[];
}

/** One model input row: a speech window centred in a labelled clip, with its live z-scores. */
export interface InputRow {
  call: number;
  corpus: string;
  speaker: string;
  clip: number;
  calmStart: boolean;
  augmented: boolean;
  targets: ClipTargets;
  z: Float64Array;
}

/** z-scores of every speech window of every call centred in a clip, through CallBaseline. */
export function callInputRows(
  calls: readonly TrainingCall[],
  baseline: CallBaselineOptions,
  minSpeechFraction: number,
): InputRow[] {
  const rows: InputRow[] = [];
  const nf = baseline.priorMean.length;
  calls.forEach((call, c) => {
    const b = new CallBaseline(baseline);
    for (const w of call.windows) {
      const z = b.next(w.functionals, w.speechFraction, new Float64Array(nf));
      if (w.clip < 0 || w.speechFraction < minSpeechFraction) continue;
      rows.push({
        call: c,
        corpus: call.corpus,
        speaker: call.speaker,
        clip: w.clip,
        calmStart: w.calmStart,
        augmented: call.augmented,
        targets: call.clips[w.clip],
        z,
      });
    }
  });
  return rows;
}
