// A WebSocket message over the adapter's size limit: ws refuses it itself (close 1009, "Max
// payload size exceeded") before the adapter sees it, so the socket's close looked like a dropped
// line, the call was parked for a reconnect and the sender could resume it. The adapters end the
// call as the protocol error it is instead. Pure.
import { IngestError } from './errors.ts';

/** The error ws emits for a message over `maxPayload` (ws/lib/receiver.js). */
export const isMessageTooLarge = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

export const messageTooLarge = (maxBytes: number): IngestError =>
  new IngestError('FRAME_TOO_LARGE', `a WebSocket message over ${maxBytes} bytes`);
