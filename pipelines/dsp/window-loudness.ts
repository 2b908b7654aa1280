// Loudness group of a window: frame energy (dBFS mean, spread, peak) and meyda loudness (mean,
// spread, percentiles, delta) over the selected frames. Pure, no I/O; works in caller's scratch.
import { FUNCTIONAL_INDEX } from './functionals.ts';
import { FRAME_FIELD, type FrameStore } from './frame-store.ts';
import { mean, meanAbsDelta, percentile, sortPrefix, std } from './stats.ts';
import type { LoudnessFeatures } from './types.ts';
import { gather, type Slots } from './window-slots.ts';

/** Loudness over `sel` (the speech frames, or all frames when nobody spoke) into `fx`. */
export function windowLoudness(
  store: FrameStore,
  sel: Slots,
  a: Float64Array,
  fx: Float64Array,
): LoudnessFeatures {
  let ne = gather(store, FRAME_FIELD.energyDb, sel, a);
  const loudness = { meanDbfs: mean(a, ne), stdDb: std(a, ne), peakDbfs: NaN };
  let peak = -Infinity;
  for (let i = 0; i < ne; i++) if (a[i] > peak) peak = a[i];
  loudness.peakDbfs = ne > 0 ? peak : NaN;
  fx[FUNCTIONAL_INDEX.energy_dbfs_mean] = loudness.meanDbfs;
  fx[FUNCTIONAL_INDEX.energy_db_std] = loudness.stdDb;
  fx[FUNCTIONAL_INDEX.energy_dbfs_peak] = loudness.peakDbfs;
  ne = gather(store, FRAME_FIELD.loudness, sel, a);
  fx[FUNCTIONAL_INDEX.loudness_mean] = mean(a, ne);
  fx[FUNCTIONAL_INDEX.loudness_std] = std(a, ne);
  fx[FUNCTIONAL_INDEX.loudness_delta_abs_mean] = meanAbsDelta(a, ne);
  sortPrefix(a, ne);
  fx[FUNCTIONAL_INDEX.loudness_p20] = percentile(a, ne, 20);
  fx[FUNCTIONAL_INDEX.loudness_p50] = percentile(a, ne, 50);
  fx[FUNCTIONAL_INDEX.loudness_p80] = percentile(a, ne, 80);
  fx[FUNCTIONAL_INDEX.loudness_range_p20_p80] = percentile(a, ne, 80) - percentile(a, ne, 20);
  return loudness;
}
