// Pitch group of a window: statistics of the voiced frames' F0 in semitones (mean, spread,
// percentiles, range, slope, mean absolute delta). Pure, no I/O; works in caller's scratch.
import { FUNCTIONAL_INDEX } from './functionals.ts';
import { FRAME_FIELD, type FrameStore } from './frame-store.ts';
import { mean, meanAbsDelta, percentile, slope, sortPrefix, std } from './stats.ts';
import type { PitchFeatures } from './types.ts';

/** Semitones re 27.5 Hz (eGeMAPS convention). */
export function hzToSt(hz: number): number {
  return 12 * Math.log2(hz / 27.5);
}

/**
 * Pitch of frames [first, end) into `fx`; `st` and `times` are scratch of at least end - first
 * values. `st` is left holding the sorted semitone values.
 */
export function windowPitch(
  store: FrameStore,
  first: number,
  end: number,
  hopMs: number,
  st: Float64Array,
  times: Float64Array,
  fx: Float64Array,
): PitchFeatures {
  const d = store.data;
  // Pitch over voiced frames (semitones), with frame times for the slope.
  let nv = 0;
  for (let i = first; i < end; i++) {
    const f0 = d[store.at(i, FRAME_FIELD.f0)];
    if (f0 > 0) {
      st[nv] = hzToSt(f0);
      times[nv] = ((i - first) * hopMs) / 1000;
      nv++;
    }
  }
  const slopeSt = slope(times, st, nv);
  const meanSt = mean(st, nv);
  const stdSt = std(st, nv);
  const deltaSt = meanAbsDelta(st, nv);
  sortPrefix(st, nv);
  const medianSt = percentile(st, nv, 50);
  const pitch: PitchFeatures = {
    medianHz: nv > 0 ? 27.5 * Math.pow(2, medianSt / 12) : NaN,
    medianSt,
    meanSt,
    stdSt,
    rangeSt: percentile(st, nv, 95) - percentile(st, nv, 5),
    slopeStPerS: slopeSt,
  };
  fx[FUNCTIONAL_INDEX.f0_st_mean] = meanSt;
  fx[FUNCTIONAL_INDEX.f0_st_std] = stdSt;
  fx[FUNCTIONAL_INDEX.f0_st_p20] = percentile(st, nv, 20);
  fx[FUNCTIONAL_INDEX.f0_st_p50] = medianSt;
  fx[FUNCTIONAL_INDEX.f0_st_p80] = percentile(st, nv, 80);
  fx[FUNCTIONAL_INDEX.f0_st_range_p5_p95] = pitch.rangeSt;
  fx[FUNCTIONAL_INDEX.f0_st_slope_per_s] = slopeSt;
  fx[FUNCTIONAL_INDEX.f0_st_delta_abs_mean] = deltaSt;
  return pitch;
}
