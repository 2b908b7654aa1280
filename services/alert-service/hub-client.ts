// One connected WebSocket client of the hub and how bytes reach it: the per-client send-buffer
// limit (a client that does not read is dropped, never buffered without bound), the snapshot
// allowance, and closing with a deadline. I/O: the client's socket, one timer per close.
import { WebSocket } from 'ws';
import type { Principal } from '../shared/auth/roles.ts';
import type { VerifiedToken } from '../shared/auth/tokens.ts';
import type { HubEmit } from './hub-options.ts';
import { CLOSE, type ServerFrame } from './protocol.ts';
import type { SocketLimitError, SocketSlot } from '../shared/socket-limits.ts';

export interface Client {
  ws: WebSocket;
  principal: Principal | null;
  /** The token it signed in with: a revocation that names it closes the socket. */
  token: VerifiedToken | null;
  authPending: boolean;
  badMessages: number;
  alive: boolean;
  timers: NodeJS.Timeout[];
  closing: boolean;
  /** Authenticated, waiting for its welcome until the live view is rebuilt: sent heartbeats only. */
  awaitingRebuild: boolean;
  slot: SocketSlot | null;
  /**
   * Bytes of the snapshot, or of the newest frame if larger, that may still sit in the send buffer:
   * they do not count against the slow-client limit, or a wallboard seeing more than ~1 460 calls
   * (a snapshot over 1 MiB) could never connect. Shrinks with the buffer, so a client that then
   * stops reading is still dropped.
   */
  snapshotAllowance: number;
}

export function newClient(ws: WebSocket): Client {
  return {
    ws,
    principal: null,
    token: null,
    authPending: false,
    badMessages: 0,
    alive: true,
    timers: [],
    closing: false,
    awaitingRebuild: false,
    slot: null,
    snapshotAllowance: 0,
  };
}

/** Frames are encoded once and the same bytes go to every client that gets them. */
export function frame(f: ServerFrame): Buffer {
  return Buffer.from(JSON.stringify(f));
}

export interface ClientOutput {
  /** False when nothing was sent: the socket is closing, or the client too slow (dropped). */
  send(client: Client, data: Buffer): boolean;
  /** The snapshot bypasses the slow-client limit; what of it is still buffered is allowed for. */
  sendSnapshot(client: Client, data: Buffer): void;
  close(client: Client, code: number, reason: string): void;
  /** Closes a client over a socket cap (CLOSE.TOO_MANY_SOCKETS, the cap's code as reason). */
  refuse(client: Client, error: SocketLimitError): void;
  dropSlow(client: Client, reason: string): void;
  droppedSlow(): number;
}

export function createClientOutput(maxBufferedBytes: number, emit: HubEmit): ClientOutput {
  let droppedSlow = 0;

  function close(client: Client, code: number, reason: string): void {
    if (client.closing) return;
    client.closing = true;
    client.ws.close(code, reason);
    // A slow client gets its backlog, then the close code; one that never reads is cut after 10 s.
    const kill = setTimeout(() => client.ws.terminate(), 10_000);
    kill.unref();
  }

  function dropSlow(client: Client, reason: string): void {
    droppedSlow += 1;
    emit('closed_slow');
    close(client, CLOSE.SLOW_CONSUMER, reason);
  }

  return {
    send(client, data) {
      const { ws } = client;
      if (client.closing || ws.readyState !== WebSocket.OPEN) return false;
      // What is still buffered of the snapshot or the newest frame is at most what is buffered.
      client.snapshotAllowance = Math.min(client.snapshotAllowance, ws.bufferedAmount);
      // Slow is a backlog the client has not read, never one large frame it is still reading: a
      // state push of a burst of 3 000 call starts is as large as their snapshot, and counting it
      // cut every wallboard that saw them (close 4008), as did the next frame while a slow link
      // still carried it. The newest frame is allowed for like the snapshot (the larger of the
      // two, never their sum, or a client that never reads would never be dropped): the buffer
      // stays bounded by the limit plus the largest frame.
      if (ws.bufferedAmount - client.snapshotAllowance > maxBufferedBytes) {
        dropSlow(client, `send buffer over ${maxBufferedBytes} bytes: client too slow`);
        return false;
      }
      ws.send(data, { binary: false });
      client.snapshotAllowance = Math.max(client.snapshotAllowance, data.length);
      return true;
    },
    sendSnapshot(client, data) {
      if (client.closing || client.ws.readyState !== WebSocket.OPEN) return;
      client.ws.send(data, { binary: false });
      client.snapshotAllowance = data.length;
    },
    close,
    refuse(client, error) {
      emit('socket_refused', { code: error.code });
      close(client, CLOSE.TOO_MANY_SOCKETS, error.code);
    },
    dropSlow,
    droppedSlow: () => droppedSlow,
  };
}
