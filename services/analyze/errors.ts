// Typed errors of the offline `analyze` command, with stable codes: argument errors stop the run
// before any work (exit 2); file errors are reported for that file and the others go on.
import { CodedError, errorCode } from '../../pipelines/errors.ts';
import { errorText } from '../shared/error-text.ts';

export type AnalyzeErrorCode =
  | 'USAGE'
  | 'UNKNOWN_OPTION'
  | 'BAD_CHANNELS'
  | 'BAD_JOBS'
  | 'BAD_STORE_OPTION'
  | 'BAD_JSON_PATH'
  | 'STORE_LOCKED'
  | 'STORE_OPEN_FAILED'
  | 'STORE_FAILED'
  | 'PATH_NOT_FOUND'
  | 'NOT_A_FILE'
  | 'NO_WAV_FILES'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_INVALID'
  | 'CHANNEL_OUT_OF_RANGE'
  | 'READ_FAILED'
  | 'FILE_TOO_LARGE'
  | 'BAD_SAMPLE_RATE'
  | 'EMPTY_AUDIO'
  | 'WORKER_FAILED';

export class AnalyzeError extends CodedError<AnalyzeErrorCode> {}

/** Stable `code` and message of anything thrown (WavError, DspError, EmotionError, AnalyzeError…). */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof Error) {
    return { code: errorCode(err, 'INTERNAL'), message: err.message };
  }
  return { code: 'INTERNAL', message: errorText(err) };
}
