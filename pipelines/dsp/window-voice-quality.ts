// Voice-quality group of a window: jitter and shimmer from the period-mark sums (Praat "local"
// definitions), HNR, alpha ratio and Hammarberg index over voiced frames, voicing strength over
// speech frames. Pure, no I/O; works in caller's scratch.
import { FI } from './functionals.ts';
import { F, type FrameStore } from './frame-store.ts';
import { mean } from './stats.ts';
import type { VoiceQualityFeatures } from './types.ts';
import { gather, meanStdInto, sumField, type WindowSlots } from './window-slots.ts';

export function windowVoiceQuality(
  store: FrameStore,
  first: number,
  end: number,
  slots: WindowSlots,
  spectralSlope: number,
  a: Float64Array,
  fx: Float64Array,
): VoiceQualityFeatures {
  const pN = sumField(store, first, end, F.pN);
  const pairs = sumField(store, first, end, F.pPairs);
  const meanT = pN > 0 ? sumField(store, first, end, F.pSumT) / pN : NaN;
  const meanA = pN > 0 ? sumField(store, first, end, F.pSumA) / pN : NaN;
  const jitterPct = pairs > 0 ? (100 * (sumField(store, first, end, F.pSumAbsDT) / pairs)) / meanT : NaN;
  const shimmerPct = pairs > 0 ? (100 * (sumField(store, first, end, F.pSumAbsDA) / pairs)) / meanA : NaN;
  const shimmerDb = pairs > 0 ? sumField(store, first, end, F.pSumAbsDbA) / pairs : NaN;
  const { voiced, speech } = slots;
  const hnrDb = meanStdInto(store, F.hnrDb, voiced, a, fx, FI.hnr_db_mean, FI.hnr_db_std);
  const alphaRatioDb = meanStdInto(
    store,
    F.alphaDb,
    voiced,
    a,
    fx,
    FI.alpha_ratio_db_mean,
    FI.alpha_ratio_db_std,
  );
  const hammarbergDb = meanStdInto(
    store,
    F.hammarbergDb,
    voiced,
    a,
    fx,
    FI.hammarberg_db_mean,
    FI.hammarberg_db_std,
  );
  fx[FI.jitter_local_pct] = jitterPct;
  fx[FI.shimmer_local_pct] = shimmerPct;
  fx[FI.shimmer_local_db] = shimmerDb;
  const nvs = gather(store, F.voicing, speech, a);
  fx[FI.voicing_strength_mean] = mean(a, nvs);
  return { jitterPct, shimmerPct, shimmerDb, hnrDb, alphaRatioDb, hammarbergDb, spectralSlope };
}
