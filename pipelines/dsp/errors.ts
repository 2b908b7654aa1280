// Typed errors of the DSP stage. Pure, no I/O. Codes are stable: adapters map them to gRPC
// status / dead-letter reasons; the stage itself never throws on bad audio, only on bad options.
import { CodedError } from '../errors.ts';

export type DspErrorCode =
  'UNSUPPORTED_CODEC' | 'UNSUPPORTED_SAMPLE_RATE' | 'INVALID_OPTIONS' | 'UNKNOWN_CHANNEL';

export class DspError extends CodedError<DspErrorCode> {}
