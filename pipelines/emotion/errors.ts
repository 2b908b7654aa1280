// Typed errors of the emotion stage, each with a stable `code`. Pure, no I/O.

export type EmotionErrorCode =
  | 'MODEL_SHAPE'
  | 'MODEL_FORMAT'
  | 'MODEL_VERSION'
  | 'MODEL_LABELS'
  | 'MODEL_DIMENSIONS'
  | 'MODEL_NOT_FINITE'
  | 'FEATURE_MISMATCH';

export class EmotionError extends Error {
  readonly code: EmotionErrorCode;

  constructor(code: EmotionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmotionError';
    this.code = code;
  }
}
