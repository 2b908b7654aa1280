// A WebSocket message over the adapter's size limit: ws refuses it itself (close 1009, "Max
// payload size exceeded") before the adapter sees it, so the socket's close looked like a dropped
// line, the call was parked for a reconnect and the sender could resume it. The adapters end the
// call as the protocol error it is instead. Pure.
import { IngestError } from './errors.ts';

/** The errors ws emits with its 1009 close (ws/lib/receiver.js): over `maxPayload`, or a frame length past 2^53 − 1. */
const TOO_LARGE_CODES: ReadonlySet<unknown> = new Set([
  'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
  'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
]);

export const isMessageTooLarge = (error: unknown): boolean =>
  TOO_LARGE_CODES.has((error as { code?: unknown } | null)?.code);

export const messageTooLarge = (maxBytes: number): IngestError =>
  new IngestError('FRAME_TOO_LARGE', `a WebSocket message over ${maxBytes} bytes`);
