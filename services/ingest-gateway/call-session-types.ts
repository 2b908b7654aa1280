// What a call session is to the adapters that drive it (grpc-server.ts, twilio-server.ts,
// audiohook/, l16ws/): the messages it takes, its settings and dependencies, the acks it writes and
// the state a resume carries on. Types only; the session itself is call-session.ts.
import type { Logger } from '../shared/logger.ts';
import type { Consent } from '../shared/records.ts';
import type { BrokerOutagePolicy } from './broker-outage.ts';
import type { RawConsent } from './consent-change.ts';
import type { CustomerRefKeys } from './customer-ref-keys.ts';
import type { IngestError } from './errors.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { KafkaSink } from './kafka-sink.ts';
import type { LiveCalls } from './live-calls.ts';
import type { PaceSettings } from './stream-pace.ts';
import type { RawAudioFrame, RawCallStart } from './validate.ts';

export type AckState = 'CALL_STATE_ACTIVE' | 'CALL_STATE_NOT_ANALYSED' | 'CALL_STATE_ENDED';

export interface IngestAckOut {
  callId: string;
  state: AckState;
  framesAccepted: number;
  gaps: number;
  framesMissing: number;
}

/** va.ingest.v1.CallAudio as decoded by proto-loader with { oneofs: true }. */
export interface RawCallAudio {
  message?: 'start' | 'frame' | 'end' | 'hold' | 'consentChange';
  start?: RawCallStart | null;
  frame?: RawAudioFrame | null;
  end?: { reason: string } | null;
  hold?: { onHold: boolean } | null;
  consentChange?: { consent: RawConsent } | null;
}

export interface SessionSettings {
  /** Per tenant, the keys of its customer-reference pseudonyms (customer-ref-keys.ts). */
  customerRefKeys: ReadonlyMap<string, CustomerRefKeys>;
  maxFrameBytes: number;
  batchMaxDelayMs: number;
  maxChunkMs: number;
  maxGapFillMs: number;
  /** A call on hold is not idle for at most this long, then ends HOLD_TOO_LONG (default 1 h). */
  maxHoldMs?: number;
  ackEveryFrames: number;
  /** A stream that has not sent CallStart after this long is ended (CALL_START_TIMEOUT). */
  callStartTimeoutMs: number;
  /** Real-time rate limit of a call's audio. */
  pace: PaceSettings;
  topics: { audio: string; calls: string };
  /** Refusing and ending calls while the broker does not acknowledge (broker-outage.ts). */
  brokerOutage: BrokerOutagePolicy;
}

export interface SessionDeps {
  tenant: string;
  settings: SessionSettings;
  liveCalls: LiveCalls;
  sink: KafkaSink;
  logger: Logger;
  metrics: GatewayMetrics;
  writeAck(ack: IngestAckOut): void;
  /** Ends the stream: with an error status, or OK after the last ack. */
  close(error?: IngestError): void;
  /**
   * The client resumes a call refused UNAVAILABLE on another gateway, with the same call id and
   * the audio time where it left off (gRPC): such a refusal then hands the call over instead of
   * ending it. Adapters whose client cannot do that (Twilio) end the call.
   */
  resumesElsewhere?: boolean;
  /**
   * This call's dropped stream, while the gateway still remembers it (gRPC: RECONNECT_GRACE_MS):
   * a resumed CallStart may not widen its consent (CONSENT_WIDENED).
   */
  droppedCall?: (tenant: string, callId: string) => DroppedCall | null;
  /**
   * The narrowest consent a change of this call set on any gateway (consent-memory.ts), or null:
   * a resumed CallStart may not widen it either (CONSENT_WIDENED).
   */
  narrowedConsent?: (tenant: string, callId: string) => Consent | null;
  /** The wall clock (default Date.now): the times records carry. */
  now?: () => number;
  /**
   * A monotonic clock in ms (default performance.now): the real-time rate limit and the idle
   * sweep's last activity. On the wall clock an NTP step back ended live calls
   * FASTER_THAN_REAL_TIME, and a step forward past IDLE_TIMEOUT_MS ended silent ones IDLE_TIMEOUT.
   */
  monotonicNow?: () => number;
}

/** What a resume of a dropped stream's call must respect and carry on. */
export interface DroppedCall {
  consent: Consent;
  /** Its started event went out: downstream knows the call, so its end and changes go out too. */
  announced: boolean;
  /** Audio time it reached: where a consent narrowed by the resume takes effect. */
  audioMs: number;
}

export interface CallSession {
  /** Handles one message; a protocol violation ends the call and closes the stream with its status. */
  handle(message: RawCallAudio): void;
  /** Ends the call from outside with an error status (flushing what was accepted). */
  reject(error: IngestError): void;
  /** The client went away (cancel, error, half-close without CallEnd): flush and end the call. */
  abandon(reason: string): void;
  /**
   * The stream dropped mid-call (cancelled or reset: a network drop, a crashed client). Handed
   * over as for UNAVAILABLE: what it sent is flushed without final markers or the ended event and
   * the call released, so a new stream with the call id and the audio time where it left off
   * continues the same call, on this gateway or another; a client that does not come back is
   * ended downstream by the idle timeouts. False when the call was not live (nothing to resume).
   */
  drop(reason: string): boolean;
  /**
   * The client half-closed: it has sent everything. The call still ends once the transport has
   * told a half-close from a cancel; a shutdown or outage that ends it meanwhile ends it as the
   * client's hang-up (`client-closed`), not as a call to resume elsewhere.
   */
  clientDone(): void;
  /**
   * The CallStart came but is held before handle() (the consent check, grpc-server.ts): the
   * CALL_START_TIMEOUT deadline is met. The hold has deadlines of its own (CONSENT_CHECK_MAX_MS).
   */
  startHeld(): void;
  callId(): string | null;
  /** What a resume of this call must respect (its consent now), null before CallStart. */
  resumeState(): DroppedCall | null;
  state(): SessionState;
  /** Audio time the call has reached (its longest channel), ms: where a resumed stream goes on. */
  audioMs(): number;
  /**
   * The sequence the call's channels expect next (the furthest; 0 before any frame). Ahead of
   * audioMs / frame after a gap longer than the silence filled (MAX_GAP_FILL_MS): a stream
   * resumed by frame slots must start here, or its first frames pass for repeats.
   */
  nextSequence(): number;
  /**
   * The gateway paused (true) or resumed (false) reading this stream: a held call is not idle,
   * and its idle clock restarts on resume.
   */
  hold(held: boolean): void;
}

export type SessionState = 'awaiting-start' | 'live' | 'ending' | 'ended';
