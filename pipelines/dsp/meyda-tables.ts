// Tables of meyda's spectral extractors (mel filter bank, Bark scale), built once per
// (sample rate, FFT size) and shared by every analyzer. Pure, no I/O.

// meyda's package internals (CommonJS build): the same tables meyda's own extractors use.
import * as utilities from 'meyda/dist/node/utilities.js';

/** meyda defaults: 26 mel filters, 24 Bark bands. */
export const MEL_FILTERS = 26;
export const BARK_BANDS = 24;

export interface MeydaTables {
  /** Raw meyda filter bank (for parity tests against meyda's own extractors). */
  melFilterBank: number[][];
  barkScale: Float32Array;
  /** Sparse form of the filter bank: per filter [from, to) bins and weights at melWeights[melStart[f] ...]. */
  melFrom: Int32Array;
  melTo: Int32Array;
  melStart: Int32Array;
  melWeights: Float64Array;
  /** Bark band limits (bins), as meyda's loudness extractor computes them. */
  barkLimits: Int32Array;
  /** DCT-II cosines (meyda uses the `dct` package: scale 2, cos(π/N (n + 1/2) k)). */
  dctCos: Float64Array;
}

const cache = new Map<string, MeydaTables>();

export function meydaTables(sampleRateHz: number, fftSize: number): MeydaTables {
  const key = `${sampleRateHz}:${fftSize}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const bins = fftSize / 2;
  const melFilterBank = utilities.createMelFilterBank(MEL_FILTERS, sampleRateHz, fftSize);
  const barkScale = utilities.createBarkScale(bins, sampleRateHz, fftSize);
  const melFrom = new Int32Array(MEL_FILTERS);
  const melTo = new Int32Array(MEL_FILTERS);
  const melStart = new Int32Array(MEL_FILTERS);
  const weights: number[] = [];
  for (let f = 0; f < MEL_FILTERS; f++) {
    let from = -1;
    let to = -1;
    for (let j = 0; j < bins; j++) {
      if (melFilterBank[f][j] !== 0) {
        if (from < 0) from = j;
        to = j + 1;
      }
    }
    if (from < 0) from = to = 0;
    melFrom[f] = from;
    melTo[f] = to;
    melStart[f] = weights.length;
    for (let j = from; j < to; j++) weights.push(melFilterBank[f][j]);
  }
  // Same band limits as meyda's loudness extractor.
  const barkLimits = new Int32Array(BARK_BANDS + 1);
  let bandEnd = barkScale[bins - 1] / BARK_BANDS;
  let band = 1;
  for (let i = 0; i < bins; i++) {
    while (barkScale[i] > bandEnd) {
      barkLimits[band++] = i;
      bandEnd = (band * barkScale[bins - 1]) / BARK_BANDS;
    }
  }
  barkLimits[BARK_BANDS] = bins - 1;
  const dctCos = new Float64Array(MEL_FILTERS * MEL_FILTERS);
  for (let k = 0; k < MEL_FILTERS; k++) {
    for (let n = 0; n < MEL_FILTERS; n++)
      dctCos[k * MEL_FILTERS + n] = Math.cos((Math.PI / MEL_FILTERS) * (n + 0.5) * k);
  }
  const tables = {
    melFilterBank,
    barkScale,
    melFrom,
    melTo,
    melStart,
    melWeights: Float64Array.from(weights),
    barkLimits,
    dctCos,
  };
  cache.set(key, tables);
  return tables;
}
