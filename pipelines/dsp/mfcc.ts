// meyda's mfcc on a frame's power spectrum: log(1 + mel-weighted power) per filter, then DCT-II
// with scale 2, first MFCC_COUNT coefficients (meyda src/extractors/mfcc.ts, same tables, same
// summation order). Pure, no I/O, no allocation: the mel buffer is the caller's.
import { MEL_FILTERS, type MeydaTables } from './meyda-tables.ts';

export const MFCC_COUNT = 13;

/** Writes MFCC 0..12 of power spectrum `pw` into `mfcc`; `melLog` is MEL_FILTERS of scratch. */
export function mfccInto(pw: Float64Array, t: MeydaTables, melLog: Float64Array, mfcc: Float64Array): void {
  const { melStart, melFrom, melTo, melWeights, dctCos } = t;
  for (let f = 0; f < MEL_FILTERS; f++) {
    let e = 0;
    let w = melStart[f];
    const to = melTo[f];
    for (let j = melFrom[f]; j < to; j++) e += melWeights[w++] * pw[j];
    melLog[f] = Math.log(e + 1);
  }
  // DCT rows four at a time: each row sums in the same order as a plain loop (same result),
  // but four independent accumulators hide the floating-point add latency.
  let k = 0;
  for (; k + 4 <= MFCC_COUNT; k += 4) {
    const r0 = k * MEL_FILTERS;
    const r1 = r0 + MEL_FILTERS;
    const r2 = r1 + MEL_FILTERS;
    const r3 = r2 + MEL_FILTERS;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    for (let m = 0; m < MEL_FILTERS; m++) {
      const v = melLog[m];
      c0 += v * dctCos[r0 + m];
      c1 += v * dctCos[r1 + m];
      c2 += v * dctCos[r2 + m];
      c3 += v * dctCos[r3 + m];
    }
    mfcc[k] = 2 * c0;
    mfcc[k + 1] = 2 * c1;
    mfcc[k + 2] = 2 * c2;
    mfcc[k + 3] = 2 * c3;
  }
  for (; k < MFCC_COUNT; k++) {
    let c = 0;
    const row = k * MEL_FILTERS;
    for (let m = 0; m < MEL_FILTERS; m++) c += melLog[m] * dctCos[row + m];
    mfcc[k] = 2 * c;
  }
}
