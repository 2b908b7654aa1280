// The SQLSTATE of a database error (PostgreSQL and PGlite both set `code`), for logs: the error's
// own message may quote the caller's text (a time, an id), its SQLSTATE never does. Pure.
import { CodedError, errorCode } from '../../../pipelines/errors.ts';

/** The five-character SQLSTATE of a database error, or null for anything else (our own errors). */
export function sqlStateOf(error: unknown): string | null {
  if (error instanceof CodedError) return null;
  const code = errorCode(error, '');
  return /^[0-9A-Z]{5}$/.test(code) ? code : null;
}
