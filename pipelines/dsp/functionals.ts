// Names and order of SpeakerWindow.functionals: an eGeMAPS-like set (Eyben et al. 2016,
// "The Geneva Minimalistic Acoustic Parameter Set", IEEE TAC 7(2)) adapted to the telephone
// band and 2-s windows. Pure, no I/O. Order is a contract with the emotion model: append only.

const MFCC_NAMES: string[] = [];
for (let k = 1; k <= 13; k++) MFCC_NAMES.push(`mfcc${k}_mean`, `mfcc${k}_std`);

export const FUNCTIONAL_NAMES: readonly string[] = Object.freeze([
  // Pitch over voiced frames, semitones re 27.5 Hz.
  'f0_st_mean',
  'f0_st_std',
  'f0_st_p20',
  'f0_st_p50',
  'f0_st_p80',
  'f0_st_range_p5_p95',
  'f0_st_slope_per_s',
  'f0_st_delta_abs_mean',
  // Frame energy (dBFS) over speech frames.
  'energy_dbfs_mean',
  'energy_db_std',
  'energy_dbfs_peak',
  // meyda loudness (Bark-band sone-like total) over speech frames.
  'loudness_mean',
  'loudness_std',
  'loudness_p20',
  'loudness_p50',
  'loudness_p80',
  'loudness_range_p20_p80',
  'loudness_delta_abs_mean',
  // meyda spectral shape over speech frames.
  'centroid_hz_mean',
  'centroid_hz_std',
  'flatness_mean',
  'flatness_std',
  'slope_mean',
  'slope_std',
  'rolloff_hz_mean',
  'rolloff_hz_std',
  'zcr_mean',
  'zcr_std',
  // meyda MFCC (mfccK = meyda coefficient K−1; mfcc1 is the log-energy term) over speech frames.
  ...MFCC_NAMES,
  'mfcc1_delta_std',
  'mfcc2_delta_std',
  'mfcc3_delta_std',
  'mfcc4_delta_std',
  // Voice quality (voiced frames / period marks).
  'jitter_local_pct',
  'shimmer_local_pct',
  'shimmer_local_db',
  'hnr_db_mean',
  'hnr_db_std',
  'alpha_ratio_db_mean',
  'alpha_ratio_db_std',
  'hammarberg_db_mean',
  'hammarberg_db_std',
  'voicing_strength_mean',
  // Pace.
  'syllable_rate',
  'articulation_rate',
  'pause_ratio',
  'pause_mean_ms',
  // Temporal (eGeMAPS: voiced/unvoiced segment statistics).
  'speech_fraction',
  'voiced_fraction',
  'voiced_segments_per_s',
  'voiced_segment_mean_ms',
  'unvoiced_segment_mean_ms',
  'tension_index',
]);

/** Index of each functional name. */
export const FUNCTIONAL_INDEX: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(FUNCTIONAL_NAMES.map((name, i) => [name, i])),
);
