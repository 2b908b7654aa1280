// One call's stream through the gateway: CallStart -> frames -> CallEnd as a small state machine.
// Validates each message, batches audio per channel (call-channels.ts: timer bounded by
// batchMaxDelayMs), sends AudioChunk and CallEvent (call-event.ts) records through the sink, and
// answers acks. A CallStart is checked in call-start.ts. Consent analytics=false: acknowledged,
// nothing forwarded; a ConsentChange narrows it mid-call (consent-change.ts). The types the
// adapters use are in call-session-types.ts. I/O: only through the injected sink, ack writer and
// timers.
import { callKey } from '../shared/call-key.ts';
import type { OutRecord } from '../shared/producer.ts';
import type { CallEventType } from '../shared/records.ts';
import { createCallChannels } from './call-channels.ts';
import { callEventRecord } from './call-event.ts';
import { createCallHold } from './call-hold.ts';
import type { AckState, CallSession, SessionDeps, SessionState } from './call-session-types.ts';
import { acceptCallStart, resumeFinalChunks } from './call-start.ts';
import { afterAnnounced } from './handover-consent.ts';
import { createHeldAcks } from './held-acks.ts';
import { createHeldTimeline, DEFAULT_HOLD_MAX_MS } from './held-timeline.ts';
import { createLegStart } from './leg-start.ts';
import { createSilentLegs } from './silent-legs.ts';
import { consentOf, consentStep, type RawConsent } from './consent-change.ts';
import { deinterleave } from './deinterleave.ts';
import { IngestError } from './errors.ts';
import type { LiveCall } from './live-calls.ts';
import { createStreamPace, paceClockStart, type StreamPace } from './stream-pace.ts';
import {
  bytesPerSample,
  validateEndReason,
  validateFrame,
  type CallSpec,
  type RawAudioFrame,
  type RawCallStart,
} from './validate.ts';

export type {
  AckState,
  CallSession,
  DroppedCall,
  IngestAckOut,
  RawCallAudio,
  SessionDeps,
  SessionSettings,
  SessionState,
} from './call-session-types.ts';

export { ALIGN_FILL_MAX_MS } from './call-channels.ts';

type State = SessionState;

export function createCallSession(deps: SessionDeps): CallSession {
  const { settings, sink, metrics, logger } = deps;
  const now = deps.now ?? Date.now;
  const monotonicNow = deps.monotonicNow ?? (() => performance.now());
  let state: State = 'awaiting-start';
  let clientDone = false;
  let spec: CallSpec | null = null;
  /** The customer's pseudonym under the tenant's previous key, while rotating (else ''): on the start only. */
  let previousCustomerRef = '';
  let analysed = false;
  /**
   * Downstream knows the call (its started event went out: analytics at its start, or at the start
   * of the dropped stream it resumes): its consent changes and its end go out too.
   */
  let announced = false;
  let framesAccepted = 0;
  let framesSinceAck = 0;
  /**
   * The last consent-changed event sent, until the broker acknowledged it: a hand-over tells its
   * client to move only after it, so the gateway it resumes on reads the change (consent-feed.ts).
   */
  let consentAnnounced: Promise<boolean> | null = null;
  let log = logger;
  let entry: LiveCall | null = null;
  let pace: StreamPace | null = null;
  // The live-call registry and its idle sweep only know calls that started: without this
  // deadline an authenticated stream that never sends CallStart would hold its socket forever.
  const startDeadline = setTimeout(() => {
    if (state === 'awaiting-start') {
      fail(new IngestError('CALL_START_TIMEOUT', `no CallStart within ${settings.callStartTimeoutMs} ms`));
    }
  }, settings.callStartTimeoutMs);
  startDeadline.unref();

  /** The call's batchers, flush timers and chunk sends (call-channels.ts). */
  const channels = createCallChannels({
    settings,
    metrics,
    now,
    monotonicNow,
    send: (records) => send(records),
    pace: () => pace,
    analysed: () => analysed,
    resumedAtMs: () => legStart.resumedAtMs(),
    frameMs: (bytes, count) => frameMs(bytes, count),
  });
  const { batchers, counts, keptFrames, reachedAudioMs, chunkRecord, clearTimers, flushAll } = channels;

  /** Acks wait for a consent change the broker has not acknowledged yet (held-acks.ts). */
  const heldAcks = createHeldAcks(deps.writeAck);
  const ack = (ackState: AckState): void => {
    if (!spec) return;
    framesSinceAck = 0;
    heldAcks.write({ callId: spec.callId, state: ackState, framesAccepted, ...counts() });
  };

  /** One call event (call-event.ts) from what the session knows now. */
  const callEvent = (
    type: CallEventType,
    endReason = '',
    at: { legStartMs?: number | null; changeAudioMs?: number } = {},
  ): OutRecord =>
    callEventRecord(
      {
        topic: settings.topics.calls,
        spec: spec as CallSpec,
        previousCustomerRef,
        announcedAtMs: legStart.announcedAtMs(),
        framesAccepted,
        gaps: counts().gaps,
        reachedAudioMs: reachedAudioMs(),
        now,
      },
      type,
      endReason,
      at,
    );

  /** Sends records; a broker failure ends the call with UNAVAILABLE. */
  const send = (records: OutRecord[]): Promise<boolean> =>
    sink.send(callKey((spec as CallSpec).tenant, (spec as CallSpec).callId), records).then(
      () => true,
      () => {
        if (state === 'live') fail(new IngestError('BROKER_UNAVAILABLE', 'the event broker is unavailable'));
        return false;
      },
    );

  /** Sends a consent change's records: a hand-over's status and every ack wait for them. */
  const announceConsent = (records: OutRecord[]): void => {
    consentAnnounced = send(records);
    heldAcks.holdUntil(consentAnnounced);
  };

  /** Audio duration of `bytes` carrying `channels` interleaved channels of the call. */
  const frameMs = (bytes: number, channelCount: number): number => {
    const current = spec as CallSpec;
    return (bytes / bytesPerSample(current.codec) / channelCount / current.sampleRateHz) * 1000;
  };

  const release = (handedOver = false): void => {
    if (spec) deps.liveCalls.release(spec.tenant, spec.callId, handedOver);
    metrics.liveCalls.set(deps.liveCalls.size());
  };

  /** Where this stream's leg starts and when its started event leaves (leg-start.ts). */
  const legStart = createLegStart((legStartMs) => callEvent('started', '', { legStartMs }));

  /** Flushes what is buffered with final markers and the ended event; resolves when acked. */
  const finish = async (reason: string): Promise<boolean> => {
    state = 'ending';
    heldTimeline.stop();
    silentLegs.stop();
    clearTimers();
    if (!announced) return true;
    return send([...legStart.take(legStart.unplacedLegMs()), ...flushAll(true), callEvent('ended', reason)]);
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
    silentLegs.stop();
    clearTimers();
    const records = [...legStart.take(legStart.unplacedLegMs()), ...flushAll(false)];
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
    // The held acks first (they wait on every change, not only the last): then the status.
    if (wasLive && resumable && consentAnnounced)
      void afterAnnounced(heldAcks.pending() ?? consentAnnounced, () => deps.close(error));
    else deps.close(error);
  };

  const start = (raw: RawCallStart): void => {
    if (state !== 'awaiting-start')
      throw new IngestError('DUPLICATE_CALL_START', 'CallStart was already received');
    const accepted = acceptCallStart(raw, deps, now);
    const { spec: current, dropped, resumeStep } = accepted;
    previousCustomerRef = accepted.previousCustomerRef;
    clearTimeout(startDeadline);
    const claimed: LiveCall = {
      tenant: current.tenant,
      callId: current.callId,
      lastActivityMs: monotonicNow(),
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
    // Backdated on the wall clock (the client's start time is one), then run on the monotonic one.
    const wallNow = now();
    pace = createStreamPace(
      settings.pace,
      monotonicNow() - (wallNow - paceClockStart(current.startTimeMs, wallNow)),
    );
    analysed = current.consent.analytics;
    // A resume of an announced call is that call downstream: its end goes out, and a consent it
    // narrows is announced as a change at the audio time the dropped stream reached.
    announced = analysed || dropped?.announced === true;
    legStart.resume(dropped);
    metrics.liveCalls.set(deps.liveCalls.size());
    log = logger.child({ callId: current.callId, tenant: current.tenant });
    log.info('call started', {
      codec: current.codec,
      sampleRateHz: current.sampleRateHz,
      analytics: analysed,
    });
    if (analysed) {
      channels.open(current);
      silentLegs.start();
      legStart.announce(now());
    }
    // The started event waits for the first frame (leg-start.ts); a consent the resume narrows is
    // announced now, at the audio time the dropped stream reached.
    if (dropped?.announced && resumeStep === 'narrowed') {
      // Analytics withdrawn by the resume: each channel's final marker goes now (call-start.ts).
      const finals = resumeFinalChunks(current, dropped, now).map(chunkRecord);
      announceConsent([...finals, callEvent('consent-changed', '', { changeAudioMs: dropped.audioMs })]);
    }
    ack(analysed ? 'CALL_STATE_ACTIVE' : 'CALL_STATE_NOT_ANALYSED');
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
      pace?.check(c, audioMs, monotonicNow());
      pace?.add(c, audioMs);
      silentLegs.frame(c, raw.audioTimeMs);
    }
    metrics.frames.inc(frames);
    if (legStart.pending()) void send(legStart.take(raw.audioTimeMs));
    const keptBefore = keptFrames();
    if (analysed && channel !== null) channels.add(channel, raw.payload, raw);
    else if (analysed) {
      const parts = deinterleave(raw.payload, frames, bytesPerSample(current.codec));
      current.channels.forEach((c, k) => channels.add(c, parts[k], raw));
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
    closed: channels.closed,
  });
  /** A frameless hold keeps the call alive and its timeline moving (held-timeline.ts). */
  const heldTimeline = createHeldTimeline({
    maxHoldMs: settings.maxHoldMs ?? DEFAULT_HOLD_MAX_MS,
    batchers,
    nowMs: now,
    monotonicNowMs: monotonicNow,
    analysed: () => analysed,
    fillLimitMs: channels.fillLimitMs,
    filled: channels.filled,
    tooLong: (error) => fail(error),
  });
  /** A leg sending nothing off hold (one-way audio) is filled with silence (silent-legs.ts). */
  const silentLegs = createSilentLegs({
    batchers,
    nowMs: now,
    monotonicNowMs: monotonicNow,
    analysed: () => analysed,
    onHold: callHold.onHold,
    fillLimitMs: channels.fillLimitMs,
    filled: channels.filled,
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
      announceConsent([callEvent('consent-changed')]);
    } else if (announced) {
      clearTimers();
      const records = flushAll(true);
      analysed = false;
      // No frame will place a start still pending: a new call's leg starts at 0, a resume's where
      // it goes on; a stream resumed from another gateway cannot tell (unknown).
      announceConsent([...legStart.take(legStart.unplacedLegMs()), ...records, callEvent('consent-changed')]);
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
      // Held acks (a consent change acknowledged with this end) go out before the status.
      heldAcks.settled(() => deps.close());
    });
  };

  return {
    callId: () => spec?.callId ?? null,
    resumeState: () => (spec ? { consent: { ...spec.consent }, announced, audioMs: reachedAudioMs() } : null),
    state: () => state,
    audioMs: reachedAudioMs,
    nextSequence: channels.nextSequence,
    handle(message) {
      if (state === 'ended') return;
      if (entry) entry.lastActivityMs = monotonicNow();
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
      silentLegs.pause(held);
      if (!entry) return;
      entry.held = held;
      entry.lastActivityMs = monotonicNow();
    },
    clientDone() {
      clientDone = true;
    },
    startHeld() {
      clearTimeout(startDeadline);
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
