// The one base of every error this project throws on purpose, and the one way to read a code off
// anything thrown. Pure, no I/O: pipelines, services and scripts all build on it (pipelines may
// not import services). Modelled on platformatic/kafka's errors: a stable `code` from a closed
// list per class (what adapters map to a gRPC status, close code or HTTP status, and what metrics
// count), and whether trying the same thing again can succeed.

export interface CodedErrorOptions {
  cause?: unknown;
  /** Trying again later can succeed (the database or broker was away); default false. */
  retriable?: boolean;
  /** One line per problem, safe to show to the caller (never a value of personal data). */
  details?: readonly string[];
}

export class CodedError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retriable: boolean;
  readonly details: readonly string[];
  constructor(code: Code, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details ?? [];
  }
}

/** A rule file's problem (alert or routing rules), naming the rule and the field when it can. */
export class RuleFileError<Code extends string> extends CodedError<Code> {
  readonly ruleId: string | null;
  readonly field: string | null;
  constructor(code: Code, message: string, ruleId: string | null = null, field: string | null = null) {
    super(code, message);
    this.ruleId = ruleId;
    this.field = field;
  }
}

/**
 * The stable code of anything thrown: a CodedError's, or the string `code` other libraries set
 * (Node's ECONNREFUSED, a database's SQLSTATE, kafkajs); else `fallback`.
 */
export function errorCode(error: unknown): string | undefined;
export function errorCode(error: unknown, fallback: string): string;
export function errorCode(error: unknown, fallback?: string): string | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && code !== '' ? code : fallback;
}

/** The message of anything thrown, followed by a CodedError's details ("msg: a; b"). */
export function errorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof CodedError ? error.details : [];
  return details.length > 0 ? `${message}: ${details.join('; ')}` : message;
}
