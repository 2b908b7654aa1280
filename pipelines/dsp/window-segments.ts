// Temporal group of a window: voiced and unvoiced segments (eGeMAPS VoicedSegmentsPerSec,
// MeanVoicedSegmentLength, MeanUnvoicedSegmentLength). Pure, no I/O, no allocation.
import { FUNCTIONAL_INDEX } from './functionals.ts';
import { FRAME_FIELD, type FrameStore } from './frame-store.ts';

/** Segment statistics of frames [first, end) into `fx`; `voicedFrames` is the count of voiced frames. */
export function windowSegments(
  store: FrameStore,
  first: number,
  end: number,
  hopMs: number,
  voicedFrames: number,
  fx: Float64Array,
): void {
  const d = store.data;
  let vSegs = 0;
  let uSegs = 0;
  let uFrames = 0;
  let prevVoiced = false;
  for (let i = first; i < end; i++) {
    const v = d[store.at(i, FRAME_FIELD.f0)] > 0;
    if (v && !prevVoiced) vSegs++;
    if (!v && prevVoiced) uSegs++;
    if (!v && vSegs > 0) uFrames++;
    prevVoiced = v;
  }
  if (!prevVoiced && uSegs > 0) {
    // Trailing unvoiced stretch is not a segment between voiced ones.
    let tail = 0;
    for (let i = end - 1; i >= first && !(d[store.at(i, FRAME_FIELD.f0)] > 0); i--) tail++;
    uFrames -= tail;
    uSegs--;
  }
  const durS = ((end - first) * hopMs) / 1000;
  fx[FUNCTIONAL_INDEX.voiced_segments_per_s] = durS > 0 ? vSegs / durS : NaN;
  fx[FUNCTIONAL_INDEX.voiced_segment_mean_ms] = vSegs > 0 ? (voicedFrames * hopMs) / vSegs : NaN;
  fx[FUNCTIONAL_INDEX.unvoiced_segment_mean_ms] = uSegs > 0 ? (uFrames * hopMs) / uSegs : NaN;
}
