// WebSocket hub: authenticates each client by a first `auth` message (token never in the URL),
// then pushes the call list snapshot, live call state, alerts and acknowledgements, filtered per
// client by the access rules. Heartbeats, resume from a bounded replay buffer, per-client send
// buffer limit, message size limit, origin check and schema-checked client messages.
// I/O: WebSocket sockets (ws), timers.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { errorCode } from '../../pipelines/errors.ts';
import type { Audience } from '../../pipelines/alerts/index.ts';
import { audienceIncludes } from '../shared/auth/alert-audience.ts';
import { canSeeCall } from '../shared/auth/call-access.ts';
import { mayAcknowledge, type Principal } from '../shared/auth/roles.ts';
import type { Auth } from '../shared/auth/tokens.ts';
import { callView, type CallRegistry } from './call-registry.ts';
import { CLOSE, parseClientMessage, type AckView, type AlertView, type ServerFrame } from './protocol.ts';
import { createReplayBuffer } from './replay-buffer.ts';
import { createStateFrames } from './state-frames.ts';
import { createSocketLimits, SocketLimitError, type SocketCaps, type SocketSlot } from './socket-limits.ts';

export interface HubOptions {
  registry: CallRegistry;
  auth: Auth;
  instanceId: string;
  /** Allowed Origin values; empty = same host as the request's Host header. */
  allowedOrigins: string[];
  maxMessageBytes: number;
  maxBufferedBytes: number;
  maxBadMessages: number;
  authTimeoutMs: number;
  heartbeatMs: number;
  stateIntervalMs: number;
  replayCapacity: number;
  /** Connection caps (unauthenticated, per address, per user); refused with CLOSE.TOO_MANY_SOCKETS. */
  socketCaps: SocketCaps;
  /** Persists an acknowledgement (Kafka); the hub broadcasts it once this resolves. */
  persistAck: (ack: Omit<AckView, 'seq'>, alert: AlertView, by: Principal) => Promise<void>;
  onEvent?: (name: HubEventName, labels?: Record<string, string>) => void;
  now?: () => number;
}

export type HubEventName =
  | 'connected'
  | 'authenticated'
  | 'auth_failed'
  | 'bad_message'
  | 'closed_bad_messages'
  | 'closed_slow'
  | 'socket_refused'
  | 'origin_rejected'
  | 'alert_pushed'
  | 'history_pushed'
  | 'ack';

interface Client {
  ws: WebSocket;
  principal: Principal | null;
  authPending: boolean;
  badMessages: number;
  alive: boolean;
  timers: NodeJS.Timeout[];
  closing: boolean;
  slot: SocketSlot | null;
  /**
   * Bytes of the snapshot that may still sit in the send buffer: they do not count against the
   * slow-client limit, or a wallboard seeing more than ~1 460 calls (a snapshot over 1 MiB) could
   * never connect. Shrinks with the buffer, so a client that then stops reading is still dropped.
   */
  snapshotAllowance: number;
}

type Replayed = { kind: 'alert'; alert: AlertView } | { kind: 'ack'; ack: AckView; alert: AlertView };

export interface Hub {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Pushes a new alert to every client allowed to see it; duplicates (same id) are dropped. */
  publishAlert(view: Omit<AlertView, 'seq'>): boolean;
  /** Applies and pushes an acknowledgement (from this or another instance); idempotent. */
  publishAck(ack: Omit<AckView, 'seq'>): boolean;
  /** Pushes a live call's customer history line now to every client that sees the call. */
  publishHistory(tenant: string, callId: string, line: string): boolean;
  clientCount(): number;
  droppedSlowClients(): number;
  close(): Promise<void>;
}

/** Frames are encoded once and the same bytes go to every client that gets them. */
/** Clients served per slice of a state push before yielding to the event loop. */
const STATE_CHUNK = 200;

function frame(f: ServerFrame): Buffer {
  return Buffer.from(JSON.stringify(f));
}

export function createHub(options: HubOptions): Hub {
  const now = options.now ?? Date.now;
  const { registry } = options;
  const clients = new Set<Client>();
  const replay = createReplayBuffer<Replayed>(options.replayCapacity);
  const emit = options.onEvent ?? (() => undefined);
  let droppedSlow = 0;
  const limits = createSocketLimits(options.socketCaps);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    perMessageDeflate: false,
  });

  function originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true; // not a browser: the token still decides
    if (options.allowedOrigins.length > 0) return options.allowedOrigins.includes(origin);
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }

  function send(client: Client, data: Buffer): void {
    const { ws } = client;
    if (client.closing || ws.readyState !== WebSocket.OPEN) return;
    // What is still buffered of the snapshot is at most what is buffered at all.
    client.snapshotAllowance = Math.min(client.snapshotAllowance, ws.bufferedAmount);
    if (ws.bufferedAmount - client.snapshotAllowance + data.length > options.maxBufferedBytes) {
      dropSlow(client, `send buffer over ${options.maxBufferedBytes} bytes: client too slow`);
      return;
    }
    ws.send(data, { binary: false });
  }

  /** The snapshot bypasses the slow-client limit; what of it is still buffered is allowed for. */
  function sendSnapshot(client: Client, data: Buffer): void {
    if (client.closing || client.ws.readyState !== WebSocket.OPEN) return;
    client.ws.send(data, { binary: false });
    client.snapshotAllowance = data.length;
  }

  function close(client: Client, code: number, reason: string): void {
    if (client.closing) return;
    client.closing = true;
    client.ws.close(code, reason);
    // A slow client gets its backlog, then the close code; one that never reads is cut after 10 s.
    const kill = setTimeout(() => client.ws.terminate(), 10_000);
    kill.unref();
  }

  function refuse(client: Client, error: SocketLimitError): void {
    emit('socket_refused', { code: error.code });
    close(client, CLOSE.TOO_MANY_SOCKETS, error.code);
  }

  function dropSlow(client: Client, reason: string): void {
    droppedSlow += 1;
    emit('closed_slow');
    close(client, CLOSE.SLOW_CONSUMER, reason);
  }

  /** Alerts carry their call's owner, so they are routed even before the call record arrived. */
  function seesAlert(p: Principal, alert: AlertView): boolean {
    return (
      canSeeCall(p, registry.owner(alert.tenant, alert.callId) ?? alert) &&
      audienceIncludes(p, alert.audience as Audience)
    );
  }

  function visibleCalls(p: Principal) {
    return registry
      .calls()
      .filter((c) => canSeeCall(p, c))
      .map(callView);
  }

  function bad(client: Client, code: string, message: string): void {
    client.badMessages += 1;
    emit('bad_message', { code });
    if (client.badMessages >= options.maxBadMessages) {
      emit('closed_bad_messages');
      close(client, CLOSE.BAD_MESSAGES, 'too many invalid messages');
      return;
    }
    send(client, frame({ type: 'error', code, message }));
  }

  async function authenticate(
    client: Client,
    token: string,
    resume: { instanceId: string; lastSeq: number } | undefined,
  ) {
    client.authPending = true;
    let verified;
    try {
      verified = await options.auth.verify(token);
    } catch (error) {
      emit('auth_failed', { code: errorCode(error, 'TOKEN_INVALID') });
      close(client, CLOSE.UNAUTHORIZED, errorCode(error, 'TOKEN_INVALID'));
      return;
    }
    if (client.closing) return;
    try {
      if (client.slot)
        limits.authenticate(client.slot, `${verified.principal.tenant}/${verified.principal.userId}`);
    } catch (error) {
      if (!(error instanceof SocketLimitError)) throw error;
      refuse(client, error);
      return;
    }
    client.authPending = false;
    client.principal = verified.principal;
    for (const t of client.timers.splice(0)) clearTimeout(t);
    const untilExpiry = Math.min(verified.expiresAtMs - now(), 2 ** 31 - 1);
    const expiry = setTimeout(
      () => close(client, CLOSE.UNAUTHORIZED, 'TOKEN_EXPIRED'),
      Math.max(0, untilExpiry),
    );
    expiry.unref();
    client.timers.push(expiry);
    emit('authenticated', { role: verified.principal.role });
    const p = verified.principal;
    send(
      client,
      frame({
        type: 'welcome',
        user: { ...p, displayName: verified.displayName },
        instanceId: options.instanceId,
        heartbeatMs: options.heartbeatMs,
        serverTimeMs: now(),
      }),
    );
    const missed = resume && resume.instanceId === options.instanceId ? replay.since(resume.lastSeq) : null;
    const alerts = missed ? [] : registry.recentAlerts().filter((a) => seesAlert(p, a));
    const snapshot = frame({ type: 'snapshot', seq: replay.lastSeq(), calls: visibleCalls(p), alerts });
    sendSnapshot(client, snapshot);
    if (missed && resume) {
      let replayed = 0;
      for (const { item } of missed) {
        if (!seesAlert(p, item.alert)) continue;
        replayed += 1;
        send(
          client,
          item.kind === 'alert'
            ? frame({ type: 'alert', alert: item.alert })
            : frame({ type: 'ack', ack: item.ack }),
        );
      }
      send(client, frame({ type: 'resumed', fromSeq: resume.lastSeq, replayed }));
    }
  }

  async function acknowledge(client: Client, p: Principal, alertId: string): Promise<void> {
    const alert = registry.findAlert(alertId);
    if (!alert || !seesAlert(p, alert)) {
      bad(client, 'UNKNOWN_ALERT', 'no such alert visible to you');
      return;
    }
    if (!mayAcknowledge(p)) {
      bad(client, 'FORBIDDEN', `role ${p.role} cannot acknowledge alerts`);
      return;
    }
    if (alert.acknowledgedBy !== null) return; // already acknowledged: idempotent
    const ack = { alertId, callId: alert.callId, acknowledgedBy: p.userId, acknowledgedAtMs: now() };
    try {
      await options.persistAck(ack, alert, p);
    } catch {
      send(
        client,
        frame({
          type: 'error',
          code: 'ACK_FAILED',
          message: 'could not store the acknowledgement, try again',
        }),
      );
      return;
    }
    publishAck(ack);
  }

  function onMessage(client: Client, data: RawData, isBinary: boolean): void {
    if (client.closing) return;
    const parsed = parseClientMessage(isBinary ? undefined : data.toString());
    if (!parsed.ok) {
      bad(client, parsed.code, parsed.message);
      return;
    }
    const msg = parsed.message;
    if (!client.principal) {
      if (msg.type !== 'auth' || client.authPending) {
        if (!client.authPending) close(client, CLOSE.UNAUTHORIZED, 'AUTH_REQUIRED');
        return;
      }
      void authenticate(client, msg.token, msg.resume);
      return;
    }
    if (msg.type === 'auth') bad(client, 'ALREADY_AUTHENTICATED', 'this connection is already authenticated');
    else if (msg.type === 'ping')
      send(client, frame({ type: 'pong', t: msg.t ?? null, serverTimeMs: now() }));
    else void acknowledge(client, client.principal, msg.alertId);
  }

  function onConnection(ws: WebSocket, request: IncomingMessage): void {
    const client: Client = {
      ws,
      principal: null,
      authPending: false,
      badMessages: 0,
      alive: true,
      timers: [],
      closing: false,
      slot: null,
      snapshotAllowance: 0,
    };
    clients.add(client);
    emit('connected');
    ws.on('close', () => {
      for (const t of client.timers) clearTimeout(t);
      clients.delete(client);
      if (client.slot) limits.close(client.slot);
    });
    try {
      client.slot = limits.open(request.socket.remoteAddress ?? '?');
    } catch (error) {
      if (!(error instanceof SocketLimitError)) throw error;
      refuse(client, error);
      return;
    }
    const authTimer = setTimeout(() => {
      if (!client.principal) close(client, CLOSE.UNAUTHORIZED, 'AUTH_TIMEOUT');
    }, options.authTimeoutMs);
    authTimer.unref();
    client.timers.push(authTimer);
    ws.on('message', (data, isBinary) => onMessage(client, data, isBinary));
    ws.on('pong', () => (client.alive = true));
    ws.on('error', () => ws.terminate());
  }
  wss.on('connection', onConnection);

  let pushingState = false;
  const stateTimer = setInterval(() => {
    if (pushingState) return; // the previous push is still yielding: skip a beat, never pile up
    pushingState = true;
    void pushState().finally(() => (pushingState = false));
  }, options.stateIntervalMs);
  stateTimer.unref();

  async function pushState(): Promise<void> {
    const { changed, removed } = registry.takeChanges(now());
    if (changed.length === 0 && removed.length === 0) return;
    const frameFor = createStateFrames({ changed, removed });
    let sent = 0;
    for (const client of [...clients]) {
      // Yield every few hundred clients so an alert arriving meanwhile is not held up.
      if (++sent % STATE_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
      const data = client.principal ? frameFor(client.principal) : null;
      if (data) send(client, data);
    }
  }

  const heartbeatTimer = setInterval(() => {
    const beat = frame({ type: 'heartbeat', serverTimeMs: now() });
    for (const client of clients) {
      if (client.closing) continue;
      if (!client.alive) {
        // No pong since the last ping: the client stopped reading (or the network is gone).
        dropSlow(client, 'no pong within the heartbeat interval: client not reading');
        continue;
      }
      client.alive = false;
      if (client.ws.readyState === WebSocket.OPEN) client.ws.ping();
      if (client.principal) send(client, beat);
    }
  }, options.heartbeatMs);
  heartbeatTimer.unref();

  function publishAck(ack: Omit<AckView, 'seq'>): boolean {
    if (!registry.acknowledge(ack.alertId, ack.acknowledgedBy, ack.acknowledgedAtMs)) return false;
    const alert = registry.findAlert(ack.alertId)!;
    const full: AckView = { ...ack, seq: replay.lastSeq() + 1 };
    replay.append({ kind: 'ack', ack: full, alert });
    emit('ack');
    const text = frame({ type: 'ack', ack: full });
    for (const client of clients)
      if (client.principal && seesAlert(client.principal, alert)) send(client, text);
    return true;
  }

  return {
    handleUpgrade(request, socket, head) {
      if (!originAllowed(request)) {
        emit('origin_rejected');
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    publishAlert(view) {
      const seq = replay.lastSeq() + 1;
      const full: AlertView = { ...view, seq };
      if (!registry.addAlert(full)) return false;
      replay.append({ kind: 'alert', alert: full });
      const text = frame({ type: 'alert', alert: full });
      for (const client of clients) {
        if (client.principal && seesAlert(client.principal, full)) {
          send(client, text);
          emit('alert_pushed');
        }
      }
      return true;
    },
    publishAck,
    publishHistory(tenant, callId, line) {
      // Not through the next state push (up to ALERT_STATE_INTERVAL_MS later): the line is most
      // useful before the agent says hello. A state frame of this call alone, so a page that has
      // not got the call yet shows it at once, with its line.
      const call = registry.setHistory(tenant, callId, line);
      if (!call) return false;
      const frameFor = createStateFrames({ changed: [call], removed: [] });
      for (const client of clients) {
        const data = client.principal ? frameFor(client.principal) : null;
        if (data) send(client, data);
      }
      emit('history_pushed');
      return true;
    },
    clientCount: () => clients.size,
    droppedSlowClients: () => droppedSlow,
    async close() {
      clearInterval(stateTimer);
      clearInterval(heartbeatTimer);
      for (const client of clients) close(client, CLOSE.GOING_AWAY, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
