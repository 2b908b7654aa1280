/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Browser side of the live connection: opens /ws, sends the token as the first message (never in
// the URL), keeps the last event sequence and resumes from it after a reconnect (with backoff),
// detects a silent server by missing heartbeats, and returns to sign-in on an auth close.
import type { ServerFrame } from '../../protocol.ts';
import { heardServerTime } from './server-clock.ts';

/** `refused`: the server is over a connection cap (CLOSE.TOO_MANY_SOCKETS); the page retries. */
export type Status = 'connecting' | 'live' | 'reconnecting' | 'refused';

const TOKEN_KEY = 'va.token';
const UNAUTHORIZED = 4001;
const TOO_MANY_SOCKETS = 4029;

/**
 * What a refused connection tells the person (the cap's code is the close reason, hub-client.ts):
 * "reconnecting" for ever hid that closing a tab (or asking an administrator) is what helps.
 */
const REFUSED_BECAUSE: Record<string, string> = {
  TOO_MANY_FOR_USER: 'too many pages open for this sign-in: close one (retrying)',
  TOO_MANY_FROM_ADDRESS: 'too many connections from this network: ask your administrator (retrying)',
  TOO_MANY_RECONNECTS: 'reconnecting too often for this sign-in: waiting (retrying)',
};
let refusedBecause = '';

/** The status line of a page (agent view and wallboard alike). */
export function statusText(status: Status): string {
  if (status === 'live') return '● live';
  if (status === 'connecting') return '○ connecting';
  if (status === 'refused') return `◌ ${REFUSED_BECAUSE[refusedBecause] ?? 'server busy (retrying)'}`;
  return '◌ reconnecting';
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value);
}

/**
 * Why the login page opens, as a code: the page words it from a fixed list (SIGN_IN_REASONS), so
 * a link cannot make it show an attacker's sentence as the product's own message.
 */
export type SignInReason = keyof typeof SIGN_IN_REASONS;
export const SIGN_IN_REASONS = {
  expired: 'Your session expired.',
  again: 'Please sign in again.',
  revoked: 'You were signed out.',
} as const;

export function signOut(reason?: SignInReason): void {
  sessionStorage.removeItem(TOKEN_KEY);
  location.assign(reason ? `/?reason=${reason}` : '/');
}

/**
 * "Sign out": revokes the token on the server first (POST /api/logout), so a copy of it stops
 * working too and the other tabs' sockets close. Only once the server took it (204, or 401: the
 * token works nowhere already) does the page forget the token: forgetting it on a 503 told the
 * user they were signed out while the token still worked.
 */
export function endSession(): void {
  const t = token();
  if (!t) return signOut();
  void fetch('/api/logout', { method: 'POST', headers: { authorization: `Bearer ${t}` } })
    .then((r) => r.status === 204 || r.status === 401)
    .catch(() => false)
    .then((done) => {
      if (done) signOut();
      else window.alert(SIGN_OUT_NOT_RECORDED);
    });
}

export const SIGN_OUT_NOT_RECORDED =
  'Sign-out was not recorded on the server, so this sign-in still works: try again in a moment (closing the tab also forgets it here).';

export interface LiveSocket {
  /** Sends when connected; false when not (the caller tells the user, nothing is queued). */
  send(message: unknown): boolean;
}

export function openLive(
  onFrame: (frame: ServerFrame) => void,
  onStatus: (status: Status) => void,
): LiveSocket {
  const t = token();
  if (!t) {
    signOut();
    return { send: () => false };
  }
  let ws: WebSocket | null = null;
  let instanceId = '';
  let lastSeq = -1;
  let attempt = 0;
  let heartbeatMs = 15_000;
  // Monotonic: a laptop's clock stepped forward is no silent server.
  let lastFrameAt = performance.now();

  function connect(): void {
    onStatus(attempt === 0 ? 'connecting' : 'reconnecting');
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    ws = socket;
    socket.onopen = () => {
      lastFrameAt = performance.now(); // a new socket: the old one's silence is not this one's
      const resume = instanceId && lastSeq >= 0 ? { instanceId, lastSeq } : undefined;
      socket.send(JSON.stringify({ type: 'auth', token: t, ...(resume ? { resume } : {}) }));
    };
    socket.onmessage = (event) => {
      if (ws !== socket) return; // a socket given up on (heartbeat) that still delivers
      lastFrameAt = performance.now();
      const frame = JSON.parse(String(event.data)) as ServerFrame;
      if ('serverTimeMs' in frame) heardServerTime(frame.serverTimeMs);
      if (frame.type === 'welcome') {
        instanceId = frame.instanceId;
        heartbeatMs = frame.heartbeatMs;
        attempt = 0;
        onStatus('live');
      } else if (frame.type === 'snapshot')
        lastSeq = frame.seq; // the whole state as of that number
      else if (frame.type === 'alert') lastSeq = Math.max(lastSeq, frame.alert.seq);
      else if (frame.type === 'ack') lastSeq = Math.max(lastSeq, frame.ack.seq);
      else if (frame.type === 'erased') lastSeq = Math.max(lastSeq, frame.erased.seq);
      onFrame(frame);
    };
    socket.onclose = (event) => {
      if (ws !== socket) return;
      ws = null;
      if (event.code === UNAUTHORIZED) {
        signOut(
          event.reason === 'TOKEN_EXPIRED'
            ? 'expired'
            : event.reason === 'TOKEN_REVOKED'
              ? 'revoked'
              : 'again',
        );
        return;
      }
      refusedBecause = event.code === TOO_MANY_SOCKETS ? event.reason : '';
      reconnectLater(event.code === TOO_MANY_SOCKETS ? 'refused' : 'reconnecting');
    };
  }

  function reconnectLater(status: Status = 'reconnecting'): void {
    attempt += 1;
    onStatus(status);
    setTimeout(connect, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
  }

  // A server that stopped sending (network gone without a close) is noticed by the heartbeat. The
  // socket is dropped at once: its close completes only when the browser gives up on the closing
  // handshake (about a minute in Chromium), and until then the page said "live" over frozen data.
  setInterval(() => {
    if (ws && ws.readyState === WebSocket.OPEN && performance.now() - lastFrameAt > 2.5 * heartbeatMs) {
      const stale = ws;
      ws = null; // its late close event is ignored (onclose checks ws)
      stale.close();
      reconnectLater();
    }
  }, 2_000);
  connect();
  return {
    send(message) {
      if (!ws || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(message));
      return true;
    },
  };
}
