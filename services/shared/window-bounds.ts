// What a derived window record (features, dynamics, emotion events on va.features.v1 and
// va.emotions.v1) may hold: its times inside the call's audio bounds (the gateway's, shared with
// the audio chunks), its index no larger than its time allows, and its measures finite and within
// physical magnitudes. Every consumer decodes through these checks, so one out-of-range record is
// dead-lettered instead of poisoning per-call state: a window index of 4294967295 made every
// later window of the speaker a "duplicate" (no events, no alerts), functionals of 1e200 froze the
// speaker's baseline, an end time of 2^31 ms overflowed the call store's sweep. Pure.
import { EMOTION_LABELS } from '../../pipelines/emotion/types.ts';
import { MAX_CHUNK_AUDIO_TIME_MS } from './audio-chunk-limits.ts';

/** Functionals and measures are Hz, dB, ms, rates and ratios: far below this in any real window. */
export const MAX_MEASURE_MAGNITUDE = 1e6;
/** Class probabilities an emotion event may carry (the product has 7 classes). */
export const MAX_EMOTION_LABELS = 32;
const LABELS = new Set<string>(EMOTION_LABELS);

const finiteIn = (v: number, min: number, max: number): boolean => Number.isFinite(v) && v >= min && v <= max;

/** Why a window's index and times are out of bounds, or null. */
export function windowTimesProblem(w: {
  windowIndex: number;
  startMs: number;
  endMs: number;
}): string | null {
  if (
    !finiteIn(w.startMs, 0, MAX_CHUNK_AUDIO_TIME_MS) ||
    !finiteIn(w.endMs, w.startMs, MAX_CHUNK_AUDIO_TIME_MS)
  )
    return `window times ${w.startMs}..${w.endMs} ms are not 0 ≤ start ≤ end ≤ ${MAX_CHUNK_AUDIO_TIME_MS}`;
  // One window per hop, and a hop is at least 1 ms: an index past the window's start is not a window.
  if (!Number.isInteger(w.windowIndex) || w.windowIndex < 0 || w.windowIndex > w.startMs)
    return `windowIndex ${w.windowIndex} does not fit a window starting at ${w.startMs} ms`;
  return null;
}

/** Why a number that may be undefined (NaN) is out of bounds, or null. */
const measureProblem = (name: string, v: number): string | null =>
  Number.isNaN(v) || finiteIn(v, -MAX_MEASURE_MAGNITUDE, MAX_MEASURE_MAGNITUDE)
    ? null
    : `${name} ${v} is beyond ±${MAX_MEASURE_MAGNITUDE}`;

/** Every number of a (possibly nested) measures object or array, NaN allowed (undefined there). */
function nestedMeasuresProblem(name: string, value: unknown): string | null {
  if (typeof value === 'number') return measureProblem(name, value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = nestedMeasuresProblem(`${name}[${i}]`, value[i]);
      if (p) return p;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = nestedMeasuresProblem(`${name}.${k}`, v);
      if (p) return p;
    }
  }
  return null;
}

/** A features window: times, fractions in 0..1, every functional and measure bounded. */
export function featureWindowProblem(w: {
  windowIndex: number;
  startMs: number;
  endMs: number;
  speechFraction: number;
  voicedFraction: number;
  tensionIndex: number;
  functionals: readonly number[];
  pace: object;
  pitch: object;
  loudness: object;
  voiceQuality: object;
}): string | null {
  const times = windowTimesProblem(w);
  if (times) return times;
  if (!finiteIn(w.speechFraction, 0, 1)) return `speechFraction ${w.speechFraction} is not 0..1`;
  if (!finiteIn(w.voicedFraction, 0, 1)) return `voicedFraction ${w.voicedFraction} is not 0..1`;
  return (
    measureProblem('tensionIndex', w.tensionIndex) ??
    nestedMeasuresProblem('functionals', w.functionals) ??
    nestedMeasuresProblem('measures', {
      pace: w.pace,
      pitch: w.pitch,
      loudness: w.loudness,
      voiceQuality: w.voiceQuality,
    })
  );
}

/** An emotion event: times, every score a probability, a bounded probability map. */
export function emotionEventProblem(e: {
  windowIndex: number;
  startMs: number;
  endMs: number;
  arousal: number;
  valence: number;
  arousalConfidence: number;
  valenceConfidence: number;
  confidence: number;
  probabilities: Record<string, number>;
}): string | null {
  const times = windowTimesProblem(e);
  if (times) return times;
  for (const key of ['arousal', 'valence', 'arousalConfidence', 'valenceConfidence', 'confidence'] as const)
    if (!finiteIn(e[key], 0, 1)) return `${key} ${e[key]} is not 0..1`;
  const entries = Object.entries(e.probabilities);
  if (entries.length > MAX_EMOTION_LABELS)
    return `${entries.length} probabilities (at most ${MAX_EMOTION_LABELS})`;
  // The label is the sender's text: named only when it is one of the product's (privacy probe).
  for (const [label, p] of entries)
    if (!finiteIn(p, 0, 1))
      return `probability of ${LABELS.has(label) ? label : 'an unknown label'} ${p} is not 0..1`;
  return null;
}
