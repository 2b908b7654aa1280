// The emotion-classifier's per-speaker state: one EmotionTracker (pipelines/emotion, holding the
// speaker's baseline) per call and channel, freed right after its `final` window (call end) or after
// an idle timeout, dropped on revocation and rebuilt on assignment by replaying the call's feature
// windows from the committed offset, which never passes the first window of a call still held.
// `callId` here is the call's key (`${tenant}/${callId}`, services/shared/call-key.ts): calls of
// two tenants with the same client id never share a baseline. A transfer to another agent (the
// window's agent leg changes: pipelines/agent-leg.ts) gives the agent channel a new tracker, so the
// new voice warms up `uncertain` as at a call's start; the customer's tracker goes on. Pure, no I/O.
import { CodedError } from '../../pipelines/errors.ts';
import type { Channel, SpeakerWindow } from '../../pipelines/dsp/types.ts';
import type { EmotionEvent } from '../../pipelines/emotion/types.ts';
import { heldCommitOffset } from '../shared/offset-hold.ts';
import { windowJumpProblem } from '../shared/audio-pace.ts';
import { nextPlace, type WindowPlace } from '../../pipelines/window-place.ts';
import { agentLegAfter, isNewAgentLeg, UNKNOWN_AGENT_LEG } from '../../pipelines/agent-leg.ts';

export interface TrackerLike {
  push(window: SpeakerWindow): EmotionEvent;
}

export type TrackerFactory = (callId: string, channel: Channel) => TrackerLike;

export class SpeakerStateError extends CodedError<'CALL_LIMIT_EXCEEDED' | 'WINDOW_JUMP'> {
  constructor(message: string, code: 'CALL_LIMIT_EXCEEDED' | 'WINDOW_JUMP' = 'CALL_LIMIT_EXCEEDED') {
    super(code, message);
  }
}

export interface SpeakerTrackersOptions {
  createTracker: TrackerFactory;
  idleTimeoutMs: number;
  maxCalls: number;
  /** How far (records) a held commit may stay behind the consumed position (offset-hold.ts). */
  maxHoldRecords?: number;
  /** How many freed speakers to remember so late duplicates of their windows are dropped. */
  endedMemory?: number;
}

export interface FeatureRecord {
  partition: number;
  offset: number;
  callId: string;
  channel: Channel;
  window: SpeakerWindow;
  /** When the audio completing the window reached the gateway (0 = unknown). */
  arrivalMs?: number;
  /** The speaker's last window of the call: its tracker is freed once this is pushed. */
  final?: boolean;
  /** The agent leg of the window (FeatureWindow.agent_leg, a digest); absent or 0 = unknown. */
  agentLeg?: number;
}

export interface TrackedEvent {
  event: EmotionEvent;
  /** True while rebuilding state over records whose events were produced before (no need to resend). */
  replayed: boolean;
}

interface Speaker {
  tracker: TrackerLike;
  nextIndex: number;
  /** The last window pushed: where the next may be (services/shared/audio-pace.ts). */
  last: WindowPlace | null;
  /** The agent leg the tracker learnt its baseline in (agent channel; 0 = not known yet). */
  agentLeg: number;
}

interface CallSpeakers {
  readonly callId: string;
  readonly partition: number;
  /** First feature record of the call seen here: a replay from it rebuilds the baselines. */
  readonly firstOffset: number;
  readonly speakers: Partial<Record<Channel, Speaker>>;
  lastSeenMs: number;
}

export class SpeakerTrackers {
  private readonly options: SpeakerTrackersOptions;
  private readonly calls = new Map<string, CallSpeakers>();
  /** Per partition: records below this offset were processed (and produced) by an earlier owner. */
  private readonly replayUntil = new Map<number, number>();
  /** Speakers freed by their final window (`callId:channel` → partition), oldest first. */
  private readonly ended = new Map<string, number>();

  constructor(options: SpeakerTrackersOptions) {
    this.options = options;
  }

  get size(): number {
    return this.calls.size;
  }

  /** Called before a partition's first window after assignment with its replay mark (replay-marks.ts). */
  setReplayUntil(partition: number, offset: number): void {
    this.replayUntil.set(partition, offset);
  }

  /**
   * Feeds one window; null for a window this speaker already had (a duplicate from a replay).
   * `nowMs` is the wall clock (judged against the gateway's); `seenMs` the idle clock `idleCalls`
   * reads, monotonic in the service (emotion-processor.ts), `nowMs` when not given.
   */
  push(record: FeatureRecord, nowMs: number, seenMs: number = nowMs): TrackedEvent | null {
    const speakerKey = `${record.callId}:${record.channel}`;
    if (this.ended.has(speakerKey)) return null;
    let call = this.calls.get(record.callId);
    if (call === undefined) {
      if (this.calls.size >= this.options.maxCalls) {
        throw new SpeakerStateError(`this classifier already holds ${this.calls.size} calls`);
      }
      call = {
        callId: record.callId,
        partition: record.partition,
        firstOffset: record.offset,
        speakers: {},
        lastSeenMs: seenMs,
      };
      this.calls.set(record.callId, call);
    }
    call.lastSeenMs = seenMs;
    let speaker = call.speakers[record.channel];
    const newSpeaker = speaker === undefined;
    if (speaker === undefined) {
      speaker = {
        tracker: this.options.createTracker(record.callId, record.channel),
        nextIndex: 0,
        last: null,
        agentLeg: UNKNOWN_AGENT_LEG,
      };
      call.speakers[record.channel] = speaker;
    }
    // Windows of one speaker arrive in order; a lower index is a duplicate of one already used.
    if (record.window.windowIndex < speaker.nextIndex) return null;
    const place: WindowPlace = {
      windowIndex: record.window.windowIndex,
      startMs: record.window.startMs,
      arrivalMs: record.arrivalMs ?? 0,
    };
    let event: EmotionEvent;
    try {
      // A window far ahead of the speaker's last would make every later one a "duplicate": refused
      // (dead-lettered) without moving the speaker on.
      const jump = speaker.last && windowJumpProblem(speaker.last, place, nowMs);
      if (jump) throw new SpeakerStateError(jump, 'WINDOW_JUMP');
      // Another agent's voice: judged against its own calm start, never the first agent's. Taken
      // only once the window is (a refused one leaves the speaker as it was).
      const tracker =
        record.channel === 'agent' && isNewAgentLeg(speaker.agentLeg, record.agentLeg)
          ? this.options.createTracker(record.callId, record.channel)
          : speaker.tracker;
      event = tracker.push(record.window);
      speaker.tracker = tracker;
    } catch (error) {
      // A refused window (FEATURE_MISMATCH: dead-lettered) leaves no trace: a call it opened held
      // the partition's commit at it until the idle timeout, and counted as active.
      if (newSpeaker) delete call.speakers[record.channel];
      if (Object.keys(call.speakers).length === 0) this.calls.delete(record.callId);
      throw error;
    }
    speaker.nextIndex = record.window.windowIndex + 1;
    speaker.last = nextPlace(speaker.last, place);
    speaker.agentLeg = agentLegAfter(speaker.agentLeg, record.agentLeg);
    const until = this.replayUntil.get(record.partition);
    if (record.final === true) this.endSpeaker(call, record.channel, speakerKey);
    return { event, replayed: until !== undefined && record.offset < until };
  }

  partitionOf(callId: string): number | null {
    return this.calls.get(callId)?.partition ?? null;
  }

  /** Frees a call's speakers (call ended or idle). */
  end(callId: string): boolean {
    return this.calls.delete(callId);
  }

  idleCalls(seenMs: number): string[] {
    const idle: string[] = [];
    for (const call of this.calls.values()) {
      if (seenMs - call.lastSeenMs >= this.options.idleTimeoutMs) idle.push(call.callId);
    }
    return idle;
  }

  dropPartitions(partitions: readonly number[]): number {
    let dropped = 0;
    for (const call of [...this.calls.values()]) {
      if (partitions.includes(call.partition)) {
        this.calls.delete(call.callId);
        dropped += 1;
      }
    }
    for (const partition of partitions) this.replayUntil.delete(partition);
    // A new owner replays these partitions from their committed offset: let it rebuild everything.
    for (const [key, partition] of [...this.ended])
      if (partitions.includes(partition)) this.ended.delete(key);
    return dropped;
  }

  /**
   * Never commits past the first window of a call still held (its baselines are rebuilt from
   * there), nor more than `maxHoldRecords` behind: a longer call is rebuilt from the bound on.
   */
  safeCommitOffset(partition: number, nextOffset: number): number {
    let first: number | undefined;
    for (const call of this.calls.values()) {
      if (call.partition === partition && (first === undefined || call.firstOffset < first))
        first = call.firstOffset;
    }
    return heldCommitOffset(nextOffset, first, this.options.maxHoldRecords ?? Number.MAX_SAFE_INTEGER);
  }

  /**
   * Frees one speaker after its final window; the call goes once no speaker is left, so it stops
   * holding the commit back (its events are produced before the runner commits past them).
   */
  private endSpeaker(call: CallSpeakers, channel: Channel, key: string): void {
    delete call.speakers[channel];
    if (Object.keys(call.speakers).length === 0) this.calls.delete(call.callId);
    this.ended.set(key, call.partition);
    if (this.ended.size > (this.options.endedMemory ?? 10_000)) {
      const oldest = this.ended.keys().next().value;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
  }
}
