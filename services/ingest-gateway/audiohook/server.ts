// The Genesys Cloud AudioHook adapter: a WebSocket server on its own port. The upgrade must carry
// the organisation's API key and a valid, fresh, never-seen HTTP Message Signature
// (upgrade-auth.ts; refused with 400/401 otherwise); each session then speaks the AudioHook
// protocol (connection.ts) and feeds its conversation's CallSession exactly as a gRPC stream does
// (same validation, consent, batching, backpressure, live-call limits and records).
// I/O: an HTTP(S) server on a TCP port.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { AdapterServer, AdapterServerOptions } from '../adapter-server.ts';
import { followingIdentity } from '../tls-identity.ts';
import { refuseUpgrade } from '../upgrade-refusal.ts';
import { admitsUpgrade, shuttingDown } from '../drain-reconnect.ts';
import { listen } from '../../shared/listen.ts';
import { INGEST_CLOSE_CODES } from '../ingest-close-codes.ts';
import type { AudioHookConfig } from './config.ts';
import { serveConnection, type Connection } from './connection.ts';
import { createConversations } from './conversations.ts';
import type { AudioHookMetrics } from './metrics.ts';
import { createReplayGuard } from './replay-guard.ts';
import { authenticateUpgrade } from './upgrade-auth.ts';
import { startWsHeartbeat } from '../ws-heartbeat.ts';

/** Text messages are JSON under 64 KiB (the protocol's limit); audio frames far smaller. */
const MAX_MESSAGE_BYTES = 65_536;

export interface AudioHookServerOptions extends AdapterServerOptions {
  config: AudioHookConfig;
  adapterMetrics: AudioHookMetrics;
  now?: () => number;
}

export type AudioHookServer = AdapterServer;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  503: 'Service Unavailable',
};

function refuse(socket: Duplex, status: number, code: string): void {
  refuseUpgrade(socket, status, STATUS_TEXT[status], { text: `${code}\n`, contentType: 'text/plain' });
}

export async function startAudioHookServer(options: AudioHookServerOptions): Promise<AudioHookServer> {
  const { config, sink, metrics, adapterMetrics } = options;
  const now = options.now ?? Date.now;
  const log = options.logger.child({ adapter: 'audiohook' });
  const replays = createReplayGuard();
  let accepting = true;
  const conversations = createConversations({
    settings: options.settings,
    sink,
    liveCalls: options.liveCalls,
    logger: options.logger,
    metrics,
    reconnectGraceMs: config.reconnectGraceMs,
    acceptsNewCalls: () => accepting,
  });
  const connections = new Set<Connection>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
  });

  // A client that vanished during a pause (no audio, no pings, the call not idle) is let go.
  const stopHeartbeat = startWsHeartbeat(wss, config.heartbeatMs);

  const onRequest = (_: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(426, { Connection: 'close', 'Content-Type': 'text/plain' });
    response.end('AudioHook: WebSocket only\n');
  };
  const server = options.tls
    ? followingIdentity(options.tls, (tls) => createHttpsServer(tls, onRequest))
    : createHttpServer(onRequest);

  const refused = (socket: Duplex, status: number, code: string, reason: string): void => {
    adapterMetrics.protocolErrors.inc({ code });
    metrics.errors.inc({ code });
    // The reason names what was wrong, never a header value (keys, signatures).
    log.warn('audiohook upgrade refused', { code, reason });
    refuse(socket, status, code);
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    // Draining: only a session continuing a live conversation (drain-reconnect.ts), whose `open`
    // must name one (conversations.ts).
    const draining = (): void => refused(socket, 503, 'SHUTTING_DOWN', 'the gateway is shutting down');
    if (!admitsUpgrade(accepting, null, conversations.holdsCallOf)) return draining();
    const auth = authenticateUpgrade(request, config, replays, now());
    if ('status' in auth) return refused(socket, auth.status, auth.code, auth.reason);
    if (!admitsUpgrade(accepting, auth.org.tenant, conversations.holdsCallOf)) return draining();
    wss.handleUpgrade(request, socket, head, (ws) => {
      adapterMetrics.sessions.inc();
      adapterMetrics.openSessions.inc();
      const connection = serveConnection({
        ws,
        org: auth.org,
        sessionId: auth.sessionId,
        conversations,
        settings: options.settings,
        sink,
        logger: options.logger,
        metrics,
        adapterMetrics,
        closeTimeoutMs: config.closeTimeoutMs,
      });
      connections.add(connection);
      ws.on('close', () => connections.delete(connection));
    });
  });

  const listening = await listen(server, config.port, config.host);
  return {
    port: listening.port,
    drain() {
      accepting = false;
    },
    // Sessions open, and conversations whose session dropped waiting for the client's reconnect.
    openCalls: () =>
      connections.size +
      conversations.all().filter((c) => c.attachment === null && c.session.state() === 'live').length,
    async stop() {
      accepting = false;
      stopHeartbeat();
      for (const connection of connections) connection.shutdown();
      // Conversations waiting for a reconnect have no socket to tell: end them, flushing.
      for (const conversation of conversations.all())
        if (conversation.session.state() === 'live') conversation.session.reject(shuttingDown());
      await sink.idle();
      // The documented close (README-audiohook, as the other adapters): 4503, after `disconnect`.
      for (const client of wss.clients)
        client.close(INGEST_CLOSE_CODES.UNAVAILABLE, 'SHUTTING_DOWN: the gateway is shutting down');
      wss.close();
      await listening.close();
    },
  };
}
