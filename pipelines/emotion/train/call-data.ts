// Training data of the emotion model in the shape of live calls: per speaker, the windows of one
// call in order, each with the clip it is centred in and that clip's targets. The model's inputs
// are the z-scores the live tracker computes (CallBaseline over the same windows in the same
// order), so training sees exactly what a live call shows it. Pure, no I/O.
import { CallBaseline } from '../call-baseline.ts';
import type { CallBaselineOptions } from '../call-baseline.ts';
import { RecentMean } from '../recent-mean.ts';

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
  /**
   * Mean of the clipped z-scores of the last `contextWindows` speech windows, this one included
   * (scorer.ts computes the same live); empty when the recipe has no context.
   */
  context: Float64Array;
}

/** How rows are built: who counts as speech, and the context inputs (0 windows: none). */
export interface RowOptions {
  minSpeechFraction: number;
  contextWindows: number;
  /** Clip of the z-scores (the model's inputs.clip). */
  clip: number;
}

/** A z-score as the scorer reads it: undefined → the baseline (0), then clipped. */
export function clippedZ(v: number, clip: number): number {
  return Number.isFinite(v) ? Math.max(-clip, Math.min(clip, v)) : 0;
}

/** z-scores of every speech window of every call centred in a clip, through CallBaseline. */
export function callInputRows(
  calls: readonly TrainingCall[],
  baseline: CallBaselineOptions,
  options: RowOptions,
): InputRow[] {
  const rows: InputRow[] = [];
  const nf = baseline.priorMean.length;
  const { minSpeechFraction, contextWindows, clip } = options;
  const none = new Float64Array(0);
  calls.forEach((call, c) => {
    const b = new CallBaseline(baseline);
    const recent = contextWindows > 0 ? new RecentMean(nf, contextWindows) : null;
    const clipped = new Float64Array(nf);
    for (const w of call.windows) {
      const z = b.next(w.functionals, w.speechFraction, new Float64Array(nf));
      if (w.speechFraction < minSpeechFraction) continue;
      let context = none;
      if (recent) {
        for (let d = 0; d < nf; d++) clipped[d] = clippedZ(z[d], clip);
        recent.push(clipped);
        context = new Float64Array(nf);
        recent.mean(context, 0, clipped);
      }
      if (w.clip < 0) continue;
      rows.push({
        call: c,
        corpus: call.corpus,
        speaker: call.speaker,
        clip: w.clip,
        calmStart: w.calmStart,
        augmented: call.augmented,
        targets: call.clips[w.clip],
        z,
        context,
      });
    }
  });
  return rows;
}
