// The Twilio Media Streams adapter: a WebSocket server on its own port. The upgrade request must
// carry a valid X-Twilio-Signature (HMAC-SHA1 of the public URL with the account's auth token:
// 401 without one, 403 with a wrong one); each stream then drives one CallSession exactly as a
// gRPC stream does (same validation, consent, batching, backpressure, records). Errors close the
// socket with INGEST_CLOSE_CODES. Never logs audio, tokens, parameters or DTMF digits.
// I/O: an HTTP(S) server on a TCP port.
import { addressKey } from '../shared/address-key.ts';
import { createSocketLimits, SocketLimitError, type SocketSlot } from '../shared/socket-limits.ts';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { AdapterServer, AdapterServerOptions } from './adapter-server.ts';
import { followingIdentity } from './tls-identity.ts';
import { refuseUpgrade } from './upgrade-refusal.ts';
import { admitsUpgrade, newCallWhileDraining, shuttingDown } from './drain-reconnect.ts';
import { listen, type ListeningServer } from '../shared/listen.ts';
import { createCallSession, type CallSession } from './call-session.ts';
import { IngestError } from './errors.ts';
import { CLOSE_NORMAL, closeFrameFor } from './ingest-close-codes.ts';
import { createParkedCalls, parkedClockMs } from './reconnect-grace.ts';
import { holdWhileBehind } from './stream-hold.ts';
import type { TwilioConfig } from './twilio-config.ts';
import type { TwilioMetrics } from './twilio-metrics.ts';
import {
  channelsOfTracks,
  parseTwilioMessage,
  resumeOffsetMs,
  toCallStart,
  type TwilioMessage,
  type TwilioStart,
  TWILIO_FRAME_MS,
} from './twilio-protocol.ts';
import { verifyTwilioSignature } from '../shared/twilio-signature.ts';
import { createTwilioFramer } from './twilio-framer.ts';
import { isMessageTooLarge, messageTooLarge } from './ws-message-limit.ts';
import type { RawAudioFrame } from './validate.ts';

export interface TwilioServerOptions extends AdapterServerOptions {
  config: TwilioConfig;
  twilioMetrics: TwilioMetrics;
  /** How long a call whose socket dropped without `stop` waits for a new stream (0 = ends at once). */
  reconnectGraceMs: number;
}

export type TwilioServer = AdapterServer;

/** One call across the streams that carried it: a reconnect moves it to the new socket. */
interface TwilioCall {
  /** The account that started it: only a stream signed by the same account continues it. */
  accountSid: string;
  session: CallSession;
  channels: string[];
  /** The consent the call started with: a reconnect that says otherwise is not this call. */
  consent: string;
  /** Closes the socket that carries the call now. */
  close(error?: IngestError): void;
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

export async function startTwilioServer(options: TwilioServerOptions): Promise<TwilioServer> {
  const { config, sink, logger, metrics, twilioMetrics } = options;
  const log = logger.child({ adapter: 'twilio' });
  /** The call each open socket carries. */
  const streams = new Map<WebSocket, () => TwilioCall>();
  const parked = createParkedCalls<TwilioCall>(options.reconnectGraceMs);
  let accepting = true;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes });
  // A socket counts as waiting until its `start`: Twilio's signature has no nonce, so one signed
  // upgrade seen once could open any number of silent sockets, each held CALL_START_TIMEOUT_MS.
  const waiting = createSocketLimits({
    maxUnauthenticated: config.maxWaiting,
    maxUnauthenticatedPerAddress: config.maxWaitingPerAddress,
    maxPerAddress: 0,
    maxPerUser: 0,
  });

  const onRequest = (_: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(426, { Connection: 'close', 'Content-Type': 'text/plain' });
    response.end('Twilio Media Streams: WebSocket only\n');
  };
  const server: Server = options.tls
    ? followingIdentity(options.tls, (tls) => createHttpsServer(tls, onRequest))
    : createHttpServer(onRequest);

  const refused = (code: string): void => {
    twilioMetrics.protocolErrors.inc({ code });
    metrics.errors.inc({ code });
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    // Draining: only the reconnect of a call that waits for one (drain-reconnect.ts).
    const refuseDraining = (): void => {
      refused('SHUTTING_DOWN');
      refuseUpgrade(socket, 503, 'Service Unavailable');
    };
    if (!admitsUpgrade(accepting, null, parked.holdsCallOf)) return refuseDraining();
    const auth = authenticate(request, config);
    if ('refuse' in auth) {
      refused(auth.code);
      log.warn('stream refused', { code: auth.code });
      return refuseUpgrade(socket, auth.refuse, auth.refuse === 401 ? 'Unauthorized' : 'Forbidden');
    }
    if (!admitsUpgrade(accepting, auth.tenant, parked.holdsCallOf)) return refuseDraining();
    let slot: SocketSlot;
    try {
      slot = waiting.open(addressKey(request.socket.remoteAddress ?? 'unknown'));
    } catch (error) {
      if (!(error instanceof SocketLimitError)) throw error;
      refused(error.code);
      log.warn('stream refused', { code: error.code });
      return refuseUpgrade(socket, 429, 'Too Many Requests');
    }
    let upgraded = false;
    // An upgrade that never completes (the client went away) releases its place too.
    socket.once('close', () => {
      if (!upgraded) waiting.close(slot);
    });
    wss.handleUpgrade(request, socket, head, (ws) => {
      upgraded = true;
      ws.once('close', () => waiting.close(slot));
      serve(ws, auth.accountSid, auth.tenant, () => waiting.authenticate(slot, auth.tenant));
    });
  });

  const serve = (ws: WebSocket, accountSid: string, tenant: string, started: () => void): void => {
    twilioMetrics.sessions.inc();
    twilioMetrics.openSessions.inc();
    let closed = false;
    let streamSid: string | null = null;
    /** ws refused a message over the size limit (it closes the socket 1009 itself). */
    let tooLarge = false;
    let lastSequenceNumber = 0;
    /** Shift of this socket's timestamps on the call's timeline (non-zero after a reconnect). */
    let offsetMs = 0;
    const close = (error?: IngestError): void => {
      if (closed) return;
      closed = true;
      if (error) {
        twilioMetrics.protocolErrors.inc({ code: error.code });
        const frame = closeFrameFor(error);
        ws.close(frame.code, frame.reason);
      } else ws.close(CLOSE_NORMAL, 'ENDED');
    };
    const ownCall: TwilioCall = {
      accountSid,
      channels: [],
      consent: '',
      close,
      session: createCallSession({
        tenant,
        settings: options.settings,
        liveCalls: options.liveCalls,
        sink,
        logger: log,
        metrics,
        // Twilio expects nothing back on a unidirectional stream: progress is in the metrics.
        writeAck: () => undefined,
        // Whichever socket carries the call by then (a reconnect moves it).
        close: (error) => ownCall.close(error),
      }),
    };
    let call = ownCall;
    streams.set(ws, () => call);

    /** A new stream for a call whose socket dropped: the call goes on here, the gap as silence. */
    const resume = (start: TwilioStart, consent: string): boolean => {
      const channels = channelsOfTracks(start.tracks);
      const found = parked.take(
        tenant,
        start.callSid,
        // Another account of the same tenant (a subaccount) is not this call going on.
        (c) =>
          c.accountSid === accountSid &&
          c.session.state() === 'live' &&
          c.channels.join() === channels.join() &&
          c.consent === consent,
      );
      if (!found) return false;
      ownCall.session.abandon('resumed'); // never started: only its CallStart deadline to clear
      call = found.call;
      call.close = close;
      const goneMs = parkedClockMs() - found.droppedAtMs;
      // By frame slots, where the call's frames stand: its audio time lags them after a long gap.
      offsetMs = resumeOffsetMs(call.session.nextSequence() * TWILIO_FRAME_MS, goneMs);
      call.session.hold(false);
      metrics.streamDrops.inc({ adapter: 'twilio', outcome: 'resumed' });
      log.info('stream resumed', { callId: start.callSid, goneMs });
      return true;
    };

    // 20 ms frames of this stream's payloads, to whichever call the stream carries by then.
    const framer = createTwilioFramer();
    const emitFrame = (frame: RawAudioFrame): void => call.session.handle({ message: 'frame', frame });

    const otherStream = (sid: string | undefined): void => {
      if (streamSid !== null && sid !== undefined && sid !== streamSid)
        throw new IngestError('BAD_MESSAGE', 'a message of another stream');
    };
    const handle = (message: TwilioMessage): void => {
      // Numbers only grow on one stream (Twilio's docs: incremented per message); a gap is a lost
      // message (its audio slot becomes silence), a repeat or a step back is a broken sender.
      if (message.sequenceNumber !== undefined) {
        if (message.sequenceNumber <= lastSequenceNumber)
          throw new IngestError(
            'OUT_OF_ORDER',
            `sequenceNumber ${message.sequenceNumber} after ${lastSequenceNumber}`,
          );
        lastSequenceNumber = message.sequenceNumber;
      }
      switch (message.event) {
        case 'start': {
          if (message.start.accountSid !== accountSid)
            throw new IngestError(
              'TENANT_MISMATCH',
              'start.accountSid is not the account that signed the request',
            );
          streamSid = message.streamSid;
          const raw = toCallStart(message.start, tenant); // validates the format of a reconnect too
          const consent = JSON.stringify(raw.consent);
          started(); // no longer waiting: its place in the waiting caps is free
          if (call.session.state() === 'awaiting-start' && resume(message.start, consent)) return;
          if (!accepting) throw newCallWhileDraining();
          call.channels = raw.channels;
          call.consent = consent;
          call.session.handle({ message: 'start', start: raw });
          return;
        }
        case 'media':
          otherStream(message.streamSid);
          // Checked before the framer cuts it into 20 ms frames: a 20 000-byte payload became 2.5 s
          // of audio, and the real frames after it fell in slots it had filled (dropped as repeats).
          if (message.media.payload.byteLength > options.settings.maxFrameBytes)
            throw new IngestError(
              'FRAME_TOO_LARGE',
              `media payload of ${message.media.payload.byteLength} bytes over MAX_FRAME_BYTES (${options.settings.maxFrameBytes})`,
            );
          twilioMetrics.bytes.inc({ track: message.media.track }, message.media.payload.byteLength);
          framer.push(message.media, offsetMs, emitFrame);
          return;
        case 'stop':
          otherStream(message.streamSid);
          framer.flush(emitFrame);
          call.session.handle({ message: 'end', end: { reason: 'twilio-stop' } });
          return;
        case 'unknown':
          twilioMetrics.protocolErrors.inc({ code: 'UNKNOWN_EVENT' });
          return;
        default:
          // connected, mark, dtmf: nothing for the call (DTMF digits may be card numbers: dropped).
          return;
      }
    };

    const checkBackpressure = holdWhileBehind(
      sink,
      metrics,
      { hold: (held) => call.session.hold(held) },
      { pause: () => ws.pause(), resume: () => ws.resume(), isClosed: () => closed },
    );
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (closed) return;
      try {
        if (isBinary) throw new IngestError('BAD_MESSAGE', 'binary frame: Twilio sends JSON text');
        handle(parseTwilioMessage(data.toString()));
      } catch (error) {
        if (!(error instanceof IngestError)) log.error('unexpected error', { error });
        call.session.reject(
          error instanceof IngestError ? error : new IngestError('INTERNAL_ERROR', 'internal error'),
        );
        return;
      }
      checkBackpressure();
    });
    // A socket that goes away without `stop` (Twilio sends `stop` before it closes a stream that
    // ends) dropped: the call waits RECONNECT_GRACE_MS for a new stream with its CallSid, then
    // ends as `stop` would. What was received is kept either way.
    ws.on('close', () => {
      closed = true;
      streams.delete(ws);
      twilioMetrics.openSessions.dec();
      const { session } = call;
      const callId = session.callId();
      if (tooLarge) twilioMetrics.protocolErrors.inc({ code: 'FRAME_TOO_LARGE' });
      if (session.state() !== 'live' || callId === null) {
        session.abandon('client-closed');
        return;
      }
      // What this socket brought is kept: a 10 ms payload waiting for its other half too.
      framer.flush(emitFrame);
      if (tooLarge) {
        // ws refused a message over the limit (close 1009): a broken sender, not a dropped line.
        session.reject(messageTooLarge(config.maxMessageBytes));
        return;
      }
      session.hold(true); // its silence is the drop's, not an idle client's
      parked.park(tenant, callId, call, () => {
        metrics.streamDrops.inc({ adapter: 'twilio', outcome: 'ended' });
        session.handle({ message: 'end', end: { reason: 'client-closed' } });
      });
    });
    ws.on('error', (error) => {
      tooLarge ||= isMessageTooLarge(error);
      ws.terminate();
    });
  };

  const listening: ListeningServer = await listen(server, config.port, config.host);
  return {
    port: listening.port,
    drain() {
      accepting = false;
    },
    openCalls: () => streams.size + parked.size(),
    async stop() {
      accepting = false;
      const error = shuttingDown();
      for (const call of [...[...streams.values()].map((current) => current()), ...parked.drain()])
        call.session.reject(error);
      await sink.idle();
      wss.close();
      await listening.close();
    },
  };
}
