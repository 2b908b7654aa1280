// Ring of per-frame features (struct of arrays in one Float32Array) that a window aggregates.
// Pure, no I/O; allocated once per analyzer.

import { MFCC_COUNT } from './spectral.ts';

/** Field offsets of one frame's record. */
export const FRAME_FIELD = {
  f0: 0, // Hz, 0 = unvoiced
  voicing: 1, // normalised ACF height of the chosen pitch candidate, 0 when unvoiced
  energyDb: 2, // dBFS of the 25 ms frame (mean square re full scale)
  speech: 3, // VAD 0/1
  zcr: 4, // zero crossings per sample
  centroidHz: 5,
  flatness: 6,
  slope: 7,
  rolloffHz: 8,
  loudness: 9,
  hnrDb: 10, // NaN when unvoiced
  alphaDb: 11,
  hammarbergDb: 12,
  pN: 13,
  pSumT: 14,
  pSumAbsDT: 15,
  pPairs: 16,
  pSumA: 17,
  pSumAbsDA: 18,
  pSumAbsDbA: 19,
  bestR: 20, // height of the strongest pitch candidate (before the path decision), 0 if none
  mfcc: 21, // 13 values
} as const;

export const FIELD_COUNT = FRAME_FIELD.mfcc + MFCC_COUNT;

export interface FrameStore {
  readonly capacity: number;
  readonly data: Float32Array;
  /** Index into data of field `field` of absolute frame `frame`. */
  at(frame: number, field: number): number;
}

export function createFrameStore(capacity: number): FrameStore {
  const data = new Float32Array(capacity * FIELD_COUNT);
  return {
    capacity,
    data,
    at: (frame, field) => field * capacity + (frame % capacity),
  };
}
