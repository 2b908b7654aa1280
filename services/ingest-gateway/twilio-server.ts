// The Twilio Media Streams adapter: a WebSocket server on its own port. The upgrade request must
// carry a valid X-Twilio-Signature (HMAC-SHA1 of the public URL with the account's auth token:
// 401 without one, 403 with a wrong one); each stream then drives one CallSession exactly as a
// gRPC stream does (same validation, consent, batching, backpressure, records). Errors close the
// socket with INGEST_CLOSE_CODES. Never logs audio, tokens, parameters or DTMF digits.
// I/O: an HTTP(S) server on a TCP port.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { listen, type ListeningServer } from '../shared/listen.ts';
import type { Logger } from '../shared/logger.ts';
import { createCallSession, type CallSession, type SessionSettings } from './call-session.ts';
import { IngestError } from './errors.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import { CLOSE_NORMAL, closeFrameFor } from './ingest-close-codes.ts';
import type { KafkaSink } from './kafka-sink.ts';
import type { LiveCalls } from './live-calls.ts';
import { holdWhileBehind } from './stream-hold.ts';
import type { TwilioConfig } from './twilio-config.ts';
import type { TwilioMetrics } from './twilio-metrics.ts';
import { parseTwilioMessage, toAudioFrame, toCallStart, type TwilioMessage } from './twilio-protocol.ts';
import { verifyTwilioSignature } from './twilio-signature.ts';

export interface TwilioServerOptions {
  config: TwilioConfig;
  tls: { certChain: Buffer; privateKey: Buffer } | null;
  settings: SessionSettings;
  sink: KafkaSink;
  liveCalls: LiveCalls;
  logger: Logger;
  metrics: GatewayMetrics;
  twilioMetrics: TwilioMetrics;
}

export interface TwilioServer {
  readonly port: number;
  /** Refuses new streams, ends open ones (flushing their audio), waits for Kafka, closes. */
  stop(): Promise<void>;
}

interface Stream {
  ws: WebSocket;
  session: CallSession;
}

/** The account whose auth token signed this request's URL, or an error code. */
function authenticate(
  request: IncomingMessage,
  config: TwilioConfig,
): { accountSid: string; tenant: string } | { refuse: 401 | 403; code: string } {
  const header = request.headers['x-twilio-signature'];
  const signature = Array.isArray(header) ? header[0] : header;
  if (!signature) return { refuse: 401, code: 'MISSING_SIGNATURE' };
  const url = config.publicUrl + (request.url ?? '/');
  for (const [accountSid, account] of config.accounts) {
    if (verifyTwilioSignature(account.authToken, url, signature))
      return { accountSid, tenant: account.tenant };
  }
  return { refuse: 403, code: 'BAD_SIGNATURE' };
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startTwilioServer(options: TwilioServerOptions): Promise<TwilioServer> {
  const { config, sink, logger, metrics, twilioMetrics } = options;
  const log = logger.child({ adapter: 'twilio' });
  const streams = new Set<Stream>();
  let accepting = true;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes });

  const onRequest = (_: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(426, { Connection: 'close', 'Content-Type': 'text/plain' });
    response.end('Twilio Media Streams: WebSocket only\n');
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.certChain, key: options.tls.privateKey }, onRequest)
    : createHttpServer(onRequest);

  const refused = (code: string): void => {
    twilioMetrics.protocolErrors.inc({ code });
    metrics.errors.inc({ code });
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (!accepting) {
      refused('SHUTTING_DOWN');
      return refuse(socket, 503, 'Service Unavailable');
    }
    const auth = authenticate(request, config);
    if ('refuse' in auth) {
      refused(auth.code);
      log.warn('stream refused', { code: auth.code });
      return refuse(socket, auth.refuse, auth.refuse === 401 ? 'Unauthorized' : 'Forbidden');
    }
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws, auth.accountSid, auth.tenant));
  });

  const serve = (ws: WebSocket, accountSid: string, tenant: string): void => {
    twilioMetrics.sessions.inc();
    twilioMetrics.openSessions.inc();
    let closed = false;
    let streamSid: string | null = null;
    const close = (error?: IngestError): void => {
      if (closed) return;
      closed = true;
      if (error) {
        twilioMetrics.protocolErrors.inc({ code: error.code });
        const frame = closeFrameFor(error);
        ws.close(frame.code, frame.reason);
      } else ws.close(CLOSE_NORMAL, 'ENDED');
    };
    const session = createCallSession({
      tenant,
      settings: options.settings,
      liveCalls: options.liveCalls,
      sink,
      logger: log,
      metrics,
      // Twilio expects nothing back on a unidirectional stream: progress is in the metrics.
      writeAck: () => undefined,
      close,
    });
    const stream: Stream = { ws, session };
    streams.add(stream);

    const otherStream = (sid: string | undefined): void => {
      if (streamSid !== null && sid !== undefined && sid !== streamSid)
        throw new IngestError('BAD_MESSAGE', 'a message of another stream');
    };
    const handle = (message: TwilioMessage): void => {
      switch (message.event) {
        case 'start':
          if (message.start.accountSid !== accountSid)
            throw new IngestError(
              'TENANT_MISMATCH',
              'start.accountSid is not the account that signed the request',
            );
          streamSid = message.streamSid;
          session.handle({ message: 'start', start: toCallStart(message.start, tenant) });
          return;
        case 'media':
          otherStream(message.streamSid);
          twilioMetrics.bytes.inc({ track: message.media.track }, message.media.payload.byteLength);
          session.handle({ message: 'frame', frame: toAudioFrame(message.media) });
          return;
        case 'stop':
          otherStream(message.streamSid);
          session.handle({ message: 'end', end: { reason: 'twilio-stop' } });
          return;
        case 'unknown':
          twilioMetrics.protocolErrors.inc({ code: 'UNKNOWN_EVENT' });
          return;
        default:
          // connected, mark, dtmf: nothing for the call (DTMF digits may be card numbers: dropped).
          return;
      }
    };

    const checkBackpressure = holdWhileBehind(sink, metrics, session, {
      pause: () => ws.pause(),
      resume: () => ws.resume(),
      isClosed: () => closed,
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (closed) return;
      try {
        if (isBinary) throw new IngestError('BAD_MESSAGE', 'binary frame: Twilio sends JSON text');
        handle(parseTwilioMessage(data.toString()));
      } catch (error) {
        if (!(error instanceof IngestError)) log.error('unexpected error', { error });
        session.reject(
          error instanceof IngestError ? error : new IngestError('INTERNAL_ERROR', 'internal error'),
        );
        return;
      }
      checkBackpressure();
    });
    // A socket that goes away without `stop` ends the call as `stop` would: what was sent is kept.
    ws.on('close', () => {
      closed = true;
      streams.delete(stream);
      twilioMetrics.openSessions.dec();
      if (session.state() === 'live') session.handle({ message: 'end', end: { reason: 'client-closed' } });
      else session.abandon('client-closed');
    });
    ws.on('error', () => ws.terminate());
  };

  const listening: ListeningServer = await listen(server, config.port, config.host);
  return {
    port: listening.port,
    async stop() {
      accepting = false;
      for (const { session } of streams)
        session.reject(new IngestError('SHUTTING_DOWN', 'the gateway is shutting down'));
      await sink.idle();
      wss.close();
      await listening.close();
    },
  };
}
