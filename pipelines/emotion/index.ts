// Public entry of the emotion stage: model-file parser, live tracker, and the shared types.
// Pure, no I/O.
export { parseDspEmotionModel, parseEmotionModel, MODEL_FORMAT, MODEL_VERSION } from './model-file.ts';
export type { EmotionModel, ModelMember } from './model-file.ts';
export { createEmotionTracker } from './tracker.ts';
export type { EmotionTracker, EmotionTrackerOptions } from './tracker.ts';
export { EmotionError } from './errors.ts';
export type { EmotionErrorCode } from './errors.ts';
export { HIGH_AROUSAL, POSITIVE_VALENCE, isHighArousal, isPositiveValence } from './affect.ts';
export { EMOTION_LABELS } from './types.ts';
export { TENSE_AT_AROUSAL, arousalCue, shownState } from './shown-state.ts';
export { MOOD_NEGATIVE_BELOW, MOOD_POSITIVE_ABOVE, NEGATIVE_STATES, moodValue } from './mood-value.ts';
export type { ArousalCue } from './shown-state.ts';
export type { EmotionEvent, EmotionLabel, EmotionState } from './types.ts';
