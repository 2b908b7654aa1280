// One AudioHook session (one WebSocket) after its upgrade was authenticated: the protocol's
// state machine (AudioHook protocol specification, "Session lifecycle"): `open` -> `opened` with
// the chosen media, binary PCMU frames, `ping` -> `pong`, `paused`/`resumed`, `discarded`,
// `update`, `error`, `close` -> `closed`. Checks `seq` (1, 2, … without holes), `serverseq` (never
// ahead of what the server sent) and `position` (the audio received so far, plus what the
// client discarded; paused audio is not in it). Audio goes to the conversation's CallSession
// (conversations.ts) at its place on the timeline (timeline.ts). Any error is answered with the
// protocol's own `disconnect` (reason error, info "<CODE>: <message>"), then `closed` to the
// client's `close`; the socket is closed by us only if the client does not (closeTimeoutMs).
// Never logs audio, ANI or names. I/O: the WebSocket and timers.
import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../../shared/logger.ts';
import type { SessionSettings } from '../call-session.ts';
import { IngestError } from '../errors.ts';
import { AUDIOHOOK_RATE_HZ } from '../../shared/audiohook/duration.ts';
import type { GatewayMetrics } from '../gateway-metrics.ts';
import { CLOSE_NORMAL, closeFrameFor } from '../ingest-close-codes.ts';
import type { KafkaSink } from '../kafka-sink.ts';
import { holdWhileBehind } from '../stream-hold.ts';
import type { AudioHookOrg } from './config.ts';
import type { Attachment, Conversation, Conversations } from './conversations.ts';
import { parseClientMessage, serverMessage, type ClientMessage, type ServerType } from './messages.ts';
import { clientErrorLabel, type AudioHookMetrics } from './metrics.ts';
import { callStartFromOpen, selectMedia } from './open.ts';

/** Positions are decimal seconds: a client rounding to the millisecond is still exact enough. */
const POSITION_TOLERANCE_SAMPLES = AUDIOHOOK_RATE_HZ / 1000;
/** Client `error` messages logged per session (all are counted in the metric). */
const LOGGED_CLIENT_ERRORS = 5;

export interface ConnectionDeps {
  ws: WebSocket;
  org: AudioHookOrg;
  sessionId: string;
  conversations: Conversations;
  settings: SessionSettings;
  sink: KafkaSink;
  logger: Logger;
  metrics: GatewayMetrics;
  adapterMetrics: AudioHookMetrics;
  closeTimeoutMs: number;
}

export interface Connection {
  /** Gateway shutdown: ends the call (flushing it) and disconnects the client. */
  shutdown(): void;
}

type Phase = 'awaiting-open' | 'active' | 'paused' | 'closing' | 'done';

export function serveConnection(deps: ConnectionDeps): Connection {
  const { ws, org, sessionId, metrics, adapterMetrics } = deps;
  const log = deps.logger.child({ adapter: 'audiohook' });
  let phase: Phase = 'awaiting-open';
  let clientSeq = 0;
  let serverSeq = 0;
  let positionSamples = 0;
  let conversation: Conversation | null = null;
  let checkBackpressure: () => void = () => undefined;
  let closeTimer: NodeJS.Timeout | null = null;
  let clientErrorsSeen = 0;

  const send = (type: ServerType, parameters: Record<string, unknown> = {}): void => {
    if (ws.readyState === ws.OPEN)
      ws.send(serverMessage(sessionId, type, ++serverSeq, clientSeq, parameters));
  };
  /** The client closes after `closed`/`disconnect`; we close only if it does not. */
  const closeSoon = (code: number, reason: string): void => {
    if (closeTimer) return;
    closeTimer = setTimeout(() => ws.close(code, reason), deps.closeTimeoutMs);
    closeTimer.unref();
  };
  const signal = (error: IngestError, counted: boolean): void => {
    if (phase === 'done') return;
    phase = 'done';
    adapterMetrics.protocolErrors.inc({ code: error.code });
    if (!counted) {
      metrics.errors.inc({ code: error.code });
      log.warn('audiohook session refused', { code: error.code, reason: error.message });
    }
    send('disconnect', { reason: 'error', info: `${error.code}: ${error.message}`.slice(0, 500) });
    const frame = closeFrameFor(error);
    closeSoon(frame.code, frame.reason);
  };
  const attached = (): boolean => conversation?.attachment === attachment;
  /** A protocol error: ends the call (flushing what was accepted) when this session carries it. */
  const fail = (error: IngestError): void => {
    if (conversation && attached() && conversation.session.state() === 'live')
      conversation.session.reject(error);
    else signal(error, false);
  };

  const attachment: Attachment = {
    sessionId,
    orgId: org.id,
    callEnded(error) {
      if (error) return signal(error, true);
      if (phase === 'closing') send('closed');
      else send('disconnect', { reason: 'completed' });
      phase = 'done';
      closeSoon(CLOSE_NORMAL, 'ENDED');
    },
    superseded() {
      // A newer session continues the conversation: this one has nothing left to carry.
      if (phase !== 'done') phase = 'closing';
    },
  };

  const openDeadline = setTimeout(() => {
    if (phase === 'awaiting-open')
      signal(
        new IngestError('CALL_START_TIMEOUT', `no open within ${deps.settings.callStartTimeoutMs} ms`),
        false,
      );
  }, deps.settings.callStartTimeoutMs);
  openDeadline.unref();

  const open = (message: Extract<ClientMessage, { type: 'open' }>): void => {
    if (phase !== 'awaiting-open') throw new IngestError('DUPLICATE_CALL_START', 'open was already received');
    const p = message.parameters;
    if (p.organizationId !== org.id)
      throw new IngestError('TENANT_MISMATCH', 'open names another organization than the upgrade headers');
    const media = selectMedia(p.media, deps.conversations.layoutOf(org.tenant, p.conversationId));
    const start = callStartFromOpen(p, media, org);
    clearTimeout(openDeadline);
    positionSamples = message.positionSamples;
    const result = deps.conversations.open(
      org.tenant,
      start,
      attachment,
      p.continuedSessions.map((s) => s.id),
    );
    if (!result.ok) return signal(result.error, result.counted);
    conversation = result.conversation;
    if (result.continued) adapterMetrics.reconnects.inc();
    phase = 'active';
    send('opened', { media: [media], startPaused: false });
    const session = conversation.session;
    // Backpressure ending must not release the hold of a call the client paused (it stays not idle).
    const held = { ...session, hold: (on: boolean) => session.hold(on || phase === 'paused') };
    checkBackpressure = holdWhileBehind(deps.sink, metrics, held, {
      pause: () => ws.pause(),
      resume: () => ws.resume(),
      isClosed: () => phase === 'done' || ws.readyState !== ws.OPEN,
    });
  };

  const close = (reason: string): void => {
    const current = conversation;
    if (phase === 'done' || !current || !attached() || current.session.state() !== 'live') {
      phase = 'done';
      send('closed');
      return closeSoon(CLOSE_NORMAL, 'CLOSED');
    }
    if (reason === 'reconnect') {
      // The conversation continues in the client's next session: keep the call, answer now.
      deps.conversations.detach(current, attachment);
      phase = 'done';
      send('closed');
      return closeSoon(CLOSE_NORMAL, 'RECONNECT');
    }
    // `closed` only once everything is in Kafka (attachment.callEnded).
    phase = 'closing';
    current.session.handle({ message: 'end', end: { reason: `audiohook-${reason}` } });
  };

  const checkPosition = (message: ClientMessage): void => {
    if (Math.abs(message.positionSamples - positionSamples) > POSITION_TOLERANCE_SAMPLES)
      throw new IngestError(
        'BAD_POSITION',
        `${message.type} at position ${message.positionSamples} samples, ${positionSamples} received`,
      );
  };

  const handleText = (text: string): void => {
    const message = parseClientMessage(text);
    if (phase === 'done' || phase === 'closing') {
      // After our `disconnect` (or a takeover) only the client's close transaction matters.
      if (message.type === 'close') close(message.parameters.reason);
      else if (message.type === 'ping') send('pong');
      return;
    }
    if (message.id !== sessionId)
      throw new IngestError('BAD_MESSAGE', 'message id is not this session (audiohook-session-id)');
    if (message.seq !== clientSeq + 1)
      throw new IngestError(
        'BAD_SEQUENCE',
        `seq ${message.seq} after ${clientSeq}: messages lost or reordered`,
      );
    clientSeq = message.seq;
    if (message.serverseq > serverSeq)
      throw new IngestError('BAD_SEQUENCE', `serverseq ${message.serverseq}: the server sent ${serverSeq}`);
    if (message.type === 'open') return open(message);
    if (message.type === 'ping') {
      // Every message's position is the audio sent so far, a ping's too (README-audiohook).
      if (conversation) checkPosition(message);
      return send('pong');
    }
    if (message.type === 'close' && phase === 'awaiting-open') return close(message.parameters.reason);
    if (!conversation) throw new IngestError('MISSING_CALL_START', `${message.type} before open`);
    const current = conversation;
    switch (message.type) {
      case 'discarded': {
        // The client skipped audio it could not send: its position includes it (the reference
        // client advances position past it), so the timeline does too.
        const { startSamples, discardedSamples } = message.parameters;
        if (Math.abs(startSamples - positionSamples) > POSITION_TOLERANCE_SAMPLES)
          throw new IngestError(
            'BAD_POSITION',
            `discarded from ${startSamples}, ${positionSamples} received`,
          );
        positionSamples += discardedSamples;
        adapterMetrics.notSentSeconds.inc({ why: 'discarded' }, discardedSamples / AUDIOHOOK_RATE_HZ);
        if (message.positionSamples !== startSamples) checkPosition(message);
        return;
      }
      case 'paused':
        // Not a call on hold (CallHold): a pause is audio the client does not send (a secure
        // pause, say) while the conversation may go on; session.hold only keeps the call from idling.
        checkPosition(message);
        if (phase === 'active') {
          phase = 'paused';
          current.session.hold(true);
        }
        return;
      case 'resumed': {
        checkPosition(message);
        if (phase !== 'paused') return;
        phase = 'active';
        current.session.hold(false);
        // Paused audio is not in positions: it moves the rest of the conversation later.
        current.pausedSamples += message.parameters.discardedSamples;
        adapterMetrics.notSentSeconds.inc(
          { why: 'paused' },
          message.parameters.discardedSamples / AUDIOHOOK_RATE_HZ,
        );
        return;
      }
      case 'update':
        return checkPosition(message);
      case 'error':
        // The client's own trouble (429 rate limit, 500, …): counted; its `close` follows.
        adapterMetrics.clientErrors.inc({ code: clientErrorLabel(message.parameters.code) });
        // Logged a few times per session, counted always: a client's flood must not flood the log.
        clientErrorsSeen += 1;
        if (clientErrorsSeen <= LOGGED_CLIENT_ERRORS)
          log.warn('audiohook client reported an error', {
            code: message.parameters.code,
            ...(clientErrorsSeen === LOGGED_CLIENT_ERRORS ? { furtherNotLogged: true } : {}),
          });
        return;
      case 'close':
        checkPosition(message);
        return close(message.parameters.reason);
    }
  };

  const handleAudio = (data: Buffer): void => {
    if (phase === 'awaiting-open') throw new IngestError('MISSING_CALL_START', 'audio before open');
    if (phase === 'paused') throw new IngestError('BAD_MESSAGE', 'audio while paused');
    if (phase !== 'active') return; // after close or a takeover: the conversation has it elsewhere
    const current = conversation as Conversation;
    const bytes = data.byteLength;
    if (bytes === 0 || bytes % current.channels !== 0)
      throw new IngestError(
        'BAD_FRAME',
        `${bytes} bytes are not whole PCMU samples of ${current.channels} channel(s)`,
      );
    adapterMetrics.audioBytes.inc(bytes);
    const samples = bytes / current.channels;
    const startSample = positionSamples + current.pausedSamples;
    positionSamples += samples;
    const placed = current.timeline.place(startSample, samples);
    if (!placed) return; // already received through the previous session
    const payload = placed.trimSamples > 0 ? data.subarray(placed.trimSamples * current.channels) : data;
    current.session.handle({
      message: 'frame',
      frame: {
        channel: 'CHANNEL_UNSPECIFIED',
        sequence: placed.sequence,
        audioTimeMs: placed.audioTimeMs,
        payload,
      },
    });
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    try {
      const buffer = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      if (isBinary) handleAudio(buffer);
      else handleText(buffer.toString('utf8'));
    } catch (error) {
      if (!(error instanceof IngestError)) log.error('unexpected error', { error });
      fail(error instanceof IngestError ? error : new IngestError('INTERNAL_ERROR', 'internal error'));
      return;
    }
    checkBackpressure();
  });
  ws.on('close', () => {
    clearTimeout(openDeadline);
    if (closeTimer) clearTimeout(closeTimer);
    adapterMetrics.openSessions.dec();
    // Gone without a close transaction (network loss, crash): the conversation waits for the
    // client's reconnect, then ends keeping everything received.
    if (conversation && attached() && phase !== 'closing')
      deps.conversations.detach(conversation, attachment);
    phase = 'done';
  });
  ws.on('error', () => ws.terminate());

  return {
    shutdown() {
      // A session in its close transaction (the client sent `close`) or already ended answers it
      // as usual once its audio is in Kafka: no `disconnect` in the middle, no second one after.
      if (phase === 'closing' || phase === 'done') return;
      const error = new IngestError('SHUTTING_DOWN', 'the gateway is shutting down');
      if (conversation && attached() && conversation.session.state() === 'live')
        conversation.session.reject(error);
      else signal(error, false);
    },
  };
}
