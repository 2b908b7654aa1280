// Label smoothing so the state does not flicker: a window proposes a candidate state (with
// confidence hysteresis: staying in the current emotion needs less confidence than entering a
// new one), and the state only switches after `dwellWindows` consecutive windows propose the same
// new state. Pure, no I/O, no allocation.
import type { EmotionLabel, EmotionState } from './types.ts';

export interface CandidateThresholds {
  minSpeechFraction: number;
  /** Confidence needed to enter an emotion state. */
  enterConfidence: number;
  /** Confidence needed to keep the current emotion state (< enterConfidence: hysteresis). */
  stayConfidence: number;
}

/** What one window alone says, given the current state. */
export function candidateState(
  current: EmotionState | null,
  speechFraction: number,
  rawLabel: EmotionLabel,
  confidence: number,
  t: CandidateThresholds,
): EmotionState {
  if (!(speechFraction >= t.minSpeechFraction)) return 'no-speech';
  if (rawLabel === current && confidence >= t.stayConfidence) return rawLabel;
  return confidence >= t.enterConfidence ? rawLabel : 'uncertain';
}

export class StateSmoother {
  private state: EmotionState | null = null;
  private pending: EmotionState | null = null;
  private pendingCount = 0;
  private readonly dwellWindows: number;

  constructor(dwellWindows: number) {
    this.dwellWindows = Math.max(1, Math.floor(dwellWindows));
  }

  get current(): EmotionState | null {
    return this.state;
  }

  /** Feeds one window's candidate; returns whether the smoothed state changed. */
  next(candidate: EmotionState): boolean {
    if (this.state === null) {
      // The first window has no earlier state to protect: adopt it (not reported as a change).
      this.state = candidate;
      return false;
    }
    if (candidate === this.state) {
      this.pending = null;
      this.pendingCount = 0;
      return false;
    }
    if (candidate === this.pending) this.pendingCount++;
    else {
      this.pending = candidate;
      this.pendingCount = 1;
    }
    if (this.pendingCount < this.dwellWindows) return false;
    this.state = candidate;
    this.pending = null;
    this.pendingCount = 0;
    return true;
  }
}
