// WebSocket close codes of the ingest adapters (Twilio Media Streams, …): one per IngestError
// status, in the 4000-4999 application range as 4000 + the HTTP status of the same meaning, and
// the close reason "<CODE>: <message>" cut to the 123 bytes a close frame holds. Pure.
import type { IngestError, IngestStatus } from './errors.ts';

export const INGEST_CLOSE_CODES: Record<IngestStatus, number> = {
  UNAUTHENTICATED: 4401,
  PERMISSION_DENIED: 4403,
  INVALID_ARGUMENT: 4400,
  FAILED_PRECONDITION: 4412,
  ALREADY_EXISTS: 4409,
  RESOURCE_EXHAUSTED: 4429,
  DEADLINE_EXCEEDED: 4408,
  UNAVAILABLE: 4503,
  INTERNAL: 4500,
};

/** The standard "normal closure": the call ended and everything is in Kafka. */
export const CLOSE_NORMAL = 1000;
const MAX_REASON_BYTES = 123;

export function closeFrameFor(error: IngestError): { code: number; reason: string } {
  let reason = `${error.code}: ${error.message}`;
  while (Buffer.byteLength(reason) > MAX_REASON_BYTES) reason = reason.slice(0, -1);
  return { code: INGEST_CLOSE_CODES[error.status], reason };
}
