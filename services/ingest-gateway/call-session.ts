// One call's stream through the gateway: CallStart -> frames -> CallEnd as a small state machine.
// Validates each message, batches audio per channel (timer bounded by batchMaxDelayMs), sends
// AudioChunk and CallEvent records through the sink, and answers acks. Consent analytics=false:
// acknowledged, nothing forwarded; a ConsentChange narrows it mid-call (consent-change.ts). I/O:
// only through the injected sink, ack writer and timers.
import type { Channel } from '../../pipelines/dsp/types.ts';
import type { Logger } from '../shared/logger.ts';
import { callKey, tenantEventId } from '../shared/call-key.ts';
import { outRecord, type OutRecord } from '../shared/producer.ts';
import {
  audioChunkCodec,
  callEventCodec,
  type AudioChunk,
  type CallEvent,
  type CallEventType,
  type Consent,
} from '../shared/records.ts';
import { refuseWhileBrokerDown, type BrokerOutagePolicy } from './broker-outage.ts';
import { createCallHold } from './call-hold.ts';
import { createChannelBatcher, type ChannelBatcher } from './channel-batcher.ts';
import { agentLegOf } from './agent-leg.ts';
import { createHeldTimeline, DEFAULT_HOLD_MAX_MS } from './held-timeline.ts';
import { consentEventSuffix, consentOf, consentStep, type RawConsent } from './consent-change.ts';
import { callPseudonyms } from './customer-ref.ts';
import type { CustomerRefKeys } from './customer-ref-keys.ts';
import { deinterleave } from './deinterleave.ts';
import { IngestError } from './errors.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { KafkaSink } from './kafka-sink.ts';
import type { LiveCall, LiveCalls } from './live-calls.ts';
import { createStreamPace, paceClockStart, type PaceSettings, type StreamPace } from './stream-pace.ts';
import {
  bytesPerSample,
  validateCallStart,
  validateEndReason,
  validateFrame,
  type CallSpec,
  type RawAudioFrame,
  type RawCallStart,
} from './validate.ts';

/** Longest silence one gap is filled with to meet the call's other channel (a one-leg outage). */
export const ALIGN_FILL_MAX_MS = 120_000;

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
  now?: () => number;
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
type State = SessionState;

export function createCallSession(deps: SessionDeps): CallSession {
  const { settings, sink, metrics, logger } = deps;
  const now = deps.now ?? Date.now;
  let state: State = 'awaiting-start';
  let clientDone = false;
  let spec: CallSpec | null = null;
  /** The customer's pseudonym under the tenant's previous key, while rotating (else ''): on the start only. */
  let previousCustomerRef = '';
  /**
   * The start record waits for the stream's first frame, whose audio time says where this leg of
   * the call starts (a call resumed after a transfer goes on where it left off): the call store
   * files the new agent's leg from there. Sent at the end or hand-over when no frame came.
   */
  let startPending = false;
  /**
   * When CallStart came (this gateway's clock): the start record's producedAtMs even though it
   * leaves at the first frame. The call store dates the start by it ("announced at"): a call whose
   * customer is erased after it is forgotten (erased-customers.ts), and a start without a frame
   * bounds its leg by it (store/legs.ts). Stamped at the first frame, a call started before an
   * erasure whose audio began after it was kept, and a transfer ended before its first frame got
   * a leg from the call's end.
   */
  let announcedAtMs = 0;
  let analysed = false;
  /**
   * Downstream knows the call (its started event went out: analytics at its start, or at the start
   * of the dropped stream it resumes): its consent changes and its end go out too.
   */
  let announced = false;
  const batchers = new Map<Channel, ChannelBatcher>();
  const timers = new Map<Channel, NodeJS.Timeout>();
  let framesAccepted = 0;
  let framesSinceAck = 0;
  let log = logger;
  let entry: LiveCall | null = null;
  let pace: StreamPace | null = null;
  /**
   * Where a resume of a dropped stream this gateway remembers goes on (0 for a new call): the
   * audio time of a consent change or a leg start before this stream's first frame.
   */
  let resumedAtMs = 0;
  let resumed = false;
  // The live-call registry and its idle sweep only know calls that started: without this
  // deadline an authenticated stream that never sends CallStart would hold its socket forever.
  const startDeadline = setTimeout(() => {
    if (state === 'awaiting-start') {
      fail(new IngestError('CALL_START_TIMEOUT', `no CallStart within ${settings.callStartTimeoutMs} ms`));
    }
  }, settings.callStartTimeoutMs);
  startDeadline.unref();

  const counts = () => {
    let gaps = 0;
    let framesMissing = 0;
    for (const batcher of batchers.values()) {
      gaps += batcher.stats.gaps;
      framesMissing += batcher.stats.framesMissing;
    }
    return { gaps, framesMissing };
  };

  const ack = (ackState: AckState): void => {
    if (!spec) return;
    framesSinceAck = 0;
    deps.writeAck({ callId: spec.callId, state: ackState, framesAccepted, ...counts() });
  };

  /** Frames the batchers kept, all channels (repeats and late frames are dropped there). */
  const keptFrames = (): number => {
    let kept = 0;
    for (const batcher of batchers.values()) kept += batcher.stats.frames;
    return kept;
  };

  const reachedAudioMs = (): number =>
    Math.max(resumedAtMs, ...[...batchers.values()].map((b) => b.audioMs()));
  /** The furthest audio time of the call's channels other than `channel` (asked at a gap only). */
  /**
   * How far a gap of `channel` may be filled to meet the call's other channels (asked at a gap
   * only): their furthest audio time, but no further than this channel may go within the pace
   * limit and ALIGN_FILL_MAX_MS. A channel's timeline may start anywhere up to a day on (a resumed
   * call's first frame): unbounded, two frames made the gateway build 691 MB of silence (review).
   */
  const furthestOtherMs = (channel: Channel): number => {
    let furthest = 0;
    for (const [other, batcher] of batchers)
      if (other !== channel) furthest = Math.max(furthest, batcher.audioMs());
    const own = batchers.get(channel)?.audioMs() ?? 0;
    return Math.min(furthest, own + Math.min(ALIGN_FILL_MAX_MS, pace?.room(channel, now()) ?? Infinity));
  };

  const chunkRecord = (chunk: AudioChunk): OutRecord =>
    outRecord(settings.topics.audio, audioChunkCodec, callKey(chunk.tenant, chunk.callId), chunk);

  /**
   * One call event. `legStartMs`: a start's leg position (pendingStart); `changeAudioMs`: where a
   * consent change takes effect (a resume's is where the dropped stream reached).
   */
  const callEvent = (
    type: CallEventType,
    endReason = '',
    at: { legStartMs?: number | null; changeAudioMs?: number } = {},
  ): OutRecord => {
    const legStartMs = at.legStartMs ?? null;
    const changeAudioMs = at.changeAudioMs ?? reachedAudioMs();
    const current = spec as CallSpec;
    const suffix = type === 'consent-changed' ? consentEventSuffix(current.consent) : `call:${type}`;
    const event: CallEvent = {
      eventId: tenantEventId(current.tenant, `${current.callId}:${suffix}`),
      callId: current.callId,
      type,
      tenant: current.tenant,
      agentId: current.agentId,
      queue: current.queue,
      team: current.team,
      customerRef: current.customerRef,
      // The start is what the store relinks on (and what a replay or a hand-over sends again).
      ...(type === 'started' && previousCustomerRef !== '' ? { previousCustomerRef } : {}),
      ...(type === 'started' && current.previousCallId !== ''
        ? { previousCallId: current.previousCallId }
        : {}),
      ...(type === 'started' && legStartMs !== null
        ? { legStartAudioMs: legStartMs, legStartKnown: true }
        : {}),
      startTimeMs: current.startTimeMs,
      endTimeMs: type === 'ended' ? now() : 0,
      codec: current.codec,
      sampleRateHz: current.sampleRateHz,
      channels: current.channels,
      consent: current.consent,
      endReason,
      framesAccepted,
      gaps: counts().gaps,
      audioDurationMs: reachedAudioMs(),
      producedAtMs: type === 'started' ? announcedAtMs : now(),
      ...(type === 'consent-changed' ? { consentAudioMs: changeAudioMs } : {}),
    };
    return outRecord(settings.topics.calls, callEventCodec, callKey(current.tenant, current.callId), event);
  };

  /** Sends records; a broker failure ends the call with UNAVAILABLE. */
  const send = (records: OutRecord[]): Promise<boolean> =>
    sink.send(callKey((spec as CallSpec).tenant, (spec as CallSpec).callId), records).then(
      () => true,
      () => {
        if (state === 'live') fail(new IngestError('BROKER_UNAVAILABLE', 'the event broker is unavailable'));
        return false;
      },
    );

  const sendChunk = (chunk: AudioChunk): void => {
    const firstArrival = chunk.firstReceivedAtMs;
    void send([chunkRecord(chunk)]).then((ok) => {
      if (ok) metrics.chunkDelaySeconds.observe((now() - firstArrival) / 1000);
    });
  };

  const flushChannel = (channel: Channel): void => {
    timers.delete(channel);
    const chunk = batchers.get(channel)?.flush(now(), false);
    if (chunk) sendChunk(chunk);
  };

  const armTimer = (channel: Channel, batcher: ChannelBatcher): void => {
    const oldest = batcher.oldestMs();
    if (oldest === null || timers.has(channel)) return;
    const delay = Math.max(0, settings.batchMaxDelayMs - (now() - oldest));
    timers.set(channel, setTimeout(flushChannel, delay, channel));
  };

  const clearTimers = (): void => {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  };

  /** Audio duration of `bytes` carrying `channels` interleaved channels of the call. */
  const frameMs = (bytes: number, channels: number): number => {
    const current = spec as CallSpec;
    return (bytes / bytesPerSample(current.codec) / channels / current.sampleRateHz) * 1000;
  };

  const release = (handedOver = false): void => {
    if (spec) deps.liveCalls.release(spec.tenant, spec.callId, handedOver);
    metrics.liveCalls.set(deps.liveCalls.size());
  };

  /** Every channel's buffered audio as chunk records (`final`: the call's last ones). */
  const flushAll = (final: boolean): OutRecord[] => {
    const records: OutRecord[] = [];
    // Analytics withdrawn: the batchers sent their final chunks then, and keep only the timeline.
    if (!analysed) return records;
    for (const batcher of batchers.values()) {
      const chunk = batcher.flush(now(), final);
      if (chunk) records.push(chunkRecord(chunk));
    }
    return records;
  };

  /**
   * Where a leg whose stream sent no frame starts: a resume this gateway remembers goes on where
   * its dropped stream reached; otherwise unknown (a new call, or a resume from another gateway).
   */
  const unplacedLegMs = (): number | null => (resumed ? resumedAtMs : null);

  /** The start record while it still waits for a first frame (then none): `legStartMs` null = no frame came. */
  const pendingStart = (legStartMs: number | null): OutRecord[] => {
    if (!startPending) return [];
    startPending = false;
    return [callEvent('started', '', { legStartMs })];
  };

  /** Flushes what is buffered with final markers and the ended event; resolves when acked. */
  const finish = async (reason: string): Promise<boolean> => {
    state = 'ending';
    heldTimeline.stop();
    clearTimers();
    if (!announced) return true;
    return send([...pendingStart(unplacedLegMs()), ...flushAll(true), callEvent('ended', reason)]);
  };

  /**
   * Sends what is buffered WITHOUT final markers or the ended event: the call is not over, its
   * client resumes it on another gateway (README: UNAVAILABLE is retried with the same call id and
   * the audio time where it left off). Final markers here made the dsp-worker ignore the resumed
   * audio. A client that never comes back is ended downstream by its idle timeouts.
   */
  const handOver = async (): Promise<boolean> => {
    state = 'ending';
    heldTimeline.stop();
    clearTimers();
    const records = [...pendingStart(unplacedLegMs()), ...flushAll(false)];
    return records.length === 0 ? true : send(records);
  };

  const fail = (error: IngestError): void => {
    clearTimeout(startDeadline);
    if (state === 'ended') return;
    const wasLive = state === 'live';
    // A late frame or a second CallEnd while CallEnd's flush is in flight: that flush releases the
    // call once acknowledged. Releasing it here as well freed its audio partition before the
    // flush's records were placed, which placed the call again for good (a leaked place).
    const flushing = state === 'ending';
    metrics.errors.inc({ code: error.code });
    log.warn('call rejected', { code: error.code, status: error.status, reason: error.message });
    // UNAVAILABLE (shutting down, broker unavailable) asks the client to retry elsewhere.
    const resumable = deps.resumesElsewhere === true && error.status === 'UNAVAILABLE';
    const done = !wasLive ? Promise.resolve(true) : resumable ? handOver() : finish(error.code.toLowerCase());
    if (wasLive) metrics.calls.inc({ outcome: resumable ? 'handed_over' : 'failed' });
    state = 'ended';
    if (!flushing) void done.finally(() => release(wasLive && resumable));
    deps.close(error);
  };

  const start = (raw: RawCallStart): void => {
    if (state !== 'awaiting-start')
      throw new IngestError('DUPLICATE_CALL_START', 'CallStart was already received');
    const validated = validateCallStart(raw, deps.tenant, now());
    // A resume may not give back what the dropped stream withdrew (where this gateway still
    // knows it; elsewhere the services downstream keep the narrowest consent they saw).
    const dropped = deps.droppedCall?.(validated.tenant, validated.callId) ?? null;
    const resumeStep = dropped ? consentStep(dropped.consent, validated.consent) : 'same';
    refuseWhileBrokerDown(sink, settings.brokerOutage);
    // The customer reference leaves in clear nowhere: only its keyed pseudonym (customer-ref.ts).
    const refKeys = settings.customerRefKeys.get(validated.tenant);
    if (validated.customerRef !== '' && refKeys === undefined)
      throw new IngestError('INTERNAL_ERROR', 'no customer-reference key for this tenant');
    const pseudonyms = callPseudonyms(
      refKeys ?? { current: '', previous: null },
      validated.tenant,
      validated.customerRef,
    );
    const current: CallSpec = { ...validated, customerRef: pseudonyms.customerRef };
    previousCustomerRef = pseudonyms.previousCustomerRef;
    clearTimeout(startDeadline);
    const claimed: LiveCall = {
      tenant: current.tenant,
      callId: current.callId,
      lastActivityMs: now(),
      terminate: (error) => {
        if (clientDone && state === 'live') end('client-closed');
        // Already ending (CallEnd or a hang-up; a second sweep of an outage): its final records
        // are queued and it gets its ENDED once they are in; telling it to retry elsewhere would
        // resume a call that has ended.
        else if (state !== 'ending') fail(error);
      },
    };
    deps.liveCalls.claim(claimed);
    entry = claimed;
    spec = current;
    state = 'live';
    metrics.calls.inc({ outcome: 'started' });
    pace = createStreamPace(settings.pace, paceClockStart(current.startTimeMs, now()));
    analysed = current.consent.analytics;
    // A resume of an announced call is that call downstream: its end goes out, and a consent it
    // narrows is announced as a change at the audio time the dropped stream reached.
    announced = analysed || dropped?.announced === true;
    resumed = dropped !== null;
    resumedAtMs = dropped?.audioMs ?? 0;
    metrics.liveCalls.set(deps.liveCalls.size());
    log = logger.child({ callId: current.callId, tenant: current.tenant });
    log.info('call started', {
      codec: current.codec,
      sampleRateHz: current.sampleRateHz,
      analytics: analysed,
    });
    if (analysed) {
      for (const channel of current.channels) {
        batchers.set(
          channel,
          createChannelBatcher({
            callId: current.callId,
            tenant: current.tenant,
            channel,
            codec: current.codec,
            sampleRateHz: current.sampleRateHz,
            maxChunkMs: settings.maxChunkMs,
            maxGapFillMs: settings.maxGapFillMs,
            otherChannelsMs: () => furthestOtherMs(channel),
            agentLeg: agentLegOf(current),
          }),
        );
      }
      startPending = true;
      announcedAtMs = now();
    }
    // The started event waits for the first frame (pendingStart); a consent the resume narrows is
    // announced now, at the audio time the dropped stream reached.
    if (dropped?.announced && resumeStep === 'narrowed') {
      // Analytics withdrawn by the resume: the dropped stream was handed over without final
      // chunks, so each channel's final marker goes now (at the audio time reached), as a
      // ConsentChange sends it: the dsp-worker closes the call and drops any later audio of it.
      const finals: OutRecord[] =
        dropped.consent.analytics && !current.consent.analytics
          ? current.channels.map((channel) =>
              chunkRecord({
                callId: current.callId,
                tenant: current.tenant,
                channel,
                codec: current.codec,
                sampleRateHz: current.sampleRateHz,
                firstSequence: 0,
                lastSequence: 0,
                audioStartMs: dropped.audioMs,
                audioEndMs: dropped.audioMs,
                payload: new Uint8Array(0),
                firstReceivedAtMs: now(),
                receivedAtMs: now(),
                final: true,
                chunkIndex: 0,
                onHold: false,
              }),
            )
          : [];
      void send([...finals, callEvent('consent-changed', '', { changeAudioMs: dropped.audioMs })]);
    }
    ack(analysed ? 'CALL_STATE_ACTIVE' : 'CALL_STATE_NOT_ANALYSED');
  };

  /** One channel's audio of a frame into its batcher; sends the chunk it completes. */
  const addToChannel = (channel: Channel, payload: Uint8Array, raw: RawAudioFrame): void => {
    const batcher = batchers.get(channel) as ChannelBatcher;
    const gapsBefore = batcher.stats.gaps;
    const audioBefore = batcher.audioMs();
    const first = batcher.stats.frames === 0;
    const chunks = batcher.add(payload, raw.sequence, now(), raw.audioTimeMs);
    if (batcher.stats.gaps !== gapsBefore) {
      metrics.gaps.inc();
      // Filled silence is audio sent downstream too: gaps must not lift the pace limit. (The
      // first frame's timeline offset is not audio received, so only later frames count.)
      if (!first) pace?.add(channel, batcher.audioMs() - audioBefore - frameMs(payload.byteLength, 1));
    }
    if (chunks.length > 0) {
      clearTimeout(timers.get(channel));
      timers.delete(channel);
      for (const chunk of chunks) sendChunk(chunk);
    }
    armTimer(channel, batcher);
  };

  const frame = (raw: RawAudioFrame): void => {
    if (state === 'awaiting-start')
      throw new IngestError('MISSING_CALL_START', 'the first message must be CallStart');
    if (state !== 'live') throw new IngestError('FRAME_AFTER_END', 'audio after CallEnd');
    const current = spec as CallSpec;
    const channel = validateFrame(raw, current, settings.maxFrameBytes);
    const frames = channel === null ? current.channels.length : 1;
    const audioMs = frameMs(raw.payload.byteLength, frames);
    heldTimeline.frameArrived();
    for (const c of channel === null ? current.channels : [channel]) {
      pace?.check(c, audioMs, now());
      pace?.add(c, audioMs);
    }
    metrics.frames.inc(frames);
    if (startPending) void send(pendingStart(raw.audioTimeMs));
    const keptBefore = keptFrames();
    if (analysed && channel !== null) addToChannel(channel, raw.payload, raw);
    else if (analysed) {
      const parts = deinterleave(raw.payload, frames, bytesPerSample(current.codec));
      current.channels.forEach((c, k) => addToChannel(c, parts[k], raw));
    }
    if (analysed) heldTimeline.place(reachedAudioMs());
    // Accepted = kept: a repeated or late frame the batcher dropped is not (acks told the client
    // otherwise). A call without analytics keeps nothing and counts what it was sent.
    const accepted = analysed ? keptFrames() - keptBefore : frames;
    framesAccepted += accepted;
    framesSinceAck += frames;
    if (framesSinceAck >= settings.ackEveryFrames)
      ack(analysed ? 'CALL_STATE_ACTIVE' : 'CALL_STATE_NOT_ANALYSED');
  };

  /** CallHold (call-hold.ts): a chunk a hold change closed leaves at once. */
  const callHold = createCallHold({
    batchers,
    logger: () => log,
    audioMs: reachedAudioMs,
    nowMs: now,
    closed: (channel, chunk) => {
      clearTimeout(timers.get(channel));
      timers.delete(channel);
      sendChunk(chunk);
    },
  });
  /** A frameless hold keeps the call alive and its timeline moving (held-timeline.ts). */
  const heldTimeline = createHeldTimeline({
    maxHoldMs: settings.maxHoldMs ?? DEFAULT_HOLD_MAX_MS,
    batchers,
    nowMs: now,
    analysed: () => analysed,
    fillLimitMs: (channel) => {
      const own = batchers.get(channel)?.audioMs() ?? 0;
      return own + Math.min(ALIGN_FILL_MAX_MS, pace?.room(channel, now()) ?? Infinity);
    },
    filled: (channel, chunks) => {
      clearTimeout(timers.get(channel));
      timers.delete(channel);
      for (const chunk of chunks) {
        // Filled silence is audio sent downstream, as a gap's: it does not lift the pace limit.
        pace?.add(channel, chunk.audioEndMs - chunk.audioStartMs);
        sendChunk(chunk);
      }
      armTimer(channel, batchers.get(channel) as ChannelBatcher);
    },
    tooLong: (error) => fail(error),
  });
  const setOnHold = (onHold: boolean): void => {
    if (state === 'awaiting-start')
      throw new IngestError('MISSING_CALL_START', 'the first message must be CallStart');
    if (state !== 'live') throw new IngestError('FRAME_AFTER_END', 'CallHold after CallEnd');
    if (!callHold.set(onHold)) return;
    if (onHold)
      heldTimeline.start(
        reachedAudioMs(),
        [...batchers.values()].some((b) => b.nextSequence() !== null),
      );
    else heldTimeline.stop();
    if (entry) entry.onCallHold = onHold;
  };

  /**
   * A ConsentChange: the same consent changes nothing; a narrower one goes downstream as a
   * consent-changed event at the audio time reached. Analytics withdrawn: what the batchers hold
   * is flushed with each channel's final chunk first (the dsp-worker closes the call and drops
   * any later audio of it), and nothing after leaves the gateway.
   */
  const changeConsent = (raw: RawConsent): void => {
    if (state === 'awaiting-start')
      throw new IngestError('MISSING_CALL_START', 'the first message must be CallStart');
    if (state !== 'live') throw new IngestError('FRAME_AFTER_END', 'ConsentChange after CallEnd');
    const current = spec as CallSpec;
    const next = consentOf(raw);
    if (consentStep(current.consent, next) === 'same') {
      ack(analysed ? 'CALL_STATE_ACTIVE' : 'CALL_STATE_NOT_ANALYSED');
      return;
    }
    current.consent = next;
    metrics.consentChanges.inc({ analytics: String(next.analytics) });
    log.info('consent narrowed', { ...next });
    if (announced && next.analytics) {
      // Analytics kept: the audio and its batching go on (timers included), and a start still
      // waiting for its first frame keeps waiting, so it still says where this leg starts.
      void send([callEvent('consent-changed')]);
    } else if (announced) {
      clearTimers();
      const records = flushAll(true);
      analysed = false;
      // No frame will place a start still pending: a new call's leg starts at 0, a resume's where
      // it goes on; a stream resumed from another gateway cannot tell (unknown).
      void send([...pendingStart(unplacedLegMs()), ...records, callEvent('consent-changed')]);
    }
    ack(analysed ? 'CALL_STATE_ACTIVE' : 'CALL_STATE_NOT_ANALYSED');
  };

  const end = (reason: string): void => {
    if (state === 'awaiting-start')
      throw new IngestError('MISSING_CALL_START', 'the first message must be CallStart');
    if (state !== 'live') throw new IngestError('FRAME_AFTER_END', 'CallEnd was already received');
    void finish(validateEndReason(reason) || 'hangup').then((ok) => {
      state = 'ended';
      release();
      metrics.calls.inc({ outcome: ok ? 'ended' : 'lost' });
      if (!ok) {
        metrics.errors.inc({ code: 'BROKER_UNAVAILABLE' });
        deps.close(new IngestError('BROKER_UNAVAILABLE', 'the event broker is unavailable'));
        return;
      }
      log.info('call ended', { framesAccepted, ...counts() });
      ack('CALL_STATE_ENDED');
      deps.close();
    });
  };

  return {
    callId: () => spec?.callId ?? null,
    resumeState: () => (spec ? { consent: { ...spec.consent }, announced, audioMs: reachedAudioMs() } : null),
    state: () => state,
    audioMs: reachedAudioMs,
    nextSequence: () => Math.max(0, ...[...batchers.values()].map((b) => b.nextSequence() ?? 0)),
    handle(message) {
      if (state === 'ended') return;
      if (entry) entry.lastActivityMs = now();
      try {
        if (message.message === 'start' && message.start) start(message.start);
        else if (message.message === 'frame' && message.frame) frame(message.frame);
        else if (message.message === 'end') end(message.end?.reason ?? '');
        else if (message.message === 'hold') setOnHold(message.hold?.onHold === true);
        else if (message.message === 'consentChange') changeConsent(message.consentChange?.consent ?? null);
        else throw new IngestError('BAD_FRAME', 'empty CallAudio message');
      } catch (error) {
        if (!(error instanceof IngestError)) log.error('unexpected error', { error });
        fail(error instanceof IngestError ? error : new IngestError('INTERNAL_ERROR', 'internal error'));
      }
    },
    reject: (error) => fail(error),
    hold(held) {
      heldTimeline.pause(held);
      if (!entry) return;
      entry.held = held;
      entry.lastActivityMs = now();
    },
    clientDone() {
      clientDone = true;
    },
    drop(reason) {
      clearTimeout(startDeadline);
      if (state !== 'live') return false;
      log.info('stream dropped', { reason });
      metrics.calls.inc({ outcome: 'handed_over' });
      if (entry) entry.handingOver = true;
      const flushed = handOver();
      state = 'ended';
      void flushed.finally(() => release(true));
      return true;
    },
    abandon(reason) {
      clearTimeout(startDeadline);
      if (state !== 'live') return;
      log.info('call abandoned', { reason });
      metrics.calls.inc({ outcome: 'abandoned' });
      void finish(reason).finally(release);
      state = 'ended';
    },
  };
}
