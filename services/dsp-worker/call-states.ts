// The dsp-worker's per-call state: call key (`${tenant}/${callId}`, services/shared/call-key.ts;
// named `callId` below) → CallAnalyzer (pipelines/dsp), freed at call end, after an idle timeout and
// on partition revocation, bounded in number. Window indices come from audio time, so a worker that
// replays from the last committed offset regenerates the same window ids.
// It also says which offset of a partition is safe to commit. Pure, no I/O.
import { CodedError } from '../../pipelines/errors.ts';
import type { AudioFormat, Channel, DynamicsWindow, SpeakerWindow } from '../../pipelines/dsp/types.ts';
import { AudioTimeError, ChannelCursor, msToSamples } from './audio-cursor.ts';
import { OffsetLedger } from './offset-ledger.ts';
import { AgentLegSpans } from './agent-leg-spans.ts';
import { gatewayElapsedMs, knownClockMs, maxAudioJumpMs } from '../shared/audio-pace.ts';

/** Read-only, as the analyzer's (pipelines/dsp CallOutput: often one shared, frozen output). */
export interface CallOutputLike {
  readonly windows: readonly { channel: Channel; window: SpeakerWindow }[];
  readonly dynamics: readonly DynamicsWindow[];
}

export interface CallAnalyzerLike {
  push(channel: Channel, chunk: Uint8Array, onHold?: boolean): CallOutputLike;
  flush(): CallOutputLike;
  /** Where the customer's current unheard run began (pipelines/dsp/line-watch.ts), ms; null: none. */
  lineQuietFromMs?(): number | null;
}

export type AnalyzerFactory = (format: AudioFormat) => CallAnalyzerLike;

export class CallStateError extends CodedError<
  'CALL_LIMIT_EXCEEDED' | 'FORMAT_CHANGED' | 'AUDIO_TIME_JUMP'
> {}

/**
 * Audio the analyzer's state reaches back over, near enough: the voice-activity detector's noise
 * floor is the minimum over the last 4 s of frames (pipelines/dsp/vad.ts, Martin 2001), and the
 * voicing decision's reference peak halves every 4 s (pipelines/dsp/frame-analyzer.ts), so after
 * 20 s a peak weighs 3 % of what it did; the music gate (pipelines/dsp/music-gate.ts) looks back
 * 5 s, though its hysteresis can keep a replayed gate's decision from matching the uninterrupted
 * one (0.35 % of music frames in a review's probe). Started cold after a restart, a steady sound
 * read as speech for several windows (a probe: 10 windows of a tone, and the emotion events with
 * them).
 */
const ANALYZER_HISTORY_MS = 20_000;

/**
 * How far back, at most, the commit is held for the line watch (pipelines/dsp/line-watch.ts): a
 * replay from before the customer's current unheard run rebuilds a fault in progress; started
 * after it, the fault was lost for the 20 s and three unanswered pauses the watch needs again.
 */
export const LINE_REPLAY_MAX_MS = 300_000;

export interface CallStatesOptions {
  createAnalyzer: AnalyzerFactory;
  /** Window hop of the analyzer (ms): window i starts at i × windowHopMs of audio time. */
  windowHopMs: number;
  /** A call with no record for this long (wall clock) is flushed and freed. */
  idleTimeoutMs: number;
  /** Most calls held at once by this worker. */
  maxCalls: number;
  /** Longest gap in one channel's audio filled with silence; after a longer jump the analysis restarts. */
  maxGapMs: number;
  /** How many ended call ids are remembered, so late records of an ended call are ignored. */
  endedMemory?: number;
}

/** The windows one step completed, already stamped with call-relative indices and times. */
export interface CallWindows {
  callId: string;
  /** `agentLeg`: the agent leg of the window's newest audio (agent-leg-spans.ts; 0 = unknown). */
  windows: { channel: Channel; window: SpeakerWindow; agentLeg: number }[];
  dynamics: DynamicsWindow[];
}

interface CallState {
  readonly callId: string;
  readonly partition: number;
  readonly format: AudioFormat;
  readonly analyzer: CallAnalyzerLike;
  /** Audio time where this analyzer started (a multiple of the hop), and its window offset. */
  readonly originMs: number;
  readonly baseIndex: number;
  readonly cursors: Partial<Record<Channel, ChannelCursor>>;
  /** Where each agent leg starts on each channel's timeline (AudioChunk.agent_leg). */
  readonly legs: Record<Channel, AgentLegSpans>;
  readonly ledger: OffsetLedger;
  /** Next window index not yet emitted, per speaker and for dynamics. */
  nextIndex: Record<Channel | 'dynamics', number>;
  /** The idle clock (push's `seenMs`) of the call's latest record. */
  lastSeenMs: number;
  /** Channels whose last record (the gateway's `final` chunk) arrived. */
  readonly finals: Set<Channel>;
  /** Latest gateway wall clock of the call's records (0 = unknown). */
  lastReceivedMs: number;
}

export interface AudioRecord {
  partition: number;
  offset: number;
  callId: string;
  channel: Channel;
  /** Audio time of the record's first sample, ms since call start. */
  startMs: number;
  /** Wall clock at the gateway of the record's first and last frame (AudioChunk), when known. */
  receivedFirstMs?: number;
  receivedLastMs?: number;
  format: AudioFormat;
  payload: Uint8Array;
  /** The call was on hold for all of this record (AudioChunk.on_hold); absent = not. */
  onHold?: boolean;
  /** The record's agent leg (AudioChunk.agent_leg, a digest); absent or 0 = unknown. */
  agentLeg?: number;
}

const CHANNELS: readonly Channel[] = ['agent', 'customer'];
/** Audio time beyond a day is a corrupt record, not a call. */
const MAX_AUDIO_TIME_MS = 24 * 3600 * 1000;

export class CallStates {
  private readonly options: CallStatesOptions;
  private readonly calls = new Map<string, CallState>();
  /** Ended calls (call key → partition), oldest first: their late records are ignored. */
  private readonly ended = new Map<string, number>();

  constructor(options: CallStatesOptions) {
    this.options = options;
  }

  get size(): number {
    return this.calls.size;
  }

  /** The longest gap in a channel's audio filled with silence; a longer jump restarts the call. */
  get fillableGapMs(): number {
    return this.options.maxGapMs;
  }

  has(callId: string): boolean {
    return this.calls.has(callId);
  }

  /**
   * Pushes one audio record; returns the windows it completed (none for stale records). `nowMs`
   * is the wall clock (judged against the gateway's); `seenMs` the idle clock `idleCalls` reads,
   * monotonic in the worker (feature-processor.ts), `nowMs` when not given.
   */
  push(record: AudioRecord, nowMs: number, seenMs: number = nowMs): CallWindows {
    if (!(record.startMs >= 0 && record.startMs <= MAX_AUDIO_TIME_MS)) {
      throw new AudioTimeError(`audio time ${record.startMs} ms is outside 0..${MAX_AUDIO_TIME_MS}`);
    }
    const out: CallWindows = { callId: record.callId, windows: [], dynamics: [] };
    let state = this.stateFor(record, seenMs);
    if (state === null) return out;
    if (
      state.format.codec !== record.format.codec ||
      state.format.sampleRateHz !== record.format.sampleRateHz
    ) {
      throw new CallStateError('FORMAT_CHANGED', 'the call changed its audio format mid-call');
    }
    const held = state.cursors[record.channel];
    // The call's audio now comes from another partition: it resumed on another gateway replica,
    // whose call-balanced partitioner placed it elsewhere (services/ingest-gateway/audio-placement.ts).
    // Handled as a jump: one state never mixes two partitions' offsets, so each partition's commit
    // and revocation only concern its own records.
    const moved = state.partition !== record.partition;
    const jumpMs = held === undefined ? 0 : record.startMs - held.endMs;
    // A resumed stream may jump as far as the gateway's clock allows (services/shared/audio-pace.ts).
    if (!moved && jumpMs > this.options.maxGapMs) {
      const wallMs = gatewayElapsedMs(state.lastReceivedMs, record.receivedFirstMs, nowMs);
      if (jumpMs > maxAudioJumpMs(wallMs, this.options.maxGapMs))
        throw new CallStateError(
          'AUDIO_TIME_JUMP',
          `audio jumps ${jumpMs} ms ahead of the call ${wallMs} ms after its previous chunk at the gateway`,
        );
    }
    if (moved || jumpMs > this.options.maxGapMs) {
      // A jump too long to fill with silence (e.g. the call resumed on another gateway after an
      // outage): finish the windows so far and start again on the grid; ids stay audio-time based.
      this.collect(state, state.analyzer.flush(), out);
      this.calls.delete(record.callId);
      state = this.stateFor(record, seenMs) as CallState;
    }
    state.lastSeenMs = seenMs;
    state.lastReceivedMs = Math.max(
      state.lastReceivedMs,
      knownClockMs(record.receivedLastMs ?? record.receivedFirstMs, nowMs),
    );
    let cursor = state.cursors[record.channel];
    if (cursor === undefined) {
      // A channel's first record may start up to a hop (plus batching skew) after the origin.
      const maxGapMs = Math.max(this.options.maxGapMs, 2 * this.options.windowHopMs);
      cursor = new ChannelCursor(state.format, msToSamples(state.originMs, state.format), maxGapMs);
      state.cursors[record.channel] = cursor;
    }
    // Silence padding a gap before the record is the record's leg too (as its hold state, below).
    const legFromMs = cursor.endMs;
    const piece = cursor.align(record.startMs, record.payload);
    if (piece === null) return out;
    state.legs[record.channel].mark(legFromMs, record.agentLeg);
    state.ledger.add(record.channel, record.offset, cursor.endMs);
    // Silence padding a gap before the record takes the record's hold state (the gateway fills its
    // own gaps the same way: ingest.proto, CallHold).
    const onHold = record.onHold === true;
    for (let i = 0; i < piece.silence.length; i++)
      this.collect(state, state.analyzer.push(record.channel, piece.silence[i], onHold), out);
    if (piece.audio.byteLength > 0)
      this.collect(state, state.analyzer.push(record.channel, piece.audio, onHold), out);
    this.trimLedger(state);
    return out;
  }

  /** Notes a channel's final record; true once every channel that sent audio has ended. */
  markFinal(callId: string, channel: Channel): boolean {
    const state = this.calls.get(callId);
    if (state === undefined) return false;
    state.finals.add(channel);
    return CHANNELS.every((ch) => state.cursors[ch] === undefined || state.finals.has(ch));
  }

  /** Partition of a held call and the first offset it still needs (null when none). */
  describe(callId: string): { partition: number; neededOffset: number | null } | null {
    const state = this.calls.get(callId);
    return state === undefined
      ? null
      : { partition: state.partition, neededOffset: state.ledger.oldestOffset() };
  }

  /** Ends a call: flushes its last partial windows and frees its state. */
  end(callId: string): CallWindows {
    const state = this.calls.get(callId);
    const out: CallWindows = { callId, windows: [], dynamics: [] };
    this.rememberEnded(callId, state?.partition ?? -1);
    if (state === undefined) return out;
    this.collect(state, state.analyzer.flush(), out);
    this.calls.delete(callId);
    return out;
  }

  /**
   * Calls with no record for idleTimeoutMs on the idle clock (push's `seenMs`): free them with
   * `end` once their output is produced.
   */
  idleCalls(seenMs: number): string[] {
    const idle: string[] = [];
    for (const state of this.calls.values()) {
      if (seenMs - state.lastSeenMs >= this.options.idleTimeoutMs) idle.push(state.callId);
    }
    return idle;
  }

  /**
   * Drops every call of revoked partitions without output: the next owner replays them. Ended calls
   * of those partitions are forgotten too: the replay from the commit may be this worker's own (a
   * failed produce, a rejoin) and must rebuild a call whose end was in the outputs never produced.
   */
  dropPartitions(partitions: readonly number[]): number {
    let dropped = 0;
    for (const state of [...this.calls.values()]) {
      if (partitions.includes(state.partition)) {
        this.calls.delete(state.callId);
        dropped += 1;
      }
    }
    for (const [callId, partition] of [...this.ended])
      if (partitions.includes(partition)) this.ended.delete(callId);
    return dropped;
  }

  /**
   * The offset safe to commit on `partition` once everything before `nextOffset` is processed and
   * its output produced: never past the first record still holding audio of an unfinished window,
   * so a replay from it rebuilds every active call's state and repeats windows with the same ids.
   */
  safeCommitOffset(partition: number, nextOffset: number): number {
    let safe = nextOffset;
    for (const state of this.calls.values()) {
      if (state.partition !== partition) continue;
      const needed = state.ledger.oldestOffset();
      if (needed !== null && needed < safe) safe = needed;
    }
    return safe;
  }

  private stateFor(record: AudioRecord, seenMs: number): CallState | null {
    const existing = this.calls.get(record.callId);
    if (existing !== undefined) return existing;
    if (this.ended.has(record.callId)) return null;
    if (this.calls.size >= this.options.maxCalls) {
      throw new CallStateError('CALL_LIMIT_EXCEEDED', `this worker already holds ${this.calls.size} calls`);
    }
    // Start on the window grid at or before the first audio seen: after a restart that is at or
    // before the earliest unfinished window, whose audio the committed offset still covers.
    const hop = this.options.windowHopMs;
    const originMs = Math.max(0, Math.floor(record.startMs / hop) * hop);
    const baseIndex = originMs / hop;
    const state: CallState = {
      callId: record.callId,
      partition: record.partition,
      format: { ...record.format },
      analyzer: this.options.createAnalyzer(record.format),
      originMs,
      baseIndex,
      cursors: {},
      legs: { agent: new AgentLegSpans(), customer: new AgentLegSpans() },
      lastReceivedMs: 0,
      ledger: new OffsetLedger(),
      nextIndex: { agent: baseIndex, customer: baseIndex, dynamics: baseIndex },
      lastSeenMs: seenMs,
      finals: new Set(),
    };
    this.calls.set(record.callId, state);
    return state;
  }

  // Indexed loops, not for-of: nearly every push completes nothing, and an iterator per call was
  // the worker's garbage per record.
  private collect(state: CallState, output: CallOutputLike, out: CallWindows): void {
    for (let i = 0; i < output.windows.length; i++) {
      const { channel, window } = output.windows[i];
      const stamped = this.stamp(state, window);
      state.nextIndex[channel] = stamped.windowIndex + 1;
      const agentLeg = state.legs[channel].legOfWindowEnding(stamped.endMs);
      out.windows.push({ channel, window: stamped, agentLeg });
    }
    for (let i = 0; i < output.dynamics.length; i++) {
      const stamped = this.stamp(state, output.dynamics[i]);
      state.nextIndex.dynamics = stamped.windowIndex + 1;
      out.dynamics.push(stamped);
    }
  }

  /** Analyzer-relative index and times → call-relative ones. */
  private stamp<T extends { windowIndex: number; startMs: number; endMs: number }>(
    state: CallState,
    w: T,
  ): T {
    if (state.baseIndex === 0) return w;
    return {
      ...w,
      windowIndex: w.windowIndex + state.baseIndex,
      startMs: w.startMs + state.originMs,
      endMs: w.endMs + state.originMs,
    };
  }

  /**
   * Forgets records whose audio ends more than ANALYZER_HISTORY_MS before the earliest window
   * still to be emitted: a replay from the held commit feeds the analyzer that much audio first,
   * so the windows it emits are computed (almost) as an uninterrupted run computes them.
   */
  private trimLedger(state: CallState): void {
    // Only speakers that sent audio hold windows back; dynamics need both of them.
    let earliest = Number.POSITIVE_INFINITY;
    let speakers = 0;
    for (let i = 0; i < CHANNELS.length; i++) {
      const channel = CHANNELS[i];
      if (state.cursors[channel] === undefined) continue;
      earliest = Math.min(earliest, state.nextIndex[channel]);
      speakers += 1;
    }
    if (speakers === CHANNELS.length) earliest = Math.min(earliest, state.nextIndex.dynamics);
    if (!Number.isFinite(earliest)) return;
    const from = earliest * this.options.windowHopMs;
    let keep = from - ANALYZER_HISTORY_MS;
    const quiet = state.analyzer.lineQuietFromMs?.() ?? null;
    if (quiet !== null)
      keep = Math.min(
        keep,
        Math.max(quiet + state.originMs - ANALYZER_HISTORY_MS, from - LINE_REPLAY_MAX_MS),
      );
    state.ledger.trimBefore(keep);
  }

  private rememberEnded(callId: string, partition: number): void {
    this.ended.set(callId, partition);
    const limit = this.options.endedMemory ?? 10_000;
    if (this.ended.size > limit) {
      const oldest = this.ended.keys().next().value;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
  }
}
