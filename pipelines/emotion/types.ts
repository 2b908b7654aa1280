// Shapes of the emotion stage's output. Pure types, no I/O.
import type { Channel } from '../dsp/types.ts';

/** EmoDB's seven categories in contact-centre words: N, F, W, T, A, L, E. */
export const EMOTION_LABELS = ['neutral', 'happy', 'angry', 'sad', 'anxious', 'bored', 'disgust'] as const;
export type EmotionLabel = (typeof EMOTION_LABELS)[number];

/** What an event says: an emotion, or the honest "no speech" / "not sure". */
export type EmotionState = EmotionLabel | 'no-speech' | 'uncertain';

/** An event's dimensions, confidences and reasons; the emotions record carries them as they are. */
export interface EmotionScores {
  /** P(high arousal), calibrated on corpora the model did not see (0.5 = the decision point). */
  arousal: number;
  /** P(positive valence), calibrated the same way. */
  valence: number;
  /**
   * Confidence of the arousal decision (high or low), 0.5..1. On the wire 0 when a producer
   * before model v2 wrote the record (proto3 default).
   */
  arousalConfidence: number;
  /** Confidence of the valence decision (positive or negative), 0.5..1. */
  valenceConfidence: number;
  /** Probability of `rawLabel`; below the model's enter threshold the state says "uncertain". */
  confidence: number;
  /** Top reasons in plain words with numbers, relative to the speaker's baseline. */
  evidence: string[];
}

export interface EmotionEvent extends EmotionScores {
  /** Deterministic: `${callId}:${channel}:${windowIndex}:emotion`. */
  eventId: string;
  callId: string;
  channel: Channel;
  windowIndex: number;
  startMs: number;
  endMs: number;
  /** Smoothed state (hysteresis / minimum dwell). */
  state: EmotionState;
  /** True when `state` differs from the previous event's state of this speaker. */
  changed: boolean;
  /** Most likely label of `probabilities`, before the thresholds and dwell of `state`. */
  rawLabel: EmotionLabel;
  /**
   * Class probabilities: the speaker's exponentially weighted average over their speech windows
   * so far (the model's `probabilitySmoothing`; 1 = this window alone), what `state` rests on.
   */
  probabilities: Record<EmotionLabel, number>;
  /**
   * The window was on hold (SpeakerWindow.onHold): state "uncertain", confidence 0, nothing
   * learnt from it (pipelines/emotion/README.md, "Hold"). Absent = not on hold.
   */
  onHold?: boolean;
}
