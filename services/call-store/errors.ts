// Typed errors of the call store with stable codes; the HTTP adapter maps them to 4xx/5xx and the
// ingest maps invalid records to the dead-letter topic. Pure.
import { CodedError } from '../../pipelines/errors.ts';

export type StoreErrorCode =
  | 'INVALID_RECORD'
  | 'INVALID_QUERY'
  | 'INVALID_BODY'
  | 'INVALID_CURSOR'
  | 'NOT_FOUND'
  | 'UNKNOWN_ALERT'
  | 'AMBIGUOUS_CALL'
  | 'AMBIGUOUS_AGENT'
  | 'AMBIGUOUS_CUSTOMER'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'INVALID_ANALYSIS'
  | 'METHOD_NOT_ALLOWED'
  | 'RATE_LIMITED'
  | 'STORE_OPEN_FAILED'
  | 'STORE_LOCKED'
  | 'ERASURE_NOT_ANNOUNCED'
  | 'SCHEMA_TOO_NEW'
  | 'SCHEMA_BEHIND'
  | 'MIGRATION_VERSION_TAKEN'
  | 'MIGRATION_NAME_MISMATCH'
  | 'MIGRATION_FAILED'
  | 'REVOCATIONS_NOT_READ'
  | 'SIGN_OUT_NOT_RECORDED'
  | 'DATABASE_BUSY';

export class StoreError extends CodedError<StoreErrorCode> {
  /** RATE_LIMITED: how long to wait (the 429's Retry-After). */
  readonly retryAfterMs: number | undefined;
  /** METHOD_NOT_ALLOWED: the methods the path takes (the 405's Allow, RFC 9110 §15.5.6). */
  readonly allow: readonly string[] | undefined;
  constructor(
    code: StoreErrorCode,
    message: string,
    details: readonly string[] = [],
    options?: { cause?: unknown; retryAfterMs?: number; allow?: readonly string[] },
  ) {
    super(code, message, {
      cause: options?.cause,
      details,
      retriable:
        code === 'RATE_LIMITED' ||
        code === 'ERASURE_NOT_ANNOUNCED' ||
        code === 'REVOCATIONS_NOT_READ' ||
        code === 'SIGN_OUT_NOT_RECORDED' ||
        code === 'DATABASE_BUSY',
    });
    this.retryAfterMs = options?.retryAfterMs;
    this.allow = options?.allow;
  }
}

/** Formats zod issues as `path: message` lines, for precise 4xx bodies and dead-letter reasons. */
export function issueLines(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
}
