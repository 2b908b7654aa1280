// Arousal and valence in 0..1 from the class probabilities. Pure, no I/O.
// Grouping after Schuller et al. 2009 ("Acoustic emotion recognition: a benchmark comparison of
// performances", IEEE ASRU), EmoDB binary mappings: high arousal = anger, happiness, fear;
// low arousal = neutral, sadness, boredom, disgust. Positive valence = neutral, happiness;
// negative valence = anger, sadness, fear, boredom, disgust. Arousal (valence) is the
// probability mass of the high-arousal (positive-valence) group, so 0.5 is the decision point.
import type { EmotionLabel } from './types.ts';

export const HIGH_AROUSAL: readonly EmotionLabel[] = ['angry', 'happy', 'anxious'];
export const POSITIVE_VALENCE: readonly EmotionLabel[] = ['neutral', 'happy'];

export function isHighArousal(label: EmotionLabel): boolean {
  return HIGH_AROUSAL.includes(label);
}

export function isPositiveValence(label: EmotionLabel): boolean {
  return POSITIVE_VALENCE.includes(label);
}

/** Probability mass of `group`, given probabilities in `labels` order. */
export function groupMass(
  probs: ArrayLike<number>,
  labels: readonly EmotionLabel[],
  group: readonly EmotionLabel[],
): number {
  let s = 0;
  for (let k = 0; k < labels.length; k++) if (group.includes(labels[k])) s += probs[k];
  return Math.min(1, Math.max(0, s));
}
