// Window stage of one speaker: aggregates the frame records of one window (default 2 s) into a
// SpeakerWindow: pitch statistics, loudness, voice quality, the tension index, pace and the
// functionals vector. Pure, no I/O; scratch arrays preallocated per analyzer.

import { FI, FUNCTIONAL_NAMES } from './functionals.ts';
import { F, type FrameStore } from './frame-store.ts';
import { createPaceScratch, paceOf, type PaceScratch } from './pace.ts';
import { MFCC_COUNT } from './spectral.ts';
import { mean, meanAbsDelta, percentile, slope, sortPrefix, std } from './stats.ts';
import { tensionIndex } from './tension.ts';
import type { SpeakerWindow } from './types.ts';

/** Functional names of the MFCCs, built once (not per window). */
const MFCC_MEAN = Array.from({ length: MFCC_COUNT }, (_, k) => `mfcc${k + 1}_mean`);
const MFCC_STD = Array.from({ length: MFCC_COUNT }, (_, k) => `mfcc${k + 1}_std`);
const MFCC_DELTA_STD = Array.from({ length: MFCC_COUNT }, (_, k) => `mfcc${k + 1}_delta_std`);

/** Semitones re 27.5 Hz (eGeMAPS convention). */
export function hzToSt(hz: number): number {
  return 12 * Math.log2(hz / 27.5);
}

export interface WindowScratch {
  a: Float64Array;
  b: Float64Array;
  /** Store slots of the window's frames: all, speech, voiced (built once per window). */
  all: Int32Array;
  speech: Int32Array;
  voiced: Int32Array;
  pace: PaceScratch;
}

export function createWindowScratch(frames: number): WindowScratch {
  return {
    a: new Float64Array(frames),
    b: new Float64Array(frames),
    all: new Int32Array(frames),
    speech: new Int32Array(frames),
    voiced: new Int32Array(frames),
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

/** Slot lists of a window's frames (selection decided once, not per gathered field). */
interface Slots {
  list: Int32Array;
  count: number;
}

/** Copies the non-NaN values of `field` at the listed slots into `out`; returns the count. */
function gather(store: FrameStore, field: number, slots: Slots, out: Float64Array): number {
  const d = store.data;
  const base = field * store.capacity;
  const list = slots.list;
  const count = slots.count;
  let n = 0;
  for (let k = 0; k < count; k++) {
    const v = d[base + list[k]];
    if (v === v) out[n++] = v;
  }
  return n;
}

function sumField(store: FrameStore, first: number, end: number, field: number): number {
  let s = 0;
  for (let i = first; i < end; i++) s += store.data[store.at(i, field)];
  return s;
}

export function computeWindow(
  store: FrameStore,
  span: WindowSpan,
  hopMs: number,
  s: WindowScratch,
): SpeakerWindow {
  const { first, end } = span;
  const n = end - first;
  const d = store.data;
  const fx = new Float64Array(FUNCTIONAL_NAMES.length).fill(NaN);
  const put = (name: string, v: number): void => {
    fx[FI[name]] = v;
  };

  // Slots of all, speech and voiced frames (field offsets as FrameStore.at).
  const cap = store.capacity;
  const speechBase = F.speech * cap;
  const f0Base = F.f0 * cap;
  let speechFrames = 0;
  let voicedFrames = 0;
  for (let i = first; i < end; i++) {
    const slot = i % cap;
    s.all[i - first] = slot;
    if (d[speechBase + slot] > 0) s.speech[speechFrames++] = slot;
    if (d[f0Base + slot] > 0) s.voiced[voicedFrames++] = slot;
  }
  const all: Slots = { list: s.all, count: n };
  const speech: Slots = { list: s.speech, count: speechFrames };
  const voiced: Slots = { list: s.voiced, count: voicedFrames };

  // Pitch over voiced frames (semitones), with frame times for the slope.
  let nv = 0;
  for (let i = first; i < end; i++) {
    const f0 = d[store.at(i, F.f0)];
    if (f0 > 0) {
      s.a[nv] = hzToSt(f0);
      s.b[nv] = ((i - first) * hopMs) / 1000;
      nv++;
    }
  }
  const slopeSt = slope(s.b, s.a, nv);
  const meanSt = mean(s.a, nv);
  const stdSt = std(s.a, nv);
  const deltaSt = meanAbsDelta(s.a, nv);
  sortPrefix(s.a, nv);
  const medianSt = percentile(s.a, nv, 50);
  const pitch = {
    medianHz: nv > 0 ? 27.5 * Math.pow(2, medianSt / 12) : NaN,
    medianSt,
    meanSt,
    stdSt,
    rangeSt: percentile(s.a, nv, 95) - percentile(s.a, nv, 5),
    slopeStPerS: slopeSt,
  };
  put('f0_st_mean', meanSt);
  put('f0_st_std', stdSt);
  put('f0_st_p20', percentile(s.a, nv, 20));
  put('f0_st_p50', medianSt);
  put('f0_st_p80', percentile(s.a, nv, 80));
  put('f0_st_range_p5_p95', pitch.rangeSt);
  put('f0_st_slope_per_s', slopeSt);
  put('f0_st_delta_abs_mean', deltaSt);

  // Energy and loudness over speech frames (all frames when nobody spoke).
  const sel = speechFrames > 0 ? speech : all;
  let ne = gather(store, F.energyDb, sel, s.a);
  const loudness = { meanDbfs: mean(s.a, ne), stdDb: std(s.a, ne), peakDbfs: NaN };
  let peak = -Infinity;
  for (let i = 0; i < ne; i++) if (s.a[i] > peak) peak = s.a[i];
  loudness.peakDbfs = ne > 0 ? peak : NaN;
  put('energy_dbfs_mean', loudness.meanDbfs);
  put('energy_db_std', loudness.stdDb);
  put('energy_dbfs_peak', loudness.peakDbfs);
  ne = gather(store, F.loudness, sel, s.a);
  put('loudness_mean', mean(s.a, ne));
  put('loudness_std', std(s.a, ne));
  put('loudness_delta_abs_mean', meanAbsDelta(s.a, ne));
  sortPrefix(s.a, ne);
  put('loudness_p20', percentile(s.a, ne, 20));
  put('loudness_p50', percentile(s.a, ne, 50));
  put('loudness_p80', percentile(s.a, ne, 80));
  put('loudness_range_p20_p80', percentile(s.a, ne, 80) - percentile(s.a, ne, 20));

  // Spectral shape and MFCC over speech frames (all frames when nobody spoke).
  const meanStd = (field: number, select: Slots, meanName: string, stdName: string): number => {
    const k = gather(store, field, select, s.a);
    const m = mean(s.a, k);
    put(meanName, m);
    put(stdName, std(s.a, k));
    return m;
  };
  meanStd(F.centroidHz, sel, 'centroid_hz_mean', 'centroid_hz_std');
  meanStd(F.flatness, sel, 'flatness_mean', 'flatness_std');
  const spectralSlope = meanStd(F.slope, sel, 'slope_mean', 'slope_std');
  meanStd(F.rolloffHz, sel, 'rolloff_hz_mean', 'rolloff_hz_std');
  meanStd(F.zcr, sel, 'zcr_mean', 'zcr_std');
  for (let k = 0; k < MFCC_COUNT; k++) meanStd(F.mfcc + k, sel, MFCC_MEAN[k], MFCC_STD[k]);
  for (let k = 0; k < 4; k++) {
    const m = gather(store, F.mfcc + k, sel, s.a);
    for (let i = 1; i < m; i++) s.b[i - 1] = s.a[i] - s.a[i - 1];
    put(MFCC_DELTA_STD[k], std(s.b, Math.max(0, m - 1)));
  }

  // Voice quality: period-mark sums over the window (Praat "local" jitter/shimmer definitions).
  const pN = sumField(store, first, end, F.pN);
  const pairs = sumField(store, first, end, F.pPairs);
  const meanT = pN > 0 ? sumField(store, first, end, F.pSumT) / pN : NaN;
  const meanA = pN > 0 ? sumField(store, first, end, F.pSumA) / pN : NaN;
  const jitterPct = pairs > 0 ? (100 * (sumField(store, first, end, F.pSumAbsDT) / pairs)) / meanT : NaN;
  const shimmerPct = pairs > 0 ? (100 * (sumField(store, first, end, F.pSumAbsDA) / pairs)) / meanA : NaN;
  const shimmerDb = pairs > 0 ? sumField(store, first, end, F.pSumAbsDbA) / pairs : NaN;
  const hnrDb = meanStd(F.hnrDb, voiced, 'hnr_db_mean', 'hnr_db_std');
  const alphaRatioDb = meanStd(F.alphaDb, voiced, 'alpha_ratio_db_mean', 'alpha_ratio_db_std');
  const hammarbergDb = meanStd(F.hammarbergDb, voiced, 'hammarberg_db_mean', 'hammarberg_db_std');
  const voiceQuality = { jitterPct, shimmerPct, shimmerDb, hnrDb, alphaRatioDb, hammarbergDb, spectralSlope };
  put('jitter_local_pct', jitterPct);
  put('shimmer_local_pct', shimmerPct);
  put('shimmer_local_db', shimmerDb);
  const nvs = gather(store, F.voicing, speech, s.a);
  put('voicing_strength_mean', mean(s.a, nvs));

  const pace = paceOf(store, first, end, hopMs, s.pace);
  put('syllable_rate', pace.syllableRate);
  put('articulation_rate', pace.articulationRate);
  put('pause_ratio', pace.pauseRatio);
  put('pause_mean_ms', pace.meanPauseMs);

  // Temporal: voiced / unvoiced segments (eGeMAPS VoicedSegmentsPerSec, MeanVoicedSegmentLength).
  let vSegs = 0;
  let uSegs = 0;
  let uFrames = 0;
  let prevVoiced = false;
  for (let i = first; i < end; i++) {
    const v = d[store.at(i, F.f0)] > 0;
    if (v && !prevVoiced) vSegs++;
    if (!v && prevVoiced) uSegs++;
    if (!v && vSegs > 0) uFrames++;
    prevVoiced = v;
  }
  if (!prevVoiced && uSegs > 0) {
    // Trailing unvoiced stretch is not a segment between voiced ones.
    let tail = 0;
    for (let i = end - 1; i >= first && !(d[store.at(i, F.f0)] > 0); i--) tail++;
    uFrames -= tail;
    uSegs--;
  }
  const durS = (n * hopMs) / 1000;
  const speechFraction = n > 0 ? speechFrames / n : 0;
  const voicedFraction = n > 0 ? nv / n : 0;
  put('speech_fraction', speechFraction);
  put('voiced_fraction', voicedFraction);
  put('voiced_segments_per_s', durS > 0 ? vSegs / durS : NaN);
  put('voiced_segment_mean_ms', vSegs > 0 ? (nv * hopMs) / vSegs : NaN);
  put('unvoiced_segment_mean_ms', uSegs > 0 ? (uFrames * hopMs) / uSegs : NaN);
  const tension = tensionIndex(voiceQuality);
  put('tension_index', tension);

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
