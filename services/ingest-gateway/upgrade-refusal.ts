// The HTTP response that refuses a WebSocket upgrade before it completes (RFC 6455 section 4.2.2:
// any status but 101 is a refusal), written on the raw socket, which it then closes. Shared by the
// WebSocket adapters. I/O: the socket.
import type { Duplex } from 'node:stream';

/** `body` (with its content type) tells the client why; without it the response is empty. */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  statusText: string,
  body?: { text: string; contentType: string },
): void {
  const head = `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\n`;
  socket.end(
    body
      ? `${head}Content-Type: ${body.contentType}\r\nContent-Length: ${Buffer.byteLength(body.text)}\r\n\r\n${body.text}`
      : `${head}Content-Length: 0\r\n\r\n`,
  );
}
