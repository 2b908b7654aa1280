// Voice-quality group of a window: jitter and shimmer from the period-mark sums (Praat "local"
// definitions), HNR, alpha ratio and Hammarberg index over voiced frames, voicing strength over
// speech frames. Pure, no I/O; works in caller's scratch.
import { FUNCTIONAL_INDEX } from './functionals.ts';
import { FRAME_FIELD, type FrameStore } from './frame-store.ts';
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
  const pN = sumField(store, first, end, FRAME_FIELD.pN);
  const pairs = sumField(store, first, end, FRAME_FIELD.pPairs);
  const meanT = pN > 0 ? sumField(store, first, end, FRAME_FIELD.pSumT) / pN : NaN;
  const meanA = pN > 0 ? sumField(store, first, end, FRAME_FIELD.pSumA) / pN : NaN;
  const jitterPct =
    pairs > 0 ? (100 * (sumField(store, first, end, FRAME_FIELD.pSumAbsDT) / pairs)) / meanT : NaN;
  const shimmerPct =
    pairs > 0 ? (100 * (sumField(store, first, end, FRAME_FIELD.pSumAbsDA) / pairs)) / meanA : NaN;
  const shimmerDb = pairs > 0 ? sumField(store, first, end, FRAME_FIELD.pSumAbsDbA) / pairs : NaN;
  const { voiced, speech } = slots;
  const hnrDb = meanStdInto(
    store,
    FRAME_FIELD.hnrDb,
    voiced,
    a,
    fx,
    FUNCTIONAL_INDEX.hnr_db_mean,
    FUNCTIONAL_INDEX.hnr_db_std,
  );
  const alphaRatioDb = meanStdInto(
    store,
    FRAME_FIELD.alphaDb,
    voiced,
    a,
    fx,
    FUNCTIONAL_INDEX.alpha_ratio_db_mean,
    FUNCTIONAL_INDEX.alpha_ratio_db_std,
  );
  const hammarbergDb = meanStdInto(
    store,
    FRAME_FIELD.hammarbergDb,
    voiced,
    a,
    fx,
    FUNCTIONAL_INDEX.hammarberg_db_mean,
    FUNCTIONAL_INDEX.hammarberg_db_std,
  );
  fx[FUNCTIONAL_INDEX.jitter_local_pct] = jitterPct;
  fx[FUNCTIONAL_INDEX.shimmer_local_pct] = shimmerPct;
  fx[FUNCTIONAL_INDEX.shimmer_local_db] = shimmerDb;
  const nvs = gather(store, FRAME_FIELD.voicing, speech, a);
  fx[FUNCTIONAL_INDEX.voicing_strength_mean] = mean(a, nvs);
  return { jitterPct, shimmerPct, shimmerDb, hnrDb, alphaRatioDb, hammarbergDb, spectralSlope };
}
