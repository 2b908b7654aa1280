// Label smoothing so the state does not flicker: a window proposes a candidate state (with
// confidence hysteresis: staying in the current emotion needs less confidence than entering a
// new one), and the state only switches after `dwellWindows` consecutive windows propose the same
// new state. A pause (no-speech: in a conversation, the other side's turn) does not end the
// speaker's state: the class average it rests on is unchanged over the pause, so the state before
// the pause keeps its hysteresis and comes back at once when the speaker does. Pure, no I/O, no
// allocation.
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
  /** The last state with speech (not no-speech): what a pause interrupts. */
  private spokenState: EmotionState | null = null;
  private pending: EmotionState | null = null;
  private pendingCount = 0;
  private readonly dwellWindows: number;

  constructor(dwellWindows: number) {
    this.dwellWindows = Math.max(1, Math.floor(dwellWindows));
  }

  get current(): EmotionState | null {
    return this.state;
  }

  /** The state before the current pause, or the current state while the speaker speaks. */
  get spoken(): EmotionState | null {
    return this.spokenState;
  }

  /** Feeds one window's candidate; returns whether the smoothed state changed. */
  next(candidate: EmotionState): boolean {
    if (this.state === null) {
      // The first window has no earlier state to protect: adopt it (not reported as a change).
      this.adopt(candidate);
      return false;
    }
    if (candidate === this.state) {
      this.pending = null;
      this.pendingCount = 0;
      return false;
    }
    // The speaker resumes after a pause in the state the pause interrupted: no new evidence to wait for.
    const resumes = this.state === 'no-speech' && candidate === this.spokenState;
    if (candidate === this.pending) this.pendingCount++;
    else {
      this.pending = candidate;
      this.pendingCount = 1;
    }
    if (!resumes && this.pendingCount < this.dwellWindows) return false;
    this.adopt(candidate);
    return true;
  }

  private adopt(state: EmotionState): void {
    this.state = state;
    if (state !== 'no-speech') this.spokenState = state;
    this.pending = null;
    this.pendingCount = 0;
  }
}
