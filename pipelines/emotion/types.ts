// Shapes of the emotion stage's output. Pure types, no I/O.
import type { Channel } from '../dsp/types.ts';

/** EmoDB's seven categories in contact-centre words: N, F, W, T, A, L, E. */
export const EMOTION_LABELS = ['neutral', 'happy', 'angry', 'sad', 'anxious', 'bored', 'disgust'] as const;
export type EmotionLabel = (typeof EMOTION_LABELS)[number];

/** What an event says: an emotion, or the honest "no speech" / "not sure". */
export type EmotionState = EmotionLabel | 'no-speech' | 'uncertain';

export interface EmotionEvent {
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
  /** Unsmoothed most likely label of this window. */
  rawLabel: EmotionLabel;
  probabilities: Record<EmotionLabel, number>;
  arousal: number;
  valence: number;
  confidence: number;
  /** Top reasons in plain words with numbers, relative to the speaker's baseline. */
  evidence: string[];
}
