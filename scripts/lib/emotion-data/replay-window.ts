// A cached window row as the SpeakerWindow the tracker receives: the functionals it scores and the
// fields its evidence reads (evidence.ts evidenceMeasures). No I/O.
import { UNKNOWN_VOICE_QUALITY } from '../../../pipelines/dsp/tension.ts';
import type { SpeakerWindow } from '../../../pipelines/dsp/types.ts';
import type { WindowRow } from './features.ts';

export function replayWindow(row: WindowRow, windowIndex: number): SpeakerWindow {
  const m = row.measures;
  return {
    windowIndex,
    startMs: row.startMs,
    endMs: row.endMs,
    speechFraction: row.speechFraction,
    voicedFraction: Number.isFinite(m[0]) ? 1 : 0,
    pace: { syllableRate: m[2], articulationRate: NaN, pauseRatio: m[5], meanPauseMs: NaN },
    pitch: { medianHz: NaN, medianSt: m[0], meanSt: NaN, stdSt: NaN, rangeSt: m[1], slopeStPerS: NaN },
    loudness: { meanDbfs: m[3], stdDb: NaN, peakDbfs: NaN },
    voiceQuality: { ...UNKNOWN_VOICE_QUALITY },
    tensionIndex: m[4],
    functionals: row.functionals,
  };
}
