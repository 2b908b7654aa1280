// Batches one channel's frames into AudioChunk records: keeps the channel's audio timeline from
// sample counts (starting at the first frame's audio time), counts sequence gaps and fills them with codec silence (so audio time stays
// exact downstream), drops duplicate or late frames, and marks each chunk on hold or not (a hold
// change closes the chunk: none straddles it), each with the stream's agent-leg marker. A held or
// silent leg is filled with silence on the caller's timer (fillHold, fillSilent). Pure: the caller
// owns timers and sending.
import type { Channel } from '../../pipelines/dsp/types.ts';
import type { AudioChunk, WireCodec } from '../shared/records.ts';
import { silenceBlock } from './silence.ts';
import { bytesPerSample } from './validate.ts';

export interface ChannelBatcherOptions {
  callId: string;
  tenant: string;
  channel: Channel;
  codec: WireCodec;
  sampleRateHz: number;
  /** A chunk holds at most this much audio (faster-than-real-time clients). */
  maxChunkMs: number;
  /**
   * Silence inserted for one gap at most, unless the call's other channels are further on: then
   * up to where they are. A longer outage of every channel shifts later audio earlier, all alike.
   */
  maxGapFillMs: number;
  /**
   * Audio time the call's other channels have reached, as far as this channel may follow (asked
   * only at a gap; the caller bounds it by the pace limit). A 12 s outage of the customer's leg
   * alone, filled only 5 s, put the customer 7 s early against the agent for the rest of the call:
   * 18 false overtalks and an overtalk alert on a calm call (telephony probe).
   */
  otherChannelsMs?: () => number;
  /** The stream's agent-leg marker (agent-leg.ts) on every chunk; absent = 0, unknown. */
  agentLeg?: number;
}

export interface ChannelStats {
  frames: number;
  gaps: number;
  framesMissing: number;
  duplicates: number;
  /** Frames that came in slots a silent leg's fill took (placed after it, not dropped): fillSilent. */
  resequenced: number;
}

export interface ChannelBatcher {
  /**
   * Adds a validated frame; returns the chunks it fills to the size cap (usually none or one; a
   * long gap's silence is cut into chunks of the cap too). The first frame's `audioTimeMs` starts
   * the channel's timeline (0 for a new call; later for a call resumed on another gateway), after
   * which audio time follows the sample count.
   */
  add(payload: Uint8Array, sequence: number, nowMs: number, audioTimeMs?: number): readonly AudioChunk[];
  /** Chunk of everything buffered (or an empty final marker); null when nothing to send. */
  flush(nowMs: number, final: boolean): AudioChunk | null;
  /**
   * Puts the channel on hold or off it from its current audio time: what is buffered leaves first,
   * in the state it was sent in (returned, null when nothing was buffered or the state is unchanged).
   */
  setOnHold(onHold: boolean, nowMs: number): AudioChunk | null;
  /**
   * A frameless hold (DTX through it): on-hold silence in whole frames of the channel's last
   * frame size up to `toMs`, each taking the sequence slot its frame would have had, so a frame
   * the client sends after the hold fills only what is still missing and one already covered
   * counts as a repeat (dropped). Nothing before the channel's first frame (no timeline yet) or
   * off hold. Returns the chunks it completes.
   */
  fillHold(toMs: number, nowMs: number): readonly AudioChunk[];
  /**
   * A silent leg off hold (one-way audio: its RTP broken or dropped by a NAT, silent-legs.ts):
   * plain silence up to `toMs`, in whole frames taking their sequence slots as fillHold's. A
   * channel with no frame yet starts its timeline at `startMs` (where the stream's first frame
   * went) and is filled in 20 ms steps without sequence slots: its first frame then goes at its
   * own audio time (silence up to it) or, when that is already covered, right after the fill.
   */
  fillSilent(toMs: number, nowMs: number, startMs: number): readonly AudioChunk[];
  onHold(): boolean;
  /** Wall clock of the oldest buffered frame, or null when empty. */
  oldestMs(): number | null;
  audioMs(): number;
  /** The sequence the next frame is expected to carry (null before the first frame). */
  nextSequence(): number | null;
  readonly stats: ChannelStats;
}

/** What add() returns when it completes no chunk: one shared empty list, no allocation per frame. */
const NO_CHUNKS: readonly AudioChunk[] = [];

/** The step a channel with no frame yet is filled in (fillSilent): a usual RTP packet's audio. */
const UNPLACED_STEP_MS = 20;

/** Half the uint32 range: a sequence this far or further "ahead" is behind (RFC 1982). */
const SERIAL_HALF = 2 ** 31;

export function createChannelBatcher(options: ChannelBatcherOptions): ChannelBatcher {
  const sampleBytes = bytesPerSample(options.codec);
  const bytesPerMs = (options.sampleRateHz * sampleBytes) / 1000;
  const maxChunkBytes = Math.max(sampleBytes, Math.round(options.maxChunkMs * bytesPerMs));
  const maxGapBytes = Math.round(options.maxGapFillMs * bytesPerMs);
  const parts: Uint8Array[] = [];
  const stats: ChannelStats = { frames: 0, gaps: 0, framesMissing: 0, duplicates: 0, resequenced: 0 };
  let bufferedBytes = 0;
  let totalBytes = 0; // bytes of audio already in chunks: the timeline
  let expected: number | null = null;
  let lastFrameBytes = 0;
  let firstSequence = 0;
  let lastSequence = 0;
  let firstArrival: number | null = null;
  let lastArrival = 0;
  let chunkIndex = 0;
  let onHold = false;
  /**
   * The channel was on hold at some time since its last frame: a sequence gap then (DTX while on
   * hold: no frames until after the call is off hold again) is hold, not the silence of whichever
   * state the frame ending it comes in.
   */
  let heldSinceFrame = false;
  /** Silence filled before the channel's first frame (fillSilent): the first frame goes after it. */
  let filledUnplaced = false;
  /**
   * The first sequence slot fillSilent took since the channel's latest frame (null: none). A frame
   * in those slots cannot repeat one the channel sent: it is a frame later than the fill's lag, or
   * a client numbering by packet through DTX. It goes right after the fill, and the channel's
   * sequences are shifted by as much from then on (`sequenceShift`), rather than its audio dropped.
   */
  let silentSlotsFrom: number | null = null;
  let sequenceShift = 0;

  const toMs = (bytes: number): number => (bytes / sampleBytes / options.sampleRateHz) * 1000;
  const bytesAt = (ms: number): number => Math.round((ms * options.sampleRateHz) / 1000) * sampleBytes;
  /** How far the call's other channels are ahead of this one (asked at a gap), bytes. */
  const behindOthers = (): number =>
    options.otherChannelsMs ? bytesAt(options.otherChannelsMs()) - (totalBytes + bufferedBytes) : 0;

  /** Appends `bytes` of codec silence at `sequence`, cut at the chunk cap into `out`. */
  const pushSilence = (bytes: number, sequence: number, nowMs: number, out: AudioChunk[]): void => {
    // Cut at the chunk cap like audio: one record of a long fill outgrew the broker's largest
    // message (a 40 s outage at 16 kHz LINEAR16 is 1.28 MB) and its audio was lost (review).
    while (bytes > 0) {
      if (firstArrival === null) {
        firstArrival = nowMs;
        firstSequence = sequence;
      }
      const piece = Math.min(bytes, Math.max(sampleBytes, maxChunkBytes - bufferedBytes));
      parts.push(silenceBlock(options.codec, piece));
      bufferedBytes += piece;
      bytes -= piece;
      if (bufferedBytes >= maxChunkBytes) out.push(flush(nowMs, false) as AudioChunk);
    }
  };

  /** Silence in whole frames of the last frame's size up to `toMs`, each in its frame's sequence slot. */
  const fillFrames = (toMs: number, nowMs: number): readonly AudioChunk[] => {
    if (expected === null || lastFrameBytes === 0) return NO_CHUNKS;
    const frames = Math.floor((bytesAt(toMs) - (totalBytes + bufferedBytes)) / lastFrameBytes);
    if (frames <= 0) return NO_CHUNKS;
    const out: AudioChunk[] = [];
    pushSilence(frames * lastFrameBytes, expected, nowMs, out);
    lastSequence = (expected + frames - 1) >>> 0;
    expected = (expected + frames) >>> 0;
    return out;
  };

  const flush = (nowMs: number, final: boolean): AudioChunk | null => {
    if (bufferedBytes === 0 && !final) return null;
    const payload = Buffer.allocUnsafe(bufferedBytes);
    let at = 0;
    for (const part of parts) {
      payload.set(part, at);
      at += part.byteLength;
    }
    parts.length = 0;
    const chunk: AudioChunk = {
      callId: options.callId,
      channel: options.channel,
      codec: options.codec,
      sampleRateHz: options.sampleRateHz,
      firstSequence: bufferedBytes === 0 ? lastSequence : firstSequence,
      lastSequence,
      audioStartMs: toMs(totalBytes),
      audioEndMs: toMs(totalBytes + bufferedBytes),
      payload,
      firstReceivedAtMs: firstArrival ?? nowMs,
      receivedAtMs: bufferedBytes === 0 ? nowMs : lastArrival,
      final,
      tenant: options.tenant,
      chunkIndex,
      onHold,
      agentLeg: options.agentLeg ?? 0,
    };
    chunkIndex += 1;
    totalBytes += bufferedBytes;
    bufferedBytes = 0;
    firstArrival = null;
    return chunk;
  };

  return {
    stats,
    oldestMs: () => firstArrival,
    audioMs: () => toMs(totalBytes + bufferedBytes),
    nextSequence: () => expected,
    flush,
    onHold: () => onHold,
    setOnHold(next, nowMs) {
      if (next === onHold) return null;
      const before = flush(nowMs, false);
      onHold = next;
      if (next) heldSinceFrame = true;
      return before;
    },
    fillHold(toMs, nowMs) {
      if (!onHold) return NO_CHUNKS;
      return fillFrames(toMs, nowMs);
    },
    fillSilent(toMs, nowMs, startMs) {
      if (onHold) return NO_CHUNKS;
      if (expected !== null) {
        const from = expected;
        const out = fillFrames(toMs, nowMs);
        if (expected !== from) silentSlotsFrom ??= from;
        return out;
      }
      if (!filledUnplaced) {
        totalBytes = bytesAt(startMs);
        filledUnplaced = true;
      }
      const step = bytesAt(UNPLACED_STEP_MS);
      const steps = Math.floor((bytesAt(toMs) - (totalBytes + bufferedBytes)) / step);
      if (steps <= 0) return NO_CHUNKS;
      const out: AudioChunk[] = [];
      pushSilence(steps * step, 0, nowMs, out);
      return out;
    },
    add(payload, clientSequence, nowMs, audioTimeMs = 0) {
      let out: AudioChunk[] | null = null;
      let sequence = (clientSequence + sequenceShift) >>> 0;
      if (
        silentSlotsFrom !== null &&
        expected !== null &&
        (sequence - silentSlotsFrom) >>> 0 < (expected - silentSlotsFrom) >>> 0
      ) {
        sequenceShift = (sequenceShift + ((expected - sequence) >>> 0)) >>> 0;
        sequence = expected;
        stats.resequenced += 1;
      }
      if (expected === null && filledUnplaced) {
        // Silence went before this first frame: it goes at its audio time if the fill has not
        // reached it (bounded as a gap's fill), else straight after the fill.
        const behind = bytesAt(audioTimeMs) - (totalBytes + bufferedBytes);
        if (behind > 0)
          pushSilence(Math.min(behind, Math.max(maxGapBytes, behindOthers())), sequence, nowMs, (out = []));
      } else if (expected === null && audioTimeMs > 0) totalBytes = bytesAt(audioTimeMs);
      // Sequences are uint32 and may start anywhere (ingest.proto), so they wrap: compare them as
      // serial numbers (RFC 1982), where 0 follows 4294967295 and half the range ahead is "later".
      const ahead = expected === null ? 0 : (sequence - expected) >>> 0;
      if (ahead >= SERIAL_HALF) {
        stats.duplicates += 1;
        return NO_CHUNKS;
      }
      if (ahead > 0) {
        const missing = ahead;
        stats.gaps += 1;
        stats.framesMissing += missing;
        const fill = Math.min(missing * lastFrameBytes, Math.max(maxGapBytes, behindOthers()));
        // Off hold now, on hold during the gap: the fill goes out on hold, in chunks of its own.
        const frameHold = onHold;
        if (heldSinceFrame && !onHold) {
          const before = flush(nowMs, false);
          if (before) (out ??= []).push(before);
          onHold = true;
        }
        pushSilence(fill, sequence, nowMs, (out ??= []));
        if (onHold !== frameHold) {
          const held = flush(nowMs, false);
          if (held) (out ??= []).push(held);
          onHold = frameHold;
        }
      }
      heldSinceFrame = onHold;
      silentSlotsFrom = null;
      if (firstArrival === null) {
        firstArrival = nowMs;
        firstSequence = sequence;
      }
      parts.push(payload);
      bufferedBytes += payload.byteLength;
      lastFrameBytes = payload.byteLength;
      lastSequence = sequence;
      lastArrival = nowMs;
      expected = (sequence + 1) >>> 0;
      stats.frames += 1;
      if (bufferedBytes >= maxChunkBytes) (out ??= []).push(flush(nowMs, false) as AudioChunk);
      return out ?? NO_CHUNKS;
    },
  };
}
