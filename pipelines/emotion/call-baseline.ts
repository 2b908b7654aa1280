// The speaker's calm-start baseline within one call: every window is z-scored against a
// SpeakerBaseline that learns only the speaker's first `learnWindows` speech windows (the call's
// opening, where a caller states the issue, usually calmly) and then stays fixed, so a long angry
// stretch never becomes "how this person sounds". The same code scores live windows and builds the
// training inputs (pipelines/emotion/train), so the model learns exactly what the tracker computes.
// Pure, no I/O, no allocation per window.
import { SpeakerBaseline } from './baseline.ts';

export interface CallBaselineOptions {
  priorMean: ArrayLike<number>;
  priorStd: ArrayLike<number>;
  /** Weight of the population prior, in windows. */
  priorWeight: number;
  minStd: ArrayLike<number>;
  /** Speech windows the baseline learns (the calm start), then it is frozen. */
  learnWindows: number;
  /** A window is learnt only with at least this share of speech. */
  learnMinSpeech: number;
}

export class CallBaseline {
  private readonly baseline: SpeakerBaseline;
  private readonly learnMinSpeech: number;
  private learnt = 0;
  private readonly learnWindows: number;

  constructor(options: CallBaselineOptions) {
    this.baseline = new SpeakerBaseline({ ...options, maxWindows: options.learnWindows });
    this.learnWindows = options.learnWindows;
    this.learnMinSpeech = options.learnMinSpeech;
  }

  /** Speech windows learnt so far. */
  get windows(): number {
    return this.learnt;
  }

  /**
   * z-scores of one window's functionals against the baseline learnt from EARLIER windows, into
   * `z`; then learns the window if it belongs to the calm start.
   */
  next(functionals: ArrayLike<number>, speechFraction: number, z: Float64Array): Float64Array {
    this.baseline.normalise(functionals, z);
    if (this.learnt < this.learnWindows && speechFraction >= this.learnMinSpeech) {
      this.baseline.add(functionals);
      this.learnt++;
    }
    return z;
  }
}
