// Vocal-tension index in 0..1 from a window's voice-quality measures. Pure, no I/O.
//
// Tense / pressed phonation shifts energy to higher harmonics (flatter spectral tilt: higher
// alpha ratio, lower Hammarberg index, less negative slope; Sundberg 1987; Laukkanen et al. 1996;
// Eyben et al. 2016) and strained voice adds irregularity (jitter, shimmer, lower HNR). Each
// measure is mapped linearly onto 0..1 between a relaxed and a tense anchor (telephone band,
// 8 kHz µ-law speech) and the index is their weighted mean:
//
//   tension = 0.25·s(alpha, −20 → 0 dB) + 0.25·s(Hammarberg, 30 → 5 dB) + 0.2·s(slope, SLOPE_RELAXED → SLOPE_TENSE)
//           + 0.1·s(jitter, 0.5 → 3 %) + 0.1·s(shimmer, 3 → 15 %) + 0.1·s(HNR, 20 → 0 dB)
//
// where s(v, a → b) = clamp((v − a)/(b − a), 0, 1). Undefined measures (no voiced speech) drop
// out and the weights are renormalised; NaN when none is defined. This is a heuristic index,
// not a validated clinical scale.

import { clamp01 } from './stats.ts';
import type { VoiceQualityFeatures } from './types.ts';

/** Voice quality with every measure undefined (no voiced speech, or a source without them): tension NaN. */
export const UNKNOWN_VOICE_QUALITY: Readonly<VoiceQualityFeatures> = Object.freeze({
  jitterPct: NaN,
  shimmerPct: NaN,
  shimmerDb: NaN,
  hnrDb: NaN,
  alphaRatioDb: NaN,
  hammarbergDb: NaN,
  spectralSlope: NaN,
});

/** meyda spectralSlope anchors (amplitude-normalised regression slope per Hz). */
export const SLOPE_RELAXED = -2.5e-4;
export const SLOPE_TENSE = -0.5e-4;

const TERMS: readonly { key: keyof VoiceQualityFeatures; weight: number; relaxed: number; tense: number }[] =
  [
    { key: 'alphaRatioDb', weight: 0.25, relaxed: -20, tense: 0 },
    { key: 'hammarbergDb', weight: 0.25, relaxed: 30, tense: 5 },
    { key: 'spectralSlope', weight: 0.2, relaxed: SLOPE_RELAXED, tense: SLOPE_TENSE },
    { key: 'jitterPct', weight: 0.1, relaxed: 0.5, tense: 3 },
    { key: 'shimmerPct', weight: 0.1, relaxed: 3, tense: 15 },
    { key: 'hnrDb', weight: 0.1, relaxed: 20, tense: 0 },
  ];

export function tensionIndex(vq: VoiceQualityFeatures): number {
  let sum = 0;
  let weights = 0;
  for (const t of TERMS) {
    const v = vq[t.key];
    if (!Number.isFinite(v)) continue;
    sum += t.weight * clamp01((v - t.relaxed) / (t.tense - t.relaxed));
    weights += t.weight;
  }
  return weights > 0 ? sum / weights : NaN;
}
