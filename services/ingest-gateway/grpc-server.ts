// The gRPC adapter: serves va.ingest.v1.Ingest/StreamCall (auth, one CallSession per stream,
// backpressure by pausing the stream while Kafka is behind) and grpc.health.v1.Health; maps
// IngestError statuses to gRPC codes. I/O: a gRPC server on a TCP port.
import { grpcCredentials, type TlsIdentity } from './tls-identity.ts';
import * as grpc from '@grpc/grpc-js';
import { CodedError } from '../../pipelines/errors.ts';
import { grpcServices } from '../shared/grpc-protos.ts';
import type { Logger } from '../shared/logger.ts';
import type { TokenStore } from './auth.ts';
import {
  createCallSession,
  type CallSession,
  type DroppedCall,
  type IngestAckOut,
  type RawCallAudio,
  type SessionSettings,
} from './call-session.ts';
import { endCallsAfterLongOutage } from './broker-outage.ts';
import { IngestError } from './errors.ts';
import { startMayGoOnUnconfirmed } from './unconfirmed-start.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import { createWaitingStreams } from './waiting-streams.ts';
import { createParkedCalls } from './reconnect-grace.ts';
import { createHealthService, type HealthService } from './health.ts';
import type { KafkaSink } from './kafka-sink.ts';
import type { LiveCalls } from './live-calls.ts';
import { holdWhileBehind } from './stream-hold.ts';
import { callKey } from '../shared/call-key.ts';
import type { Drainable } from './drain.ts';
import type { ConsentFeed } from './consent-feed.ts';
import type { ConsentMemory } from './consent-memory.ts';

export const RETRY_PUSHBACK_KEY = 'grpc-retry-pushback-ms';

export interface GrpcServerOptions {
  host: string;
  port: number;
  /** TLS that follows renewals of its files; null = plaintext. */
  tls: TlsIdentity | null;
  tokens: TokenStore;
  settings: SessionSettings;
  idleTimeoutMs: number;
  maxFrameBytes: number;
  sink: KafkaSink;
  liveCalls: LiveCalls;
  /** Streams waiting for their CallStart: at most this many, in all and per tenant. */
  maxWaitingStreams: { total: number; perTenant: number };
  /** GRPC_MAX_CONNECTION_IDLE_MS: a connection without a stream this long gets GOAWAY. */
  maxConnectionIdleMs: number;
  /** RECONNECT_GRACE_MS: how long a resume of a dropped stream's call counts as `resumed` here; 0 = a drop ends the call. */
  reconnectGraceMs: number;
  /**
   * The consent changes of every gateway (consent-feed.ts): a CallStart with analytics waits until
   * they are read and may not widen its call's; null = this gateway's own dropped streams only.
   */
  consentChanges: ConsentChanges | null;
  logger: Logger;
  metrics: GatewayMetrics;
}

/** What the gRPC server asks of the consent changes published by every gateway. */
export interface ConsentChanges {
  confirm: ConsentFeed['confirm'];
  narrowed: ConsentMemory['narrowed'];
}

/**
 * Whether a stream's message is a CallStart that could send the call's audio on: a resume may come
 * from another gateway, where the call's consent was withdrawn just before the hand-over.
 */
const startWithAnalytics = (session: CallSession, message: RawCallAudio): boolean =>
  session.state() === 'awaiting-start' &&
  message.message === 'start' &&
  message.start?.consent?.analytics === true;

/** The retry delay told to a stream refused TOO_MANY_WAITING (others' CallStarts free places). */
const WAITING_RETRY_MS = 1_000;

/**
 * drain() hands the gRPC calls over at once (UNAVAILABLE SHUTTING_DOWN, the client resumes the
 * call on another gateway) and refuses new ones: unlike the WebSocket adapters' platforms, a gRPC
 * client moves its call, so keeping it here for the drain would only delay that. openCalls() is 0.
 */
export interface GrpcServer extends Drainable {
  readonly port: number;
  readonly health: HealthService;
  /**
   * Refuses new calls, ends its own live ones (flushing their audio; the adapters' calls in the
   * shared registry are theirs to end), waits for Kafka, closes.
   */
  stop(): Promise<void>;
}

/**
 * The gRPC status of an IngestError. A retry delay travels as the `grpc-retry-pushback-ms` trailer,
 * which gRPC clients with a retry policy honour (gRFC A6, "Pushback"); others can read it.
 */
export function toStatus(error: IngestError): Partial<grpc.StatusObject> {
  const status: Partial<grpc.StatusObject> = {
    code: grpc.status[error.status],
    details: `${error.code}: ${error.message}`,
  };
  if (error.retryAfterMs !== null) {
    status.metadata = new grpc.Metadata();
    status.metadata.set(RETRY_PUSHBACK_KEY, String(error.retryAfterMs));
  }
  return status;
}

/** How long an unconfirmed start waits for its stream's first frame (unconfirmed-start.ts). */
const FIRST_FRAME_WAIT_MS = 1_000;

/** How long after a stream's reading side ends a cancel may still be reported (grpc-js: a few ms). */
const CANCEL_GRACE_MS = 200;

export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const { sink, liveCalls, logger, metrics } = options;
  const health = createHealthService('NOT_SERVING');
  let accepting = true;
  // While the sink is behind, the gateway holds streams back, and through HTTP/2's shared
  // connection window it also starves streams it did not pause: no call is idle then, and idle
  // clocks restart once it drains (overload must not turn into lost calls).
  let heldBack = false;
  const waiting = createWaitingStreams(options.maxWaitingStreams);
  // Calls whose stream dropped mid-call (a network drop: cancelled, reset) are handed over, not
  // ended (call-session.ts `drop`): they had been ended at once, and the client's resumed stream
  // was acknowledged as a new call whose audio the dsp-worker dropped (it had seen the call's final
  // markers). Remembered RECONNECT_GRACE_MS to count resumes on this gateway; never ended here: a
  // resume may land on another replica, which an ended event would have cut.
  // Each with the consent it had at the drop: a resume may not widen it (consent-change.ts).
  const dropped = createParkedCalls<DroppedCall>(options.reconnectGraceMs);

  // This server's own streams (the live-call registry holds every intake's): the drain hands
  // these over and leaves the WebSocket adapters' calls running.
  const ownSessions = new Map<CallSession, string>();
  /** The server's close (GOAWAY, no new connections), started by the drain or by stop(). */
  let closing: Promise<void> | undefined;

  const streamCall = (call: grpc.ServerDuplexStream<RawCallAudio, IngestAckOut>): void => {
    let closed = false;
    /** Out of the waiting count once its CallStart came or it ended (set once it is counted). */
    let stopWaiting = (): void => undefined;
    let forget = (): void => undefined;
    const close = (error?: IngestError): void => {
      if (closed) return;
      closed = true;
      stopWaiting();
      forget();
      if (error) call.emit('error', toStatus(error));
      else call.end();
    };
    const reject = (error: IngestError): void => {
      metrics.errors.inc({ code: error.code });
      logger.warn('stream rejected', { code: error.code, status: error.status });
      close(error);
    };
    if (!accepting) return reject(new IngestError('SHUTTING_DOWN', 'the gateway is shutting down'));
    let tenant: string;
    try {
      tenant = options.tokens.tenantFor(call.metadata.get('authorization')[0]?.toString());
    } catch (error) {
      return reject(error as IngestError);
    }
    if (!waiting.enter(tenant))
      return reject(
        new IngestError(
          'TOO_MANY_WAITING',
          `too many streams are waiting for their CallStart (GRPC_MAX_WAITING ${options.maxWaitingStreams.total}, ` +
            `per tenant GRPC_MAX_WAITING_PER_TENANT ${options.maxWaitingStreams.perTenant}): send CallStart first`,
          WAITING_RETRY_MS,
        ),
      );
    let counted = true;
    stopWaiting = () => {
      if (!counted) return;
      counted = false;
      waiting.leave(tenant);
    };
    const session = createCallSession({
      tenant,
      settings: options.settings,
      liveCalls,
      sink,
      logger,
      metrics,
      // A gRPC client resumes a call refused UNAVAILABLE on another gateway (README).
      resumesElsewhere: true,
      droppedCall: (t, id) => dropped.peek(t, id),
      narrowedConsent: (t, id) => options.consentChanges?.narrowed(t, id) ?? null,
      writeAck: (ack) => {
        if (!closed) call.write(ack);
      },
      close,
    });
    ownSessions.set(session, tenant);
    forget = () => ownSessions.delete(session);
    const checkBackpressure = holdWhileBehind(
      sink,
      metrics,
      session,
      { pause: () => call.pause(), resume: () => call.resume(), isClosed: () => closed },
      () => {
        heldBack = true;
      },
    );
    const handle = (message: RawCallAudio): void => {
      const starting = session.state() === 'awaiting-start';
      session.handle(message);
      if (session.state() !== 'awaiting-start') stopWaiting();
      if (starting && session.state() === 'live') resumeDropped(tenant, session.callId());
      checkBackpressure();
    };
    /** Messages that came while the CallStart waited for the consent check, in order. */
    let confirming: RawCallAudio[] | null = null;
    /** Set while an unconfirmed start waits for its first frame (a resume's goes on where it left off). */
    let onFirstFrame: (() => void) | null = null;
    call.on('data', (message: RawCallAudio) => {
      if (confirming) {
        confirming.push(message);
        if (onFirstFrame && message.message === 'frame') onFirstFrame();
        return;
      }
      if (!options.consentChanges || !startWithAnalytics(session, message)) return handle(message);
      // The start waits (the stream paused) until this gateway has read every consent change
      // published before it: one made on the gateway that handed the call over is then known.
      const queued: RawCallAudio[] = (confirming = []);
      // The CallStart came: a check longer than what is left of CALL_START_TIMEOUT_MS had refused
      // it CALL_START_TIMEOUT (DEADLINE_EXCEEDED, "no CallStart") instead of deciding on it.
      session.startHeld();
      // The start's age is judged as it came: after the wait (CONSENT_CHECK_MAX_MS) a new call's
      // start would be that much older, and none at all would pass with a wait of 5 s or more.
      const arrivedMs = Date.now();
      call.pause();
      const goOn = (): void => {
        confirming = null;
        // Resumed first: handling them may pause the stream again (Kafka behind).
        call.resume();
        for (const next of [message, ...queued]) handle(next);
      };
      void options.consentChanges.confirm().then(
        () => {
          if (closed) return void (confirming = null);
          goOn();
        },
        (error: unknown) => {
          if (closed) return void (confirming = null);
          const startTimeMs = Number(message.start?.startTimeMs ?? 0);
          const decide = (): void => {
            onFirstFrame = null;
            clearTimeout(firstFrameTimer.id);
            if (closed) return void (confirming = null);
            const firstFrame = queued.find((m) => m.message === 'frame' && m.frame)?.frame;
            const firstAudioMs = firstFrame ? Number(firstFrame.audioTimeMs ?? 0) : null;
            if (!startMayGoOnUnconfirmed(error as IngestError, startTimeMs, arrivedMs, firstAudioMs)) {
              confirming = null;
              return session.reject(error as IngestError);
            }
            metrics.unconfirmedStarts.inc();
            goOn();
          };
          const firstFrameTimer: { id?: NodeJS.Timeout } = {};
          if (
            !startMayGoOnUnconfirmed(error as IngestError, startTimeMs, arrivedMs) ||
            queued.some((m) => m.message === 'frame')
          )
            return decide();
          // The stream was paused: its first frame, which tells a resume from a new call, is read
          // before the start goes on (at most FIRST_FRAME_WAIT_MS; none by then: a new call).
          onFirstFrame = decide;
          firstFrameTimer.id = setTimeout(decide, FIRST_FRAME_WAIT_MS);
          call.resume();
        },
      );
    });
    // Half-close without CallEnd: end the call as if CallEnd came (what was sent is kept). A
    // cancelled or reset stream ends its reading side too (Node's http2 ends it before closing
    // the stream), and grpc-js reports the cancel a few ms after that 'end': a half-close is only
    // taken as one once CANCEL_GRACE_MS passed without a cancel, so a dropped call is handed over
    // (or, RECONNECT_GRACE_MS=0, ended `cancelled`) instead of passing for a client that hung up.
    let halfClose: NodeJS.Timeout | undefined;
    call.on('end', () => {
      session.clientDone();
      halfClose = setTimeout(halfClosed, CANCEL_GRACE_MS);
    });
    const halfClosed = (): void => {
      if (closed || call.cancelled) return;
      const state = session.state();
      if (state === 'awaiting-start') {
        session.reject(new IngestError('MISSING_CALL_START', 'the stream ended before CallStart'));
      } else if (state === 'live') {
        session.handle({ message: 'end', end: { reason: 'client-closed' } });
      }
    };
    call.on('cancelled', () => {
      clearTimeout(halfClose);
      closed = true;
      stopWaiting();
      forget();
      dropCall(tenant, session, 'cancelled');
    });
    call.on('error', () => {
      stopWaiting();
      forget();
      dropCall(tenant, session, 'stream-error');
    });
  };

  const dropCall = (tenant: string, session: CallSession, reason: string): void => {
    const callId = session.callId();
    // RECONNECT_GRACE_MS=0: ended at once, as before (final markers, the ended event).
    const resume = session.resumeState();
    if (options.reconnectGraceMs <= 0 || callId === null || resume === null || !session.drop(reason))
      return session.abandon(reason);
    dropped.park(tenant, callId, resume, () =>
      metrics.streamDrops.inc({ adapter: 'grpc', outcome: 'ended' }),
    );
  };

  const resumeDropped = (tenant: string, callId: string | null): void => {
    if (callId !== null && dropped.take(tenant, callId) !== null)
      metrics.streamDrops.inc({ adapter: 'grpc', outcome: 'resumed' });
  };

  const services = grpcServices();
  const server = new grpc.Server({
    // Well above MAX_FRAME_BYTES, so an oversize frame reaches validation (INVALID_ARGUMENT)
    // instead of grpc-js's own RESOURCE_EXHAUSTED; still bounds one message's memory.
    'grpc.max_receive_message_length': Math.max(4 * 1024 * 1024, options.maxFrameBytes * 4 + 1024),
    'grpc.keepalive_time_ms': 30_000,
    // Streams are capped (maxWaitingStreams, quotas) but connections were not: each one a client
    // opened and left without a stream (a leaked channel) held its socket and HTTP/2 session for
    // good, grpc-js's default being no limit. Closed with GOAWAY, which gRPC clients answer by
    // reconnecting when they next need the channel. Only sessions past the HTTP/2 preface: a bare
    // TCP connection is not timed by grpc-js (review, README).
    'grpc.max_connection_idle_ms': options.maxConnectionIdleMs,
  });
  server.addService(services.Ingest.service, { StreamCall: streamCall });
  server.addService(services.Health.service, health.implementation);
  const credentials = options.tls ? grpcCredentials(options.tls) : grpc.ServerCredentials.createInsecure();
  // grpc-js reports a failed bind itself as a plain-text console line: keep the logs JSON lines.
  grpc.setLogger({
    error: (...args: unknown[]) => logger.warn('grpc-js', { detail: args.map(String).join(' ') }),
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, credentials, (error, bound) =>
      error
        ? reject(
            new CodedError(
              'GRPC_LISTEN_FAILED',
              `cannot listen for gRPC on ${options.host}:${options.port} (in use?): ${error.message}`,
              {
                cause: error,
              },
            ),
          )
        : resolve(bound),
    );
  });

  /** stop() ran: the sweep goes on for the adapters' calls in the shared registry until none is left. */
  let stopped = false;
  const sweeper = setInterval(
    () => {
      if (stopped && liveCalls.all().length === 0) {
        clearInterval(sweeper);
        return;
      }
      // Monotonic, as the sessions' last activity: an NTP step of the wall clock idles no call.
      const now = performance.now();
      endCallsAfterLongOutage(sink, options.settings.brokerOutage, liveCalls);
      if (sink.isBehind()) {
        heldBack = true;
        return;
      }
      if (heldBack) {
        heldBack = false;
        for (const call of liveCalls.all()) call.lastActivityMs = now;
        return;
      }
      for (const call of liveCalls.idle(now, options.idleTimeoutMs)) {
        call.terminate(new IngestError('IDLE_TIMEOUT', `no audio for ${options.idleTimeoutMs} ms`));
      }
    },
    Math.min(1_000, options.idleTimeoutMs),
  );
  sweeper.unref();
  health.set('SERVING');

  /**
   * Ends this server's own streams (SHUTTING_DOWN: handed over, the client resumes the call
   * elsewhere), never the WebSocket adapters' calls in the shared registry: a stop of the gRPC
   * server (the drain, or stop() after it) had ended every live call of the process with them.
   */
  const endOwnCalls = (): void => {
    const shuttingDown = new IngestError('SHUTTING_DOWN', 'the gateway is shutting down');
    const live = new Set<string>();
    for (const [session, tenant] of ownSessions) {
      const callId = session.callId();
      if (callId !== null && session.state() === 'live') live.add(callKey(tenant, callId));
      else if (session.state() === 'awaiting-start') session.reject(shuttingDown);
    }
    // Through the registry: a call whose client already half-closed ends instead.
    for (const call of liveCalls.all())
      if (live.has(callKey(call.tenant, call.callId))) call.terminate(shuttingDown);
  };

  return {
    port,
    health,
    drain() {
      accepting = false;
      health.set('NOT_SERVING');
      endOwnCalls();
      // GOAWAY on every connection and no new ones: a client's channel would otherwise keep its
      // connection to this gateway for the whole drain and send each resume back here (refused
      // SHUTTING_DOWN again and again) instead of reconnecting to another gateway. Streams still
      // open (a half-closed call finishing) complete first.
      closing ??= new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
    openCalls: () => 0,
    async stop() {
      accepting = false;
      health.set('NOT_SERVING');
      // Not the sweep: it ends the idle calls (and cuts them after a long broker outage) of the
      // whole registry, the WebSocket adapters' too, which outlive this stop.
      stopped = true;
      endOwnCalls();
      // A dropped call's client may still resume it, on another gateway: handed over, not ended.
      dropped.drain();
      await sink.idle();
      closing ??= new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        void closing?.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
