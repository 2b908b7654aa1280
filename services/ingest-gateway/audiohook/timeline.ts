// One conversation's audio timeline across its AudioHook sessions: places each binary frame
// (its start in samples on the conversation's timeline, its length) as the gateway's frame
// sequence, the way a gRPC client numbers frames, so the session's batcher does the rest exactly
// as for gRPC: contiguous frames get consecutive sequence numbers; audio the client did not send
// (a pause, a discard, a reconnect that skipped audio) becomes skipped sequence numbers, which
// the batcher fills with µ-law silence (a gap, up to MAX_GAP_FILL_MS) in whole frames of the
// last frame's size, as it would for a gRPC client's missing frames; audio sent twice (a
// reconnect that resent what the old session had delivered) is trimmed or dropped. Pure.

export interface Placement {
  sequence: number;
  /** Audio time of the (trimmed) frame: where the first frame starts the call's timeline. */
  audioTimeMs: number;
  /** Leading samples (per channel) of the frame already received: to be cut off. */
  trimSamples: number;
}

export interface ConversationTimeline {
  /** Null when every sample of the frame was already received (a duplicate). */
  place(startSample: number, samples: number): Placement | null;
  /** Timeline sample after the last one received; null before the first frame. */
  endSample(): number | null;
}

export function createConversationTimeline(sampleRateHz: number): ConversationTimeline {
  let end: number | null = null;
  let sequence = -1;
  let lastFrameSamples = 0;
  const ms = (sample: number): number => (sample * 1000) / sampleRateHz;
  return {
    endSample: () => end,
    place(startSample, samples) {
      if (end === null) {
        end = startSample + samples;
        sequence = 0;
        lastFrameSamples = samples;
        return { sequence, audioTimeMs: ms(startSample), trimSamples: 0 };
      }
      if (startSample + samples <= end) return null;
      let trimSamples = 0;
      let skipped = 0;
      if (startSample < end) trimSamples = end - startSample;
      // A gap of less than half a frame is jitter in the client's accounting, not lost audio.
      else if (startSample - end >= lastFrameSamples / 2)
        skipped = Math.max(1, Math.round((startSample - end) / lastFrameSamples));
      sequence += 1 + skipped;
      const from = startSample + trimSamples;
      end = startSample + samples;
      lastFrameSamples = samples - trimSamples;
      return { sequence, audioTimeMs: ms(from), trimSamples };
    },
  };
}
