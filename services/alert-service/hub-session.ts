// One client's session on the hub, from connection to close: socket caps, the first-message
// `auth` (token never in the URL) with its timeout and the token's expiry, schema-checked client
// messages (ping, acknowledge) and the bad-message budget. I/O: the client's socket, timers.
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { errorCode } from '../../pipelines/errors.ts';
import { mayAcknowledge, type Principal } from '../shared/auth/roles.ts';
import type { Auth, VerifiedToken } from '../shared/auth/tokens.ts';
import type { CallRegistry } from './call-registry.ts';
import { frame, newClient, type Client, type ClientOutput } from './hub-client.ts';
import type { HubEmit, HubOptions } from './hub-options.ts';
import { sendWelcome, type Resume, type SnapshotSource } from './hub-snapshot.ts';
import { seesAlert } from './hub-visibility.ts';
import { CLOSE, parseClientMessage, type AckView } from './protocol.ts';
import { SocketLimitError, type SocketLimits } from '../shared/socket-limits.ts';
import { clientAddress } from '../shared/auth/login-limiter.ts';
import { createMessageBudget, type MessageBudget } from './message-budget.ts';
import type { SessionRate } from './session-rate.ts';

/** A client may send this many seconds' worth of its message rate at once. */
const BURST_SECONDS = 5;

export interface SessionOptions {
  clients: Set<Client>;
  registry: CallRegistry;
  auth: Auth;
  limits: SocketLimits;
  /** Sessions per user and minute (session-rate.ts). */
  sessionRate: SessionRate;
  trustedProxies: readonly string[];
  output: ClientOutput;
  snapshot: SnapshotSource;
  emit: HubEmit;
  now: () => number;
  maxBadMessages: number;
  maxMessagesPerS: number;
  authTimeoutMs: number;
  persistAck: HubOptions['persistAck'];
  /** Applies and broadcasts a stored acknowledgement. */
  publishAck: (ack: Omit<AckView, 'seq'>) => boolean;
  /** The live view is rebuilt (HubOptions.caughtUp). */
  caughtUp: () => boolean;
}

/** How often a client waiting for the rebuild looks again. */
const CAUGHT_UP_POLL_MS = 100;

/** Returns the handler of each new connection (the WebSocketServer's `connection` event). */
export function createSessionHandler(o: SessionOptions): (ws: WebSocket, request: IncomingMessage) => void {
  const { clients, registry, limits, output, emit, now } = o;

  /** Resolves once the live view is rebuilt; one timer for every waiting client. */
  let rebuilt: Promise<void> | null = null;
  function whenCaughtUp(): Promise<void> {
    if (o.caughtUp()) return Promise.resolve();
    rebuilt ??= new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (!o.caughtUp()) return;
        clearInterval(timer);
        rebuilt = null;
        resolve();
      }, CAUGHT_UP_POLL_MS);
      timer.unref();
    });
    return rebuilt;
  }

  function bad(client: Client, code: string, message: string): void {
    client.badMessages += 1;
    emit('bad_message', { code });
    if (client.badMessages >= o.maxBadMessages) {
      emit('closed_bad_messages');
      output.close(client, CLOSE.BAD_MESSAGES, 'too many invalid messages');
      return;
    }
    output.send(client, frame({ type: 'error', code, message }));
  }

  /** Binds the principal to the client, swaps the auth timeout for the token's expiry. */
  function admit(client: Client, principal: Principal, expiresAtMs: number): boolean {
    const user = `${principal.tenant}/${principal.userId}`;
    try {
      // The rate first: a session refused for it takes no per-user slot.
      if (!o.sessionRate.spend(user, now()))
        throw new SocketLimitError('TOO_MANY_RECONNECTS', 'too many sessions of this user this minute');
      try {
        if (client.slot) limits.authenticate(client.slot, user);
      } catch (error) {
        // Refused for the per-user cap: no snapshot is sent, so no welcome is spent (a tab over
        // the cap, retried by its page every 10 s, drained the budget of the live tabs).
        o.sessionRate.refund(user);
        throw error;
      }
    } catch (error) {
      if (!(error instanceof SocketLimitError)) throw error;
      output.refuse(client, error);
      return false;
    }
    client.authPending = false;
    client.principal = principal;
    for (const t of client.timers.splice(0)) clearTimeout(t);
    const untilExpiry = Math.min(expiresAtMs - now(), 2 ** 31 - 1);
    const expiry = setTimeout(
      () => output.close(client, CLOSE.UNAUTHORIZED, 'TOKEN_EXPIRED'),
      Math.max(0, untilExpiry),
    );
    expiry.unref();
    client.timers.push(expiry);
    return true;
  }

  /**
   * Closed by the server, or by the browser while a verify or the rebuild was awaited: its slot is
   * freed already (the 'close' handler), and admitting it took a per-user slot for good.
   */
  const gone = (client: Client): boolean => client.closing || !clients.has(client);

  /** The token's verification (revocations included); a failure closes the socket and says so. */
  async function verifiedOrClosed(client: Client, token: string): Promise<VerifiedToken | null> {
    try {
      return await o.auth.verify(token);
    } catch (error) {
      emit('auth_failed', { code: errorCode(error, 'TOKEN_INVALID') });
      output.close(client, CLOSE.UNAUTHORIZED, errorCode(error, 'TOKEN_INVALID'));
      return null;
    }
  }

  async function authenticate(client: Client, token: string, resume: Resume | undefined): Promise<void> {
    client.authPending = true;
    let verified = await verifiedOrClosed(client, token);
    if (verified === null || gone(client)) return;
    // Known before the wait: a revocation arriving meanwhile closes this socket too (closeRevoked).
    client.token = verified;
    if (!o.caughtUp()) {
      // Authenticated: no auth deadline while the rebuild lasts; heartbeats tell the page the
      // server is alive (hub-broadcaster.ts), or it gave up on the socket and retried.
      for (const t of client.timers.splice(0)) clearTimeout(t);
      client.awaitingRebuild = true;
      await whenCaughtUp();
      client.awaitingRebuild = false;
      if (gone(client)) return;
      // Again now that the revocations there were at start are read: a token signed out before
      // this instance started was let in with a snapshot (review).
      verified = await verifiedOrClosed(client, token);
      if (verified === null || gone(client)) return;
    }
    if (!admit(client, verified.principal, verified.expiresAtMs)) return;
    emit('authenticated', { role: verified.principal.role });
    sendWelcome(o.snapshot, client, verified, resume);
  }

  async function acknowledge(client: Client, p: Principal, alertId: string): Promise<void> {
    const alert = registry.findAlert(alertId);
    if (!alert || !seesAlert(registry, p, alert)) {
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
      await o.persistAck(ack, alert, p);
    } catch {
      const message = 'could not store the acknowledgement, try again';
      output.send(client, frame({ type: 'error', code: 'ACK_FAILED', message }));
      return;
    }
    o.publishAck(ack);
  }

  function onMessage(client: Client, budget: MessageBudget, data: RawData, isBinary: boolean): void {
    if (client.closing) return;
    if (!budget.spend(now())) {
      emit('closed_too_many_messages');
      output.close(client, CLOSE.TOO_MANY_MESSAGES, 'too many messages');
      return;
    }
    const parsed = parseClientMessage(isBinary ? undefined : data.toString());
    if (!parsed.ok) {
      bad(client, parsed.code, parsed.message);
      return;
    }
    const msg = parsed.message;
    if (!client.principal) {
      if (msg.type !== 'auth' || client.authPending) {
        if (!client.authPending) output.close(client, CLOSE.UNAUTHORIZED, 'AUTH_REQUIRED');
        return;
      }
      void authenticate(client, msg.token, msg.resume);
      return;
    }
    if (msg.type === 'auth') bad(client, 'ALREADY_AUTHENTICATED', 'this connection is already authenticated');
    else if (msg.type === 'ping')
      output.send(client, frame({ type: 'pong', t: msg.t ?? null, serverTimeMs: now() }));
    else void acknowledge(client, client.principal, msg.alertId);
  }

  return (ws, request) => {
    const client = newClient(ws);
    clients.add(client);
    emit('connected');
    ws.on('close', () => {
      for (const t of client.timers) clearTimeout(t);
      clients.delete(client);
      if (client.slot) limits.close(client.slot);
    });
    try {
      client.slot = limits.open(
        clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], o.trustedProxies),
      );
    } catch (error) {
      if (!(error instanceof SocketLimitError)) throw error;
      output.refuse(client, error);
      return;
    }
    const authTimer = setTimeout(() => {
      if (!client.principal) output.close(client, CLOSE.UNAUTHORIZED, 'AUTH_TIMEOUT');
    }, o.authTimeoutMs);
    authTimer.unref();
    client.timers.push(authTimer);
    const budget = createMessageBudget(o.maxMessagesPerS, BURST_SECONDS, now());
    ws.on('message', (data, isBinary) => onMessage(client, budget, data, isBinary));
    ws.on('pong', () => (client.alive = true));
    ws.on('error', () => ws.terminate());
  };
}
