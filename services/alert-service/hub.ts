// WebSocket hub: authenticates each client by a first `auth` message (token never in the URL),
// then pushes the call list snapshot, live call state, alerts and acknowledgements, filtered per
// client by the access rules. Heartbeats, resume from a bounded replay buffer, per-client send
// buffer limit, message size limit, origin check and schema-checked client messages.
// This file wires the parts: hub-session.ts (one client's session), hub-snapshot.ts (what an
// authenticated client gets first), hub-broadcaster.ts (pushes to many clients), hub-client.ts
// (how bytes reach one client). I/O: WebSocket sockets (ws), timers.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createBroadcaster } from './hub-broadcaster.ts';
import { createClientOutput, type Client } from './hub-client.ts';
import type { HubOptions } from './hub-options.ts';
import { createSessionHandler } from './hub-session.ts';
import type { Replayed } from './hub-snapshot.ts';
import { CLOSE, type AckView, type AlertView, type ErasedReason } from './protocol.ts';
import { createTenantReplay } from './tenant-replay.ts';
import { createSocketLimits } from '../shared/socket-limits.ts';
import { createSessionRate } from './session-rate.ts';
import type { VerifiedToken } from '../shared/auth/tokens.ts';

export type { HubEventName, HubOptions } from './hub-options.ts';

export interface Hub {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Pushes a new alert to every client allowed to see it; duplicates (same id) are dropped. */
  publishAlert(view: Omit<AlertView, 'seq'>): boolean;
  /** Applies and pushes an acknowledgement (from this or another instance); idempotent. */
  publishAck(ack: Omit<AckView, 'seq'>): boolean;
  /** Pushes a live call's customer history line now to every client that sees the call. */
  publishHistory(tenant: string, callId: string, line: string): boolean;
  /**
   * Forgets a call whose customer the store erased (or whose analytics consent was withdrawn), and
   * tells the clients that saw it why.
   */
  eraseCall(tenant: string, callId: string, erasedAtMs: number | undefined, reason: ErasedReason): boolean;
  /** Closes (4001 TOKEN_REVOKED) every client signed in with a token the predicate says is revoked. */
  closeRevoked(isRevoked: (token: VerifiedToken) => boolean): number;
  clientCount(): number;
  droppedSlowClients(): number;
  close(): Promise<void>;
}

/** Browsers send Origin: only the allowed ones (default: the request's own host) may connect. */
function originAllowed(request: IncomingMessage, allowedOrigins: string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser: the token still decides
  if (allowedOrigins.length > 0) return allowedOrigins.includes(origin);
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function createHub(options: HubOptions): Hub {
  const now = options.now ?? Date.now;
  const { registry } = options;
  const emit = options.onEvent ?? (() => undefined);
  const clients = new Set<Client>();
  // Numbered from this start's clock in microseconds: above any number an earlier run of this
  // instance id gave out (fewer than a million events per second of its uptime), below 2^53. A
  // resume from before a restart then gets a full snapshot; with the numbering restarting at 1 it
  // was replayed from the wrong place and skipped the alerts raised since (WebSocket probe).
  const replay = createTenantReplay<Replayed>(options.replayCapacity, now() * 1000 + 1);
  const output = createClientOutput(options.maxBufferedBytes, emit);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    perMessageDeflate: false,
  });
  const broadcaster = createBroadcaster({
    clients,
    registry,
    replay,
    output,
    emit,
    onAlertPushed: options.onAlertPushed,
    now,
    heartbeatMs: options.heartbeatMs,
    stateIntervalMs: options.stateIntervalMs,
  });
  const onConnection = createSessionHandler({
    clients,
    registry,
    auth: options.auth,
    limits: createSocketLimits(options.socketCaps),
    sessionRate: createSessionRate(options.maxSessionsPerUserPerMin),
    trustedProxies: options.trustedProxies ?? [],
    output,
    snapshot: {
      registry,
      replay,
      output,
      // The id a page resumes with (`welcome.instanceId`): random per run, so it names neither the
      // host nor the port, nor ALERT_INSTANCE_ID (it was the fan-out group's id, `<host>-<port>`,
      // sent to every signed-in user of every tenant). A restart answers a resume with the full
      // snapshot anyway (its replay log is in memory), so nothing needs it stable.
      instanceId: randomUUID(),
      heartbeatMs: options.heartbeatMs,
      now,
    },
    emit,
    now,
    maxBadMessages: options.maxBadMessages,
    maxMessagesPerS: options.maxMessagesPerS,
    authTimeoutMs: options.authTimeoutMs,
    persistAck: options.persistAck,
    publishAck: broadcaster.publishAck,
    caughtUp: options.caughtUp ?? (() => true),
  });
  wss.on('connection', onConnection);

  return {
    handleUpgrade(request, socket, head) {
      if (!originAllowed(request, options.allowedOrigins)) {
        emit('origin_rejected');
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    publishAlert: broadcaster.publishAlert,
    publishAck: broadcaster.publishAck,
    publishHistory: broadcaster.publishHistory,
    eraseCall: broadcaster.eraseCall,
    closeRevoked(isRevoked) {
      let closed = 0;
      for (const client of clients) {
        if (client.token === null || client.closing || !isRevoked(client.token)) continue;
        emit('closed_revoked');
        output.close(client, CLOSE.UNAUTHORIZED, 'TOKEN_REVOKED');
        closed++;
      }
      return closed;
    },
    clientCount: () => clients.size,
    droppedSlowClients: output.droppedSlow,
    async close() {
      broadcaster.stop();
      for (const client of clients) output.close(client, CLOSE.GOING_AWAY, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
