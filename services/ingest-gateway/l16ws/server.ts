// The L16-over-WebSocket adapter (jambonz `listen`, FreeSWITCH mod_audio_fork): checks the
// upgrade (subprotocol, source's secret, address), then drives one CallSession per socket the way
// the gRPC server does: first text frame -> CallStart, binary frames -> interleaved AudioFrames,
// the socket's close -> CallEnd. Same validation, consent, batching, backpressure and records.
// I/O: an HTTP(S) server on its own port; the platform is never sent anything.
import { isMessageTooLarge, messageTooLarge } from '../ws-message-limit.ts';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { AdapterServer, AdapterServerOptions } from '../adapter-server.ts';
import { followingIdentity } from '../tls-identity.ts';
import { createSocketLimits, SocketLimitError, type SocketSlot } from '../../shared/socket-limits.ts';
import { listen } from '../../shared/listen.ts';
import { createCallSession, type CallSession } from '../call-session.ts';
import { IngestError } from '../errors.ts';
import { createParkedCalls, parkedClockMs } from '../reconnect-grace.ts';
import { admitsUpgrade, newCallWhileDraining, shuttingDown } from '../drain-reconnect.ts';
import { validateCallStart, type CallSpec, type RawCallStart } from '../validate.ts';
import { callStartFromMetadata, parseMetadata } from './metadata.ts';
import type { L16WsMetrics } from './metrics.ts';
import { closeCodeOf, closeReasonOf, refuse, type Refusal } from './refusal.ts';
import { addressAllowed, createSourceStore, type L16WsSource } from './sources.ts';
import { addressKey } from '../../shared/address-key.ts';

export const L16WS_SUBPROTOCOLS = ['audio.jambonz.org', 'audio.drachtio.org'] as const;
/** The first frame is small JSON; later text frames (DTMF, send_text) are read and ignored. */
const MAX_TEXT_BYTES = 16_384;

export interface L16WsServerOptions extends AdapterServerOptions {
  host: string;
  port: number;
  sources: L16WsSource[];
  adapterMetrics: L16WsMetrics;
  /** How long a call whose socket dropped (no close frame) waits for a new socket (0 = ends at once). */
  reconnectGraceMs: number;
  /** Caps on sockets without their first metadata frame yet, in all and per address (0 = none). */
  maxWaiting: number;
  maxWaitingPerAddress: number;
}

/** One call across the sockets that carried it: a reconnect moves it, and its timeline, on. */
interface L16Call {
  session: CallSession;
  tenant: string;
  /** Frames so far: the next frame's sequence. */
  sequence: number;
  /** Samples per channel so far: the next frame's audio time. */
  samples: number;
  /** Samples per channel of the last frame (a gap is counted in such frames). */
  lastFrameSamples: number;
  bytesPerFrameSample: number;
  sampleRateHz: number;
  /** The consent the call started with (validated): a reconnect must repeat it. */
  consent: CallSpec['consent'];
  /** Closes the socket that carries the call now. */
  close(error?: Refusal): void;
}

/** WebSocket close codes of a platform that ended the stream itself: a clean end of the call. */
const CLEAN_CLOSE_CODES = new Set([1000, 1005]);

export type L16WsServer = AdapterServer;

export async function startL16WsServer(options: L16WsServerOptions): Promise<L16WsServer> {
  const { settings, sink, liveCalls, logger, metrics, adapterMetrics } = options;
  const store = createSourceStore(options.sources);
  /** Open sockets, each with how to end it at shutdown. */
  const sockets = new Map<WebSocket, () => void>();
  const parked = createParkedCalls<L16Call>(options.reconnectGraceMs);
  // A socket counts as waiting (not authenticated, for the caps) until its call starts.
  const waiting = createSocketLimits({
    maxUnauthenticated: options.maxWaiting,
    maxUnauthenticatedPerAddress: options.maxWaitingPerAddress,
    maxPerAddress: 0,
    maxPerUser: 0,
  });
  let accepting = true;
  // Larger than any frame validation accepts, so an oversize stereo frame is refused with
  // FRAME_TOO_LARGE; beyond it ws itself closes with 1009 before buffering more.
  const maxPayload = Math.max(MAX_TEXT_BYTES, settings.maxFrameBytes * 2 * 4);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload,
    perMessageDeflate: false,
    handleProtocols: (offered) => L16WS_SUBPROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  const count = (refusal: Refusal): void => {
    metrics.errors.inc({ code: refusal.code });
    adapterMetrics.protocolErrors.inc({ code: refusal.code });
  };

  /** The source of an upgrade; null when its secret comes in the first frame. */
  const checkUpgrade = (req: IncomingMessage): L16WsSource | null => {
    // Draining: only the reconnect of a call that waits for one (drain-reconnect.ts).
    if (!admitsUpgrade(accepting, null, parked.holdsCallOf)) throw shuttingDown();
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.some((p) => (L16WS_SUBPROTOCOLS as readonly string[]).includes(p))) {
      throw {
        code: 'UNSUPPORTED_SUBPROTOCOL',
        status: 'BAD_REQUEST',
        message: `subprotocol must be one of ${L16WS_SUBPROTOCOLS.join(', ')}`,
      } satisfies Refusal;
    }
    if (!req.headers.authorization && store.metadataTokens) return null;
    const source = store.fromHeader(req.headers.authorization);
    if (!addressAllowed(source, req.socket.remoteAddress)) throw sourceNotAllowed();
    if (!admitsUpgrade(accepting, source.tenant, parked.holdsCallOf)) throw shuttingDown();
    return source;
  };

  const openWaiting = (address: string): SocketSlot => {
    try {
      return waiting.open(address);
    } catch (error) {
      if (!(error instanceof SocketLimitError)) throw error;
      throw { code: error.code, status: 'RESOURCE_EXHAUSTED', message: error.message } satisfies Refusal;
    }
  };

  const sourceNotAllowed = (): Refusal => ({
    code: 'SOURCE_NOT_ALLOWED',
    status: 'PERMISSION_DENIED',
    message: "the source's allow-list does not include this address",
  });

  const serve = (
    ws: WebSocket,
    req: IncomingMessage,
    headerSource: L16WsSource | null,
    slot: SocketSlot,
  ): void => {
    sockets.set(ws, () => {
      const error = shuttingDown();
      if (call) call.session.reject(error);
      else close(error);
    });
    adapterMetrics.sessions.inc({ subprotocol: ws.protocol });
    adapterMetrics.liveSessions.set(sockets.size);
    let source = headerSource;
    let call: L16Call | null = null;
    let closed = false;
    let paused = false;
    /** ws refused a message over the size limit (it closes the socket 1009 itself). */
    let tooLarge = false;

    const close = (error?: Refusal): void => {
      if (closed) return;
      closed = true;
      if (error) {
        adapterMetrics.protocolErrors.inc({ code: error.code });
        ws.close(closeCodeOf(error), closeReasonOf(error));
      } else ws.close(1000, 'ENDED');
    };
    /** An error before the session exists: counted like the session counts its own. */
    const reject = (error: Refusal): void => {
      metrics.errors.inc({ code: error.code });
      logger.warn('l16ws socket rejected', { code: error.code, subprotocol: ws.protocol });
      close(error);
    };
    // The session's own CallStart deadline starts with the session: this one covers a socket
    // that never sends its first frame.
    const startDeadline = setTimeout(() => {
      if (!call)
        reject(
          new IngestError('CALL_START_TIMEOUT', `no metadata frame within ${settings.callStartTimeoutMs} ms`),
        );
    }, settings.callStartTimeoutMs);
    startDeadline.unref();

    /** A new socket for a call whose socket dropped: the call goes on, the gap as silence. */
    const resume = (tenant: string, raw: RawCallStart, consent: CallSpec['consent']): L16Call | null => {
      const found = parked.take(
        tenant,
        raw.callId,
        (c) =>
          c.session.state() === 'live' &&
          c.sampleRateHz === raw.sampleRateHz &&
          c.bytesPerFrameSample === 2 * raw.channels.length &&
          // Another consent is not this call going on (refused below as a second live call).
          JSON.stringify(c.consent) === JSON.stringify(consent),
      );
      if (!found) return null;
      const resumed = found.call;
      const goneMs = parkedClockMs() - found.droppedAtMs;
      // The frames the platform would have sent meanwhile are skipped: the gateway fills them
      // with silence (sequence gap), so the timeline stays the wall clock's.
      const missed =
        resumed.lastFrameSamples > 0
          ? Math.round((goneMs * resumed.sampleRateHz) / 1000 / resumed.lastFrameSamples)
          : 0;
      resumed.sequence += missed;
      resumed.samples += missed * resumed.lastFrameSamples;
      resumed.close = close;
      resumed.session.hold(false);
      metrics.streamDrops.inc({ adapter: 'l16ws', outcome: 'resumed' });
      logger.info('l16ws stream resumed', { callId: raw.callId, goneMs });
      return resumed;
    };

    const start = (data: Buffer): void => {
      const meta = parseMetadata(data.toString());
      if (!source) {
        source = store.fromToken(meta.vaToken);
        if (!addressAllowed(source, req.socket.remoteAddress)) throw sourceNotAllowed();
      }
      const raw = callStartFromMetadata(meta, source);
      clearTimeout(startDeadline);
      // A reconnect is held to a new call's checks (tenant, metadata limits), and may not change
      // the consent the call started with.
      const checked = validateCallStart(raw, source.tenant, Date.now());
      waiting.authenticate(slot, source.tenant);
      call = raw.callId ? resume(source.tenant, raw, checked.consent) : null;
      if (call) return;
      if (!accepting) throw newCallWhileDraining();
      const own: L16Call = {
        tenant: source.tenant,
        sequence: 0,
        samples: 0,
        lastFrameSamples: 0,
        bytesPerFrameSample: 2 * raw.channels.length,
        sampleRateHz: raw.sampleRateHz,
        consent: checked.consent,
        close,
        session: createCallSession({
          tenant: source.tenant,
          settings,
          liveCalls,
          sink,
          logger,
          metrics,
          // The platforms expect no messages back (jambonz would read them as commands).
          writeAck: () => undefined,
          // Whichever socket carries the call by then (a reconnect moves it).
          close: (error) => own.close(error),
        }),
      };
      call = own;
      own.session.handle({ message: 'start', start: raw });
    };

    const audio = (data: Buffer): void => {
      if (!call) throw new IngestError('MISSING_CALL_START', 'binary audio before the JSON metadata frame');
      const current = call;
      adapterMetrics.audioBytes.inc(data.byteLength);
      const audioTimeMs = (current.samples / current.sampleRateHz) * 1000;
      current.lastFrameSamples = Math.floor(data.byteLength / current.bytesPerFrameSample);
      current.samples += current.lastFrameSamples;
      current.session.handle({
        message: 'frame',
        frame: { channel: 'CHANNEL_UNSPECIFIED', sequence: current.sequence++, audioTimeMs, payload: data },
      });
      if (!paused && sink.isBehind()) {
        paused = true;
        metrics.streamsPaused.inc();
        ws.pause();
        current.session.hold(true);
        sink.onceDrained(() => {
          paused = false;
          current.session.hold(false);
          if (!closed) ws.resume();
        });
      }
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (closed) return;
      try {
        const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
        if (isBinary) audio(bytes);
        else if (bytes.byteLength > MAX_TEXT_BYTES)
          throw new IngestError('FRAME_TOO_LARGE', `text frame over ${MAX_TEXT_BYTES} bytes`);
        else if (!call) start(bytes);
        // Later text frames (jambonz DTMF, mod_audio_fork send_text/stop) carry no audio: ignored.
      } catch (error) {
        if (error instanceof IngestError || (error as Refusal).code) {
          if (call) call.session.reject(error as IngestError);
          else reject(error as Refusal);
        } else {
          logger.error('l16ws unexpected error', { error });
          reject(new IngestError('INTERNAL_ERROR', 'internal error'));
        }
      }
    });
    // The platform closes the socket when the call (or the listen) ends: a close frame (1000, or
    // none with no code) ends the call as a gRPC half-close does, everything received flushed to
    // Kafka. A socket that drops (1006: no close frame; or an error code) leaves the call live for
    // RECONNECT_GRACE_MS: a new socket with the same call id continues it, else it ends then.
    ws.on('close', (code: number) => {
      clearTimeout(startDeadline);
      closed = true;
      waiting.close(slot);
      sockets.delete(ws);
      adapterMetrics.liveSessions.set(sockets.size);
      if (!call) return;
      const { session, tenant } = call;
      const callId = session.callId();
      if (session.state() !== 'live' || !callId) return;
      if (tooLarge) {
        // ws refused a message over the limit (close 1009): a broken sender, not a dropped line.
        const error = messageTooLarge(maxPayload);
        adapterMetrics.protocolErrors.inc({ code: error.code });
        session.reject(error);
        return;
      }
      if (CLEAN_CLOSE_CODES.has(code)) {
        session.handle({ message: 'end', end: { reason: 'hangup' } });
        return;
      }
      session.hold(true); // its silence is the drop's, not an idle client's
      parked.park(tenant, callId, call, () => {
        metrics.streamDrops.inc({ adapter: 'l16ws', outcome: 'ended' });
        session.handle({ message: 'end', end: { reason: 'client-closed' } });
      });
    });
    ws.on('error', (error) => {
      tooLarge ||= isMessageTooLarge(error);
      // ws waits up to 30 s for a broken sender's close frame: the call ends now ('close').
      if (tooLarge) ws.terminate();
    });
  };

  const server = options.tls
    ? followingIdentity(options.tls, (tls) => createHttpsServer(tls))
    : createHttpServer();
  server.on('request', (_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    res.end('a WebSocket endpoint (subprotocol audio.jambonz.org or audio.drachtio.org)\n');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    let source: L16WsSource | null;
    let slot: SocketSlot;
    try {
      source = checkUpgrade(req);
      slot = openWaiting(addressKey(req.socket.remoteAddress ?? 'unknown'));
    } catch (error) {
      const refusal = error as Refusal;
      count(refusal);
      logger.warn('l16ws upgrade refused', { code: refusal.code });
      refuse(socket, refusal);
      return;
    }
    let upgraded = false;
    // An upgrade that never completes (the client went away) releases its place too.
    socket.once('close', () => {
      if (!upgraded) waiting.close(slot);
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgraded = true;
      serve(ws, req, source, slot);
    });
  });
  const listening = await listen(server, options.port, options.host);

  return {
    port: listening.port,
    drain() {
      accepting = false;
    },
    openCalls: () => sockets.size + parked.size(),
    async stop() {
      accepting = false;
      // Each call flushes what it received (reason shutting_down) before its socket closes.
      for (const end of sockets.values()) end();
      const error = shuttingDown();
      for (const call of parked.drain()) call.session.reject(error);
      await sink.idle();
      for (const ws of sockets.keys()) ws.terminate();
      await listening.close();
    },
  };
}
