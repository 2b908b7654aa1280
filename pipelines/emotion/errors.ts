// Typed errors of the emotion stage, each with a stable `code`. Pure, no I/O.
import { CodedError } from '../errors.ts';

export type EmotionErrorCode =
  | 'MODEL_SHAPE'
  | 'MODEL_FORMAT'
  | 'MODEL_VERSION'
  | 'MODEL_LABELS'
  | 'MODEL_DIMENSIONS'
  | 'MODEL_FEATURES'
  | 'MODEL_NOT_FINITE'
  | 'FEATURE_MISMATCH';

export class EmotionError extends CodedError<EmotionErrorCode> {}
