// One speaker's feature window on the 2 s window / 1 s hop grid with chosen tension, pace and
// speech share: the unit tests' alert observations and the alert-service records are built on it.
// Pure.
import type { SpeakerWindow } from '../../pipelines/dsp/types.ts';

/** Window i of the grid: [i, i + 2] s (2 s window, 1 s hop). */
export function gridWindow(i: number): { windowIndex: number; startMs: number; endMs: number } {
  return { windowIndex: i, startMs: i * 1000, endMs: i * 1000 + 2000 };
}

/** The identity and place of speaker `channel`'s emotion event for window i of a call. */
export function emotionOnGrid<C extends string>(callId: string, channel: C, i: number) {
  return { eventId: `${callId}:${channel}:${i}:emotion`, callId, channel, ...gridWindow(i) };
}

/** One speaker's window i on the 2 s / 1 s grid with the given tension, pace and speech share. */
export function speakerWindow(
  i: number,
  over: { tension?: number; rate?: number; speech?: number } = {},
): SpeakerWindow {
  return {
    ...gridWindow(i),
    speechFraction: over.speech ?? 0.8,
    voicedFraction: 0.6,
    pace: {
      syllableRate: (over.rate ?? 4) * 0.8,
      articulationRate: over.rate ?? 4,
      pauseRatio: 0.2,
      meanPauseMs: 300,
    },
    pitch: { medianHz: 150, medianSt: 30, meanSt: 30, stdSt: 2, rangeSt: 6, slopeStPerS: 0 },
    loudness: { meanDbfs: -25, stdDb: 4, peakDbfs: -6 },
    voiceQuality: {
      jitterPct: 1,
      shimmerPct: 3,
      shimmerDb: 0.3,
      hnrDb: 15,
      alphaRatioDb: -10,
      hammarbergDb: 20,
      spectralSlope: -0.02,
    },
    tensionIndex: over.tension ?? 0.3,
    functionals: new Float64Array(0),
  };
}
