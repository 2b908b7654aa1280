// Typed error of the WAV reader and writer, with a stable `code` callers can branch on. Pure.
import { CodedError } from '../errors.ts';

export type WavErrorCode =
  | 'NOT_RIFF'
  | 'NOT_WAVE'
  | 'TRUNCATED'
  | 'NO_FMT_CHUNK'
  | 'NO_DATA_CHUNK'
  | 'BAD_FMT_CHUNK'
  | 'UNSUPPORTED_ENCODING'
  | 'INVALID_ARGUMENT';

export class WavError extends CodedError<WavErrorCode> {}
