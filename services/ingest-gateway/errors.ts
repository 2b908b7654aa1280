// Typed errors of the ingest edge. `status` names the gRPC status the adapter maps it to,
// `code` is the stable reason counted in va_errors_total. Pure.
import { CodedError } from '../../pipelines/errors.ts';

export type IngestStatus =
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'ALREADY_EXISTS'
  | 'RESOURCE_EXHAUSTED'
  | 'DEADLINE_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export type IngestErrorCode =
  | 'MISSING_TOKEN'
  | 'BAD_TOKEN'
  | 'TENANT_MISMATCH'
  | 'MISSING_CALL_START'
  | 'DUPLICATE_CALL_START'
  | 'BAD_CALL_ID'
  | 'BAD_PREVIOUS_CALL_ID'
  | 'UNSUPPORTED_CODEC'
  | 'UNSUPPORTED_SAMPLE_RATE'
  | 'BAD_CHANNEL_LAYOUT'
  | 'CALL_ALREADY_LIVE'
  | 'TOO_MANY_CALLS'
  | 'TENANT_QUOTA_EXCEEDED'
  | 'FASTER_THAN_REAL_TIME'
  | 'UNDECLARED_CHANNEL'
  | 'FRAME_TOO_LARGE'
  | 'BAD_FRAME'
  /** A message an adapter's protocol does not allow (not JSON, unknown shape); see its README. */
  | 'BAD_MESSAGE'
  | 'BAD_METADATA'
  /** An adapter message out of order (AudioHook `seq`/`serverseq`); see README-audiohook.md. */
  | 'BAD_SEQUENCE'
  /** An adapter message whose stream position disagrees with the audio received (AudioHook). */
  | 'BAD_POSITION'
  /** A message numbered before one already received (Twilio `sequenceNumber`). */
  | 'OUT_OF_ORDER'
  /** A frame on hold whose audio time is before the channel's previous frame's (hold fill places frames by it). */
  | 'BAD_START_TIME'
  | 'FRAME_AFTER_END'
  /** A ConsentChange (or a resumed CallStart) that widens the call's consent: consent only narrows. */
  | 'CONSENT_WIDENED'
  | 'IDLE_TIMEOUT'
  /** A call on hold longer than HOLD_MAX_MS (its idle timeout is off while on hold). */
  | 'HOLD_TOO_LONG'
  | 'CALL_START_TIMEOUT'
  /** Too many of the tenant's (or all) gRPC streams are waiting for their CallStart. */
  | 'TOO_MANY_WAITING'
  | 'SHUTTING_DOWN'
  /** A new stream of a call whose dropped stream's audio is still being flushed: retry shortly. */
  | 'CALL_HANDING_OVER'
  /**
   * A CallStart with analytics whose call may have had its consent withdrawn on another gateway,
   * while this one has not read the consent changes published before it in time: retry shortly.
   */
  | 'CONSENT_UNCONFIRMED'
  | 'BROKER_UNAVAILABLE'
  | 'INTERNAL_ERROR';

const STATUS: Record<IngestErrorCode, IngestStatus> = {
  MISSING_TOKEN: 'UNAUTHENTICATED',
  BAD_TOKEN: 'UNAUTHENTICATED',
  TENANT_MISMATCH: 'PERMISSION_DENIED',
  MISSING_CALL_START: 'FAILED_PRECONDITION',
  DUPLICATE_CALL_START: 'FAILED_PRECONDITION',
  FRAME_AFTER_END: 'FAILED_PRECONDITION',
  CONSENT_WIDENED: 'FAILED_PRECONDITION',
  BAD_CALL_ID: 'INVALID_ARGUMENT',
  BAD_PREVIOUS_CALL_ID: 'INVALID_ARGUMENT',
  UNSUPPORTED_CODEC: 'INVALID_ARGUMENT',
  UNSUPPORTED_SAMPLE_RATE: 'INVALID_ARGUMENT',
  BAD_CHANNEL_LAYOUT: 'INVALID_ARGUMENT',
  UNDECLARED_CHANNEL: 'INVALID_ARGUMENT',
  FRAME_TOO_LARGE: 'INVALID_ARGUMENT',
  BAD_FRAME: 'INVALID_ARGUMENT',
  BAD_MESSAGE: 'INVALID_ARGUMENT',
  BAD_METADATA: 'INVALID_ARGUMENT',
  BAD_SEQUENCE: 'INVALID_ARGUMENT',
  BAD_POSITION: 'INVALID_ARGUMENT',
  OUT_OF_ORDER: 'INVALID_ARGUMENT',
  BAD_START_TIME: 'INVALID_ARGUMENT',
  CALL_ALREADY_LIVE: 'ALREADY_EXISTS',
  TOO_MANY_CALLS: 'RESOURCE_EXHAUSTED',
  TENANT_QUOTA_EXCEEDED: 'RESOURCE_EXHAUSTED',
  FASTER_THAN_REAL_TIME: 'RESOURCE_EXHAUSTED',
  TOO_MANY_WAITING: 'RESOURCE_EXHAUSTED',
  IDLE_TIMEOUT: 'DEADLINE_EXCEEDED',
  CALL_START_TIMEOUT: 'DEADLINE_EXCEEDED',
  HOLD_TOO_LONG: 'DEADLINE_EXCEEDED',
  SHUTTING_DOWN: 'UNAVAILABLE',
  CALL_HANDING_OVER: 'UNAVAILABLE',
  CONSENT_UNCONFIRMED: 'UNAVAILABLE',
  BROKER_UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL_ERROR: 'INTERNAL',
};

export class IngestError extends CodedError<IngestErrorCode> {
  readonly status: IngestStatus;
  /** When to try again (UNAVAILABLE while the broker is down); the gRPC adapter sends it on. */
  readonly retryAfterMs: number | null;
  constructor(code: IngestErrorCode, message: string, retryAfterMs: number | null = null) {
    super(code, message, { retriable: retryAfterMs !== null });
    this.status = STATUS[code];
    this.retryAfterMs = retryAfterMs;
  }
}
