// Mapping between pipelines' SpeakerWindow / DynamicsWindow / EmotionEvent and the Kafka
// records: lossless through the codecs, deterministic ids, audio arrival interpolation.
import { describe, expect, it } from 'vitest';
import type { DynamicsWindow, SpeakerWindow } from '../../../../pipelines/dsp/types.ts';
import type { EmotionEvent } from '../../../../pipelines/emotion/types.ts';
import {
  audioArrivalMs,
  fromDynamicsWindowRecord,
  fromEmotionEventRecord,
  fromFeatureWindowRecord,
  toDynamicsWindowRecord,
  toEmotionEventRecord,
  toFeatureWindowRecord,
} from '../../../../services/shared/mapping.ts';
import {
  dynamicsWindowCodec,
  emotionEventCodec,
  featureWindowCodec,
  type AudioChunk,
} from '../../../../services/shared/records.ts';

const window: SpeakerWindow = {
  windowIndex: 7,
  startMs: 7000,
  endMs: 9000,
  speechFraction: 0.8,
  voicedFraction: 0.55,
  pace: { syllableRate: 4.2, articulationRate: 5.1, pauseRatio: 0.18, meanPauseMs: 240 },
  pitch: { medianHz: 210, medianSt: 35.1, meanSt: 35.4, stdSt: 2.2, rangeSt: 7.9, slopeStPerS: -0.4 },
  loudness: { meanDbfs: -24.5, stdDb: 5.5, peakDbfs: -6.1 },
  voiceQuality: {
    jitterPct: 1.2,
    shimmerPct: 4.4,
    shimmerDb: 0.4,
    hnrDb: 12.5,
    alphaRatioDb: -12,
    hammarbergDb: 18,
    spectralSlope: -0.02,
  },
  tensionIndex: 0.62,
  functionals: Float64Array.from([1, Number.NaN, 3.25]),
};

describe('pipeline <-> record mapping', () => {
  it('carries a SpeakerWindow through a FeatureWindow record unchanged', () => {
    const record = toFeatureWindowRecord(window, {
      callId: 'call-9',
      channel: 'customer',
      tenant: 'acme',
      producedAtMs: 2000,
      audioCompletedAtMs: 1900,
    });
    expect(record.eventId).toBe('call-9:customer:7:features');
    const back = fromFeatureWindowRecord(featureWindowCodec.decode(featureWindowCodec.encode(record)));
    expect(back.channel).toBe('customer');
    expect(back.audioCompletedAtMs).toBe(1900);
    expect(back.window.functionals).toBeInstanceOf(Float64Array);
    expect({ ...back.window, functionals: [...back.window.functionals] }).toEqual({
      ...window,
      functionals: [...window.functionals],
    });
  });

  it('carries a DynamicsWindow unchanged, NaN talk ratio included', () => {
    const dynamics: DynamicsWindow = {
      windowIndex: 2,
      startMs: 2000,
      endMs: 4000,
      overtalkCount: 1,
      overtalkMs: 320,
      mutualSilenceMs: 400,
      longestMutualSilenceMs: 250,
      talkRatioAgent: Number.NaN,
      agentResponseLatencyMs: [420],
      customerResponseLatencyMs: [],
    };
    const record = toDynamicsWindowRecord(dynamics, { callId: 'c', producedAtMs: 1, audioCompletedAtMs: 1 });
    expect(record.eventId).toBe('c:both:2:dynamics');
    expect(fromDynamicsWindowRecord(dynamicsWindowCodec.decode(dynamicsWindowCodec.encode(record)))).toEqual(
      dynamics,
    );
  });

  it('carries an EmotionEvent unchanged and rejects an unknown state', () => {
    const event: EmotionEvent = {
      eventId: 'c:customer:5:emotion',
      callId: 'c',
      channel: 'customer',
      windowIndex: 5,
      startMs: 5000,
      endMs: 7000,
      state: 'angry',
      changed: true,
      rawLabel: 'angry',
      probabilities: { neutral: 0.1, happy: 0, angry: 0.8, sad: 0, anxious: 0.05, bored: 0, disgust: 0.05 },
      arousal: 0.9,
      valence: 0.2,
      arousalConfidence: 0.9,
      valenceConfidence: 0.8,
      confidence: 0.7,
      evidence: ['pitch +3 semitones over baseline'],
    };
    const record = toEmotionEventRecord(event, { producedAtMs: 10, audioCompletedAtMs: 5 });
    const back = fromEmotionEventRecord(emotionEventCodec.decode(emotionEventCodec.encode(record)));
    expect(back.event).toEqual(event);
    expect(() => fromEmotionEventRecord({ ...record, state: 'furious' })).toThrow(
      /emotion state is not one of/,
    );
    // The bad value is not quoted: it would travel into logs and dead letters.
    expect(() => fromEmotionEventRecord({ ...record, state: 'Jane Doe' })).not.toThrow(/Jane/);
    expect(() => fromEmotionEventRecord({ ...record, rawLabel: 'Jane Doe' })).toThrow(
      /raw label is not one of/,
    );
  });

  it('interpolates the arrival time of audio inside a chunk', () => {
    // [audio start, audio end, first frame received, last frame received] → [audio ms, arrival].
    const cases: [number[], [number, number][]][] = [
      [
        [1000, 1100, 5000, 5080],
        [
          [1000, 5000],
          [1050, 5040],
          [1200, 5080],
        ],
      ],
      // Gap-filled silence: 3 s of audio time over 7 ms of arrivals. Whole ms, an int64 on the
      // wire (5002.33 failed to encode and the window was dead-lettered).
      [
        [0, 3000, 5000, 5007],
        [
          [1000, 5002],
          [2000, 5005],
        ],
      ],
    ];
    for (const [[audioStartMs, audioEndMs, firstReceivedAtMs, receivedAtMs], points] of cases) {
      const chunk = { audioStartMs, audioEndMs, firstReceivedAtMs, receivedAtMs } as AudioChunk;
      for (const [audioMs, arrival] of points) expect(audioArrivalMs(chunk, audioMs)).toBe(arrival);
    }
  });
});
