// One call's channels on their way out: a batcher per declared channel (channel-batcher.ts), each
// with a flush timer bounded by batchMaxDelayMs, the chunks they complete sent as va.audio.v1
// records (and timed: va_ingest_chunk_delay_seconds), gaps counted and charged to the pace limit,
// and a gap's fill bounded to meet the other channels. I/O: only through the injected send and
// timers.
import type { Channel } from '../../pipelines/dsp/types.ts';
import { callKey } from '../shared/call-key.ts';
import { outRecord, type OutRecord } from '../shared/producer.ts';
import { audioChunkCodec, type AudioChunk } from '../shared/records.ts';
import { agentLegOf } from './agent-leg.ts';
import type { SessionSettings } from './call-session-types.ts';
import { createChannelBatcher, type ChannelBatcher } from './channel-batcher.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { StreamPace } from './stream-pace.ts';
import type { CallSpec, RawAudioFrame } from './validate.ts';

/** Longest silence one gap is filled with to meet the call's other channel (a one-leg outage). */
export const ALIGN_FILL_MAX_MS = 120_000;

export interface CallChannelsDeps {
  settings: Pick<SessionSettings, 'batchMaxDelayMs' | 'maxChunkMs' | 'maxGapFillMs' | 'topics'>;
  metrics: Pick<GatewayMetrics, 'gaps' | 'chunkDelaySeconds'>;
  now: () => number;
  /** The session's monotonic clock: the pace limit's room is measured on it. */
  monotonicNow: () => number;
  /** Sends records; false when the broker failed them (the session ends the call). */
  send: (records: OutRecord[]) => Promise<boolean>;
  /** The call's real-time rate limit (null before CallStart). */
  pace: () => StreamPace | null;
  /** Whether audio leaves the gateway (analytics on, not withdrawn). */
  analysed: () => boolean;
  /** Where a resume of a dropped stream goes on (0 for a new call): the reached audio time's floor. */
  resumedAtMs: () => number;
  /** Audio duration of `bytes` carrying `channels` interleaved channels of the call. */
  frameMs: (bytes: number, channels: number) => number;
}

export interface CallChannels {
  /** The batchers by channel (empty for a call without analytics), shared with hold handling. */
  readonly batchers: ReadonlyMap<Channel, ChannelBatcher>;
  /** A batcher for each of the call's channels (a call with analytics, at its start). */
  open(current: CallSpec): void;
  /** One channel's audio of a frame into its batcher; sends the chunk it completes. */
  add(channel: Channel, payload: Uint8Array, raw: RawAudioFrame): void;
  /** A chunk a hold change closed: it leaves at once. */
  closed(channel: Channel, chunk: AudioChunk): void;
  /** Chunks of on-hold silence a frameless hold filled: they leave at once, charged to the pace. */
  filled(channel: Channel, chunks: readonly AudioChunk[]): void;
  /** How far a frameless hold may fill `channel` now (as a gap's fill). */
  fillLimitMs(channel: Channel): number;
  /** Every channel's buffered audio as chunk records (`final`: the call's last ones). */
  flushAll(final: boolean): OutRecord[];
  clearTimers(): void;
  chunkRecord(chunk: AudioChunk): OutRecord;
  counts(): { gaps: number; framesMissing: number };
  /** Frames the batchers kept, all channels (repeats and late frames are dropped there). */
  keptFrames(): number;
  /** Audio time the call has reached (its longest channel), ms. */
  reachedAudioMs(): number;
  /** The sequence the call's channels expect next (the furthest; 0 before any frame). */
  nextSequence(): number;
}

export function createCallChannels(deps: CallChannelsDeps): CallChannels {
  const { settings, metrics, now, send, frameMs } = deps;
  const batchers = new Map<Channel, ChannelBatcher>();
  const timers = new Map<Channel, NodeJS.Timeout>();

  const counts = () => {
    let gaps = 0;
    let framesMissing = 0;
    for (const batcher of batchers.values()) {
      gaps += batcher.stats.gaps;
      framesMissing += batcher.stats.framesMissing;
    }
    return { gaps, framesMissing };
  };

  const keptFrames = (): number => {
    let kept = 0;
    for (const batcher of batchers.values()) kept += batcher.stats.frames;
    return kept;
  };

  const reachedAudioMs = (): number =>
    Math.max(deps.resumedAtMs(), ...[...batchers.values()].map((b) => b.audioMs()));

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
    return Math.min(
      furthest,
      own + Math.min(ALIGN_FILL_MAX_MS, deps.pace()?.room(channel, deps.monotonicNow()) ?? Infinity),
    );
  };

  const chunkRecord = (chunk: AudioChunk): OutRecord =>
    outRecord(settings.topics.audio, audioChunkCodec, callKey(chunk.tenant, chunk.callId), chunk);

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

  return {
    batchers,
    chunkRecord,
    counts,
    keptFrames,
    reachedAudioMs,
    clearTimers,
    nextSequence: () => Math.max(0, ...[...batchers.values()].map((b) => b.nextSequence() ?? 0)),
    open(current) {
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
    },
    add(channel, payload, raw) {
      const batcher = batchers.get(channel) as ChannelBatcher;
      const gapsBefore = batcher.stats.gaps;
      const audioBefore = batcher.audioMs();
      const first = batcher.stats.frames === 0;
      const chunks = batcher.add(payload, raw.sequence, now(), raw.audioTimeMs);
      if (batcher.stats.gaps !== gapsBefore) {
        metrics.gaps.inc();
        // Filled silence is audio sent downstream too: gaps must not lift the pace limit. (The
        // first frame's timeline offset is not audio received, so only later frames count.)
        if (!first)
          deps.pace()?.add(channel, batcher.audioMs() - audioBefore - frameMs(payload.byteLength, 1));
      }
      if (chunks.length > 0) {
        clearTimeout(timers.get(channel));
        timers.delete(channel);
        for (const chunk of chunks) sendChunk(chunk);
      }
      armTimer(channel, batcher);
    },
    closed(channel, chunk) {
      clearTimeout(timers.get(channel));
      timers.delete(channel);
      sendChunk(chunk);
    },
    filled(channel, chunks) {
      clearTimeout(timers.get(channel));
      timers.delete(channel);
      for (const chunk of chunks) {
        // Filled silence is audio sent downstream, as a gap's: it does not lift the pace limit.
        deps.pace()?.add(channel, chunk.audioEndMs - chunk.audioStartMs);
        sendChunk(chunk);
      }
      armTimer(channel, batchers.get(channel) as ChannelBatcher);
    },
    fillLimitMs(channel) {
      const own = batchers.get(channel)?.audioMs() ?? 0;
      return own + Math.min(ALIGN_FILL_MAX_MS, deps.pace()?.room(channel, deps.monotonicNow()) ?? Infinity);
    },
    flushAll(final) {
      const records: OutRecord[] = [];
      // Analytics withdrawn: the batchers sent their final chunks then, and keep only the timeline.
      if (!deps.analysed()) return records;
      for (const batcher of batchers.values()) {
        const chunk = batcher.flush(now(), final);
        if (chunk) records.push(chunkRecord(chunk));
      }
      return records;
    },
  };
}
