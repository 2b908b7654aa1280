// Window stage of one speaker: aggregates the frame records of one window (default 2 s) into a
// SpeakerWindow: pitch statistics, loudness, voice quality, the tension index, pace and the
// functionals vector. One file per feature group (window-pitch, -loudness, -spectral,
// -voice-quality, -segments); this one selects the frames and assembles the result.
// Pure, no I/O; scratch arrays preallocated and shared, only the result is allocated per window.

import { FUNCTIONAL_INDEX, FUNCTIONAL_NAMES } from './functionals.ts';
import type { FrameStore } from './frame-store.ts';
import { createPaceScratch, paceOf, type PaceScratch } from './pace.ts';
import { tensionIndex } from './tension.ts';
import type { SpeakerWindow } from './types.ts';
import { windowLoudness } from './window-loudness.ts';
import { windowPitch } from './window-pitch.ts';
import { windowSegments } from './window-segments.ts';
import { createWindowSlots, selectSlots, type WindowSlots } from './window-slots.ts';
import { windowSpectral } from './window-spectral.ts';
import { windowVoiceQuality } from './window-voice-quality.ts';

export { hzToSt } from './window-pitch.ts';

export interface WindowScratch {
  a: Float64Array;
  b: Float64Array;
  /** Store slots of the window's frames: all, speech, voiced (selected once per window). */
  slots: WindowSlots;
  pace: PaceScratch;
}

export function createWindowScratch(frames: number): WindowScratch {
  return {
    a: new Float64Array(frames),
    b: new Float64Array(frames),
    slots: createWindowSlots(frames),
    pace: createPaceScratch(frames),
  };
}

export interface WindowSpan {
  windowIndex: number;
  startMs: number;
  endMs: number;
  /** Absolute frame range [first, end). */
  first: number;
  end: number;
}

export function computeWindow(
  store: FrameStore,
  span: WindowSpan,
  hopMs: number,
  s: WindowScratch,
): SpeakerWindow {
  const { first, end } = span;
  const n = end - first;
  const fx = new Float64Array(FUNCTIONAL_NAMES.length).fill(NaN);
  const { slots } = s;
  selectSlots(store, first, end, slots);
  const speechFrames = slots.speech.count;
  const voicedFrames = slots.voiced.count;

  const pitch = windowPitch(store, first, end, hopMs, s.a, s.b, fx);
  // Energy, loudness and spectrum over speech frames (all frames when nobody spoke).
  const sel = speechFrames > 0 ? slots.speech : slots.all;
  const loudness = windowLoudness(store, sel, s.a, fx);
  const spectralSlope = windowSpectral(store, sel, s.a, s.b, fx);
  const voiceQuality = windowVoiceQuality(store, first, end, slots, spectralSlope, s.a, fx);

  const pace = paceOf(store, first, end, hopMs, s.pace);
  fx[FUNCTIONAL_INDEX.syllable_rate] = pace.syllableRate;
  fx[FUNCTIONAL_INDEX.articulation_rate] = pace.articulationRate;
  fx[FUNCTIONAL_INDEX.pause_ratio] = pace.pauseRatio;
  fx[FUNCTIONAL_INDEX.pause_mean_ms] = pace.meanPauseMs;

  const speechFraction = n > 0 ? speechFrames / n : 0;
  const voicedFraction = n > 0 ? voicedFrames / n : 0;
  fx[FUNCTIONAL_INDEX.speech_fraction] = speechFraction;
  fx[FUNCTIONAL_INDEX.voiced_fraction] = voicedFraction;
  windowSegments(store, first, end, hopMs, voicedFrames, fx);
  const tension = tensionIndex(voiceQuality);
  fx[FUNCTIONAL_INDEX.tension_index] = tension;

  return {
    windowIndex: span.windowIndex,
    startMs: span.startMs,
    endMs: span.endMs,
    speechFraction,
    voicedFraction,
    pace,
    pitch,
    loudness,
    voiceQuality,
    tensionIndex: tension,
    functionals: fx,
  };
}
