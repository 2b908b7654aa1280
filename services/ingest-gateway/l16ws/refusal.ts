// How the L16 WebSocket adapter refuses: an error before the upgrade as an HTTP status, after it
// as a WebSocket close code (4000 + that status, registered codes for shutdown, unavailable and
// internal) with a reason cut to RFC 6455's 123 bytes. Pure apart from writing the refusal.
import type { Duplex } from 'node:stream';
import type { IngestStatus } from '../errors.ts';
import { refuseUpgrade } from '../upgrade-refusal.ts';

/** An error before or after the upgrade: a stable code, the gRPC-like status it maps from. */
export interface Refusal {
  code: string;
  status: IngestStatus | 'BAD_REQUEST';
  message: string;
}

const HTTP_STATUS: Record<Refusal['status'], [number, string]> = {
  BAD_REQUEST: [400, 'Bad Request'],
  INVALID_ARGUMENT: [400, 'Bad Request'],
  UNAUTHENTICATED: [401, 'Unauthorized'],
  PERMISSION_DENIED: [403, 'Forbidden'],
  FAILED_PRECONDITION: [400, 'Bad Request'],
  ALREADY_EXISTS: [409, 'Conflict'],
  RESOURCE_EXHAUSTED: [429, 'Too Many Requests'],
  DEADLINE_EXCEEDED: [408, 'Request Timeout'],
  UNAVAILABLE: [503, 'Service Unavailable'],
  INTERNAL: [500, 'Internal Server Error'],
};

/** WebSocket close code of an error: 4000 + the HTTP status it would have (registered codes for the rest). */
export function closeCodeOf(error: Refusal): number {
  if (error.code === 'SHUTTING_DOWN') return 1001;
  if (error.status === 'UNAVAILABLE') return 1013;
  if (error.status === 'INTERNAL') return 1011;
  if (error.status === 'FAILED_PRECONDITION') return 4412;
  return 4000 + HTTP_STATUS[error.status][0];
}

/** Close reasons are at most 123 bytes (RFC 6455 5.5): the code first, then as much message as fits. */
export function closeReasonOf(error: Refusal): string {
  let reason = `${error.code}: ${error.message}`;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}

/** Refuses an upgrade with the HTTP status of its error and the code in the body. */
export function refuse(socket: Duplex, refusal: Refusal): void {
  const [status, text] = HTTP_STATUS[refusal.status];
  refuseUpgrade(socket, status, text, {
    text: `${refusal.code}: ${refusal.message}\n`,
    contentType: 'text/plain; charset=utf-8',
  });
}
