// The customer's mood as one 0..1 value the pages draw (the agent view's marker, the trend lines),
// kept on the side of the class shown beside it. Valence and the class come from two heads of the
// model, and on unseen voices they disagree: the agent view said "▼ angry" with its marker at 61 %,
// on the positive side, and an angry customer's trend sat above the neutral band (UX probe). A
// class is shown only when the model is confident of it, so it decides the side; the valence
// still places the point within that side. Without a class (uncertain, tense) the valence alone.
// Pure, no I/O; shared by the alert service's trend and the pages.
import type { EmotionState } from './types.ts';

/** The neutral band of the mood scale: below it reads negative, above it positive. */
export const MOOD_NEGATIVE_BELOW = 0.4;
export const MOOD_POSITIVE_ABOVE = 0.6;

/** Classes that read as a bad mood (bored does not: it is neither a complaint nor a threat). */
export const NEGATIVE_STATES: ReadonlySet<string> = new Set<EmotionState>([
  'angry',
  'sad',
  'disgust',
  'anxious',
]);

/** Where a class's point sits at most / least: 0.05 of the scale inside its side. */
const NEGATIVE_CLASS_AT_MOST = 0.35;
const HAPPY_AT_LEAST = 0.65;

/** The mood value to draw for a state and its valence (null when there is no valence yet). */
export function moodValue(state: string, valence: number | null): number | null {
  if (valence === null || !Number.isFinite(valence)) return null;
  if (NEGATIVE_STATES.has(state)) return Math.min(valence, NEGATIVE_CLASS_AT_MOST);
  if (state === 'happy') return Math.max(valence, HAPPY_AT_LEAST);
  // Bored is shown as neither side (format.ts mood(): "● bored"): the neutral band, like neutral.
  if (state === 'neutral' || state === 'bored')
    return Math.min(Math.max(valence, MOOD_NEGATIVE_BELOW), MOOD_POSITIVE_ABOVE);
  return valence;
}
