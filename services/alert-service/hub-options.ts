// What the WebSocket hub is built from and the events it reports (see hub.ts). Types only.
import type { Principal } from '../shared/auth/roles.ts';
import type { Auth } from '../shared/auth/tokens.ts';
import type { CallRegistry } from './call-registry.ts';
import type { AckView, AlertView } from './protocol.ts';
import type { SocketCaps } from '../shared/socket-limits.ts';

export interface HubOptions {
  registry: CallRegistry;
  auth: Auth;
  /** Allowed Origin values; empty = same host as the request's Host header. */
  allowedOrigins: string[];
  maxMessageBytes: number;
  maxBufferedBytes: number;
  maxBadMessages: number;
  /** Valid messages a client may send per second (bursts of 5 s of it); over: CLOSE.TOO_MANY_MESSAGES. */
  maxMessagesPerS: number;
  authTimeoutMs: number;
  heartbeatMs: number;
  stateIntervalMs: number;
  replayCapacity: number;
  /** Connection caps (unauthenticated, per address, per user); refused with CLOSE.TOO_MANY_SOCKETS. */
  socketCaps: SocketCaps;
  /** Sessions one user may open a minute (ALERT_WS_MAX_SESSIONS_PER_USER_PER_MIN, 0 = no limit); over: 4029 TOO_MANY_RECONNECTS. */
  maxSessionsPerUserPerMin: number;
  /**
   * Proxies (addresses or CIDR ranges, LOGIN_TRUSTED_PROXIES) whose X-Forwarded-For names the client
   * the per-address caps count: behind an ingress every page would otherwise be one address.
   */
  trustedProxies?: readonly string[];
  /**
   * Whether the live view is rebuilt (the fan-out read what the topics held at its start): a client
   * is welcomed only then. Welcomed earlier, it got an empty snapshot and then every alert of the
   * last days again, one `alert` frame each, as the fan-out re-read them (durability probe).
   * Default: always.
   */
  caughtUp?: () => boolean;
  /** Persists an acknowledgement (Kafka); the hub broadcasts it once this resolves. */
  persistAck: (ack: Omit<AckView, 'seq'>, alert: AlertView, by: Principal) => Promise<void>;
  onEvent?: (name: HubEventName, labels?: Record<string, string>) => void;
  /** An alert reached its first client on this instance (the raised-to-pushed latency). */
  onAlertPushed?: (alert: AlertView) => void;
  now?: () => number;
}

export type HubEventName =
  | 'connected'
  | 'authenticated'
  | 'auth_failed'
  | 'bad_message'
  | 'closed_bad_messages'
  | 'closed_too_many_messages'
  | 'closed_slow'
  | 'closed_revoked'
  | 'socket_refused'
  | 'origin_rejected'
  | 'alert_pushed'
  | 'history_pushed'
  | 'call_erased'
  | 'ack';

export type HubEmit = (name: HubEventName, labels?: Record<string, string>) => void;
