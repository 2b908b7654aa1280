// WebSocket keep-alive of an intake's server (RFC 6455 §5.5.2: a ping must be answered with a
// pong, which every WebSocket client library does by itself). A peer that vanished without
// closing (power loss, a NAT dropping the flow: a half-open TCP connection) answers nothing, and a
// call the gateway does not time out meanwhile (an AudioHook call the client paused) would hold
// its live-call slot and its tenant quota for good. Each interval the sockets that did not answer
// the previous ping are terminated (their normal close path runs), the others pinged again.
// I/O: timers and the sockets' ping frames.
import type { WebSocket, WebSocketServer } from 'ws';

/** Starts pinging the server's sockets every `intervalMs`; returns the stop function. */
export function startWsHeartbeat(wss: WebSocketServer, intervalMs: number): () => void {
  const answered = new WeakMap<WebSocket, boolean>();
  const onPong = function (this: WebSocket): void {
    answered.set(this, true);
  };
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      const seen = answered.get(ws);
      if (seen === undefined) ws.on('pong', onPong);
      else if (!seen) {
        ws.terminate();
        continue;
      }
      answered.set(ws, false);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
